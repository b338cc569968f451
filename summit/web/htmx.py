"""Every htmx request header we read, and the response headers we send, in one place."""

from __future__ import annotations

from starlette.requests import Request


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def is_fragment_request(request: Request) -> bool:
    """True when htmx asks for a piece of a page, not for a whole page.

    Boosted navigation and history restoration expect the whole page.
    """
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-boosted") != "true"
        and headers.get("hx-history-restore-request") != "true"
    )


def redirect_headers(request: Request, url: str) -> dict[str, str]:
    """htmx follows ``HX-Redirect``; a plain browser follows ``Location``."""
    if is_htmx(request):
        return {"hx-redirect": url}
    return {"location": url}
