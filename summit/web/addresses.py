"""Which address a request came to, and the absolute address of links that leave the app.

Behind a reverse proxy the connection comes from the proxy, which says in ``X-Forwarded-For``,
``X-Forwarded-Proto`` and ``X-Forwarded-Host`` who the client is and which address it asked for.
Anyone can send those headers, so they are believed only from the proxies named in
``SUMMIT_TRUSTED_PROXIES``. Links that leave the app (mails, calendar feeds, exports, the Atom
feed) start with ``SUMMIT_BASE_URL`` when it is set, and else with the request's own address.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, cast

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware as UvicornProxyHeaders

# A host name or an IPv4 address, or an IPv6 address in brackets, then perhaps a port: nothing
# that could carry a user name, a path or a second host into a link built from it.
_HOST = re.compile(
    r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?"
)


class ProxyHeadersMiddleware:
    """uvicorn's ``ProxyHeadersMiddleware`` (the client from ``X-Forwarded-For``, the scheme
    from ``X-Forwarded-Proto``), plus the host from ``X-Forwarded-Host``, all from the same
    trusted proxies; and a 400 for a ``Host`` that is not a host name.

    It must see the connection first: uvicorn's part replaces the peer's address with the
    client's, after which the peer can no longer be checked.
    """

    def __init__(self, app: ASGIApp, *, trusted_proxies: str) -> None:
        self._forwarded = UvicornProxyHeaders(cast(Any, app), trusted_hosts=trusted_proxies)
        self._trusted: Callable[[str | None], bool] = self._forwarded.trusted_hosts.__contains__

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"}:
            client = scope.get("client")
            if client and self._trusted(client[0]):
                scope = _with_forwarded_host(scope)
            host = Headers(scope=scope).get("host")
            if host is not None and not _HOST.fullmatch(host):
                await PlainTextResponse("Invalid host header", status_code=400)(
                    scope, receive, send
                )
                return
        await self._forwarded(cast(Any, scope), cast(Any, receive), cast(Any, send))


def _with_forwarded_host(scope: Scope) -> Scope:
    """The scope with ``Host`` replaced by the proxy's ``X-Forwarded-Host``, if it sent one.

    Of several values (each proxy on the way may add one) the last counts: it is the one the
    trusted proxy next to us added; the earlier ones came from further away.
    """
    values = [value for name, value in scope["headers"] if name == b"x-forwarded-host"]
    if not values:
        return scope
    forwarded = b",".join(values).split(b",")[-1].strip()
    headers = [(name, value) for name, value in scope["headers"] if name != b"host"]
    return {**scope, "headers": [*headers, (b"host", forwarded)]}


def own_origin(connection: HTTPConnection) -> str:
    """The origin (``scheme://host:port``) this request or socket was made to."""
    # From the scope, not ``connection.url``: a socket would keep that URL for its lifetime.
    scheme = connection.scope.get("scheme", "http")
    scheme = {"ws": "http", "wss": "https"}.get(scheme, scheme)
    host = connection.headers.get("host")
    if host is None:  # HTTP/1.0 may leave it out
        server = connection.scope.get("server") or ("", 0)
        host = f"{server[0]}:{server[1]}"
    return f"{scheme}://{host}"


def base_url(connection: HTTPConnection) -> str:
    """The absolute address, without a trailing slash, that links leaving the app start with:
    ``SUMMIT_BASE_URL`` when set, else the address this request came to (with the app's root
    path, if it is served under one)."""
    configured: str | None = connection.app.state.settings.base_url
    if configured:
        return configured
    root = str(connection.scope.get("app_root_path", connection.scope.get("root_path", "")))
    return own_origin(connection) + root.rstrip("/")
