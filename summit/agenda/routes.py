"""Public pages of the programme: the summit index, a summit's home, the programme list."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.agenda import queries
from summit.auth.permissions import Access
from summit.web.access import page
from summit.web.context import current_summit, database, now, viewer
from summit.web.rendering import render


async def summit_index(request: Request) -> Response:
    found = await database(request).run_read(queries.summits)
    if len(found) == 1:
        return RedirectResponse(request.url_for("summit_home", slug=found[0].slug), 302)
    return render(request, "summits/index.html", {"summits": found})


async def summit_home(request: Request) -> Response:
    summit = current_summit(request)
    moment = now(request)
    view = await database(request).run_read(
        lambda db: queries.home_view(db, summit=summit, now=moment)
    )
    return render(request, "summits/home.html", {"view": view, "summit": view.summit}, block="live")


async def programme(request: Request) -> Response:
    summit = current_summit(request)
    zone = viewer(request).zone
    days = await database(request).run_read(
        lambda db: queries.programme_by_day(db, summit=summit, zone=zone)
    )
    return render(request, "agenda/programme.html", {"summit": summit, "days": days})


async def themes_css(request: Request) -> Response:
    """The themes' colours as CSS custom properties: the CSP forbids inline styles."""
    summit = current_summit(request)

    def load(db: Session) -> list[tuple[str, str]]:
        return [(track.slug, track.color) for track in queries.tracks(db, summit=summit)]

    # Slugs and colours are validated on input (a slug pattern, a #rrggbb colour).
    rules = "".join(
        f".theme-{track_slug}{{--theme-color:{color}}}\n"
        for track_slug, color in await database(request).run_read(load)
    )
    return Response(rules, media_type="text/css", headers={"cache-control": "public, max-age=300"})


routes = [
    page("/", summit_index, access=Access.PUBLIC, name="summit_index"),
    page("/{slug:str}/", summit_home, access=Access.PUBLIC, name="summit_home"),
    page("/{slug:str}/programme", programme, access=Access.PUBLIC, name="programme"),
    page("/{slug:str}/themes.css", themes_css, access=Access.PUBLIC, name="summit_themes_css"),
]
