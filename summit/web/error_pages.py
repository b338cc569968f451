"""The error page: inside a summit it keeps the summit's header and navigation, and a refusal
says what the asker can do about it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from summit.web.redirects import sign_in_url
from summit.web.rendering import render

REFUSAL_REASONS = frozenset({"role", "csrf"})
"""Why a request was refused: the account lacks the role, or the form was not genuine."""


def render_error(
    request: Request, status_code: int, *, reason: str = "role", message: str | None = None
) -> Response:
    """The page for ``status_code``, with the summit of the address when the request was under
    one (a server error shows the plain page: the summit's layout may be what failed).
    ``message`` says why a refused form without a page of its own was refused (translated)."""
    summit = getattr(request.state, "summit", None) if status_code < 500 else None
    if request.method == "GET":
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    else:
        # A form's address cannot be opened again after signing in: back to the summit.
        back = f"/{summit.slug}/" if summit is not None else "/"
    return render(
        request,
        "errors/error.html",
        {
            "status_code": status_code,
            "summit": summit,
            "reason": reason if reason in REFUSAL_REASONS else "role",
            "sign_in_url": sign_in_url(back),
            "message": message,
        },
        status_code=status_code,
    )
