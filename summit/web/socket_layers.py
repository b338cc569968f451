"""How a WebSocket goes through the app's middlewares without keeping them on its stack.

An HTTP request passes each middleware and is gone in milliseconds. A page's socket stays open
for hours, by the thousand, and every middleware that awaits the app below it keeps a suspended
frame for the socket's whole life (300–700 bytes each, with what it holds). Of the middlewares,
only two have anything to say about a socket: the proxy headers (who the client is, which host
it asked for) and the trusted hosts. ``SocketChecks`` hands those two on to the socket's route,
which runs them to the end of their checks before it serves the socket (``run_checks``), and
``HttpOnly`` lets the socket go past their HTTP copies and past compression without a frame.
What a socket is told when it is refused does not change: the same middlewares, with the same
settings, answer it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from contextvars import ContextVar

from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

CHECKS_KEY = "summit.socket_checks"

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
    """Hands ``checks`` (middlewares that may refuse a socket or rewrite its scope) on to each
    socket's route, which runs them to their end before it serves the socket (``run_checks``):
    neither they nor this middleware stay on its stack. HTTP requests go on untouched: they meet
    the same middlewares, wrapped in ``HttpOnly``, further in."""

    def __init__(self, app: ASGIApp, checks: Sequence[Middleware]) -> None:
        self.app = app
        self.checks = _wrapped(_passed, checks)

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if scope["type"] == "websocket":
            scope[CHECKS_KEY] = self.checks
        return self.app(scope, receive, send)


async def run_checks(scope: Scope, receive: Receive, send: Send) -> bool:
    """Run the checks ``SocketChecks`` handed on; False if one refused the socket (and has
    answered it). What they pass on (a forwarded host, the client's address) is written into
    ``scope`` itself: the one dict that the server and the router hold for the socket. A socket
    that came past no ``SocketChecks`` is refused: there is nothing to say who may open it."""
    checks = scope.pop(CHECKS_KEY, None)
    if checks is None:
        await send({"type": "websocket.close", "code": 1011, "reason": "not checked"})
        return False
    passed: list[Scope] = []
    token = _passing.set(passed)
    try:
        await checks(scope, receive, send)
    finally:
        _passing.reset(token)
    if not passed:
        return False
    if passed[0] is not scope:
        scope.update(passed[0])
    return True


async def _passed(scope: Scope, receive: Receive, send: Send) -> None:
    """The innermost app of the checks: notes the scope that got through them."""
    _passing.get().append(scope)
