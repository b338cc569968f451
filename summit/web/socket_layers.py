"""How a WebSocket goes through the app's middlewares without keeping them on its stack.

An HTTP request passes each middleware and is gone in milliseconds. A page's socket stays open
for hours, by the thousand, and every middleware that awaits the app below it keeps a suspended
frame for the socket's whole life (300–700 bytes each, with what it holds). Of the middlewares,
only two have anything to say about a socket: the proxy headers (who the client is, which host
it asked for) and the trusted hosts. ``SocketChecks`` runs those two to the end of their checks
before the socket is served, and ``HttpOnly`` lets the socket go past their HTTP copies and past
compression without a frame. What a socket is told when it is refused does not change: the same
middlewares, with the same settings, answer it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from contextvars import ContextVar

from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

# The scope a socket had when it came out of the checks (they may replace it: a forwarded
# host). Set for the duration of one socket's checks, in that socket's own task.
_passing: ContextVar[list[Scope]] = ContextVar("summit_socket_passing")


def _wrapped(app: ASGIApp, middleware: Sequence[Middleware]) -> ASGIApp:
    """``app`` inside ``middleware``, the first outermost (as Starlette builds its stack)."""
    for cls, args, kwargs in reversed(middleware):
        app = cls(app, *args, **kwargs)
    return app


class HttpOnly:
    """One middleware for HTTP requests; sockets (and the lifespan) go straight past it."""

    def __init__(self, app: ASGIApp, middleware: Middleware) -> None:
        self.app = app
        self.http = _wrapped(app, [middleware])

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # Returns the next app's awaitable instead of awaiting it: no frame of this one stays.
        if scope["type"] == "http":
            return self.http(scope, receive, send)
        return self.app(scope, receive, send)


class SocketChecks:
    """Runs ``checks`` (middlewares that may refuse a socket or rewrite its scope) to their end
    for each socket, then serves the socket with the scope they passed on, none of them left on
    its stack. HTTP requests go on untouched: they meet the same middlewares, wrapped in
    ``HttpOnly``, further in."""

    def __init__(self, app: ASGIApp, checks: Sequence[Middleware]) -> None:
        self.app = app
        self.checks = _wrapped(_passed, checks)

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if scope["type"] == "websocket":
            return self._socket(scope, receive, send)
        return self.app(scope, receive, send)

    async def _socket(self, scope: Scope, receive: Receive, send: Send) -> None:
        checked = await self._checked(scope, receive, send)
        # None: a check refused the socket, and has answered it.
        if checked is not None:
            await self.app(checked, receive, send)

    async def _checked(self, scope: Scope, receive: Receive, send: Send) -> Scope | None:
        """The scope the checks passed on, if they let the socket through (in a frame of its
        own: what it holds goes when it returns)."""
        passed: list[Scope] = []
        token = _passing.set(passed)
        try:
            await self.checks(scope, receive, send)
        finally:
            _passing.reset(token)
        return passed[0] if passed else None


async def _passed(scope: Scope, receive: Receive, send: Send) -> None:
    """The innermost app of the checks: notes the scope that got through them."""
    _passing.get().append(scope)
