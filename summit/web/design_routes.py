"""The design system's own page (``/<summit>/_design``, organisers only): every component of
``static/css/summit.css`` on one page, in the viewer's language (``?lang=ar`` shows it right to
left), for reviewing the look of Summit in one place. docs/design.md explains the choices."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from summit.auth.models import Role
from summit.auth.permissions import Access
from summit.web.access import page
from summit.web.context import current_summit
from summit.web.rendering import render

COLOURS = (
    "ink",
    "muted",
    "paper",
    "wash",
    "line",
    "accent",
    "accent-wash",
    "danger",
    "danger-wash",
    "warning",
    "warning-wash",
    "success",
)
SPACES = (1, 2, 3, 4, 5, 6, 7)
TEXT_SIZES = ("xs", "sm", "md", "lg", "xl", "2xl")


async def design(request: Request) -> Response:
    summit = current_summit(request)
    return render(
        request,
        "design/components.html",
        {
            "summit": summit,
            "colours": COLOURS,
            "spaces": SPACES,
            "text_sizes": TEXT_SIZES,
            "roles": (Role.ORGANISER, Role.DELEGATE),
            "values": {"title_en": "Open data for public services", "title_ar": "بيانات مفتوحة"},
        },
    )


routes = [page("/{slug:str}/_design", design, access=Access.ORGANISER, name="design")]
