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
