"""Structured logs: one event per line, as JSON in production or readable in a terminal."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Iterable
from typing import Any
from weakref import WeakKeyDictionary

import structlog
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECRET_PATH_PARAMETERS = frozenset({"token"})
"""Path parameters that are secrets in themselves (reset and invitation links, calendar feeds):
never written to a log."""
REDACTED = "[redacted]"

_secret_routes: WeakKeyDictionary[Any, list[re.Pattern[str]]] = WeakKeyDictionary()
"""Each app's patterns of paths that carry a secret (weakly held: tests make many apps)."""


def configure_logging(*, log_format: str, level: str) -> None:
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        cache_logger_on_first_use=True,
    )


class RequestLogMiddleware:
    """Logs each HTTP request once it is answered: method, path, status, duration."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.log = structlog.get_logger("summit.http")

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if scope["type"] != "http":
            # No frame of ours for a socket: thousands stay open for hours (docs/live.md).
            return self.app(scope, receive, send)
        return self._http(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            await self.log.ainfo(
                "request",
                method=scope["method"],
                path=redacted_path(scope),
                status=status,
                ms=round((time.perf_counter() - started) * 1000, 1),
            )


def redacted_path(scope: Scope) -> str:
    """The request's path as it may be logged: a secret in it is replaced by ``[redacted]``,
    whether or not the request reached its route."""
    path: str = scope["path"]
    app = scope.get("app")
    if app is None:
        return path
    if app not in _secret_routes:
        _secret_routes[app] = list(_secret_patterns(getattr(app, "routes", [])))
    for pattern in _secret_routes[app]:
        found = pattern.match(path)
        if found is None:
            continue
        for name in SECRET_PATH_PARAMETERS & found.groupdict().keys():
            start, end = found.span(name)
            path = path[:start] + REDACTED + path[end:]
        return path
    return path


def _secret_patterns(routes: Iterable[BaseRoute]) -> Iterable[re.Pattern[str]]:
    """Each route's own pattern first; then its beginning, up to the secret, for a path that
    starts like the route but matches none (a mistyped or truncated link)."""
    secret_routes = [
        route
        for route in routes
        if isinstance(route, Route | WebSocketRoute)
        and SECRET_PATH_PARAMETERS & route.param_convertors.keys()
    ]
    for route in secret_routes:
        yield route.path_regex
    for route in secret_routes:
        pattern = route.path_regex.pattern
        for name in SECRET_PATH_PARAMETERS & route.param_convertors.keys():
            cut = pattern.index(f"(?P<{name}>")
            yield re.compile(pattern[:cut] + f"(?P<{name}>[^/]+)")
