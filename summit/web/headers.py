"""Security headers on every answer: a strict Content-Security-Policy and friends."""

from __future__ import annotations

from collections.abc import Awaitable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from summit.agenda.players import PlayerPolicy


def content_security_policy(players: PlayerPolicy) -> str:
    """No 'unsafe-inline' and no 'unsafe-eval' (htmx runs with eval off: see base.html's meta
    tag). Frames and media only from the video providers the deployment allows; with none,
    nothing may be framed at all."""
    frames = " ".join(players.frame_sources) or "'none'"
    media = " ".join(["'self'", *players.media_sources])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src {media}",
            f"media-src {media}",
            f"frame-src {frames}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


class SecurityHeadersMiddleware:
    """The headers above on every answer; over https (the base URL's, or the request's own, as
    a trusted proxy reports it) HSTS too, and every cookie is marked ``Secure``."""

    def __init__(self, app: ASGIApp, *, https: bool, players: PlayerPolicy) -> None:
        self.app = app
        self.https = https
        self.headers = {
            "content-security-policy": content_security_policy(players),
            **SECURITY_HEADERS,
        }

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if scope["type"] != "http":
            # No frame of ours for a socket: thousands stay open for hours (docs/live.md).
            return self.app(scope, receive, send)
        return self._http(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        https = self.https or scope.get("scheme") == "https"

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
                if https:
                    headers.setdefault("strict-transport-security", "max-age=63072000")
                    message["headers"] = [_secure_cookie(item) for item in message["headers"]]
            await send(message)

        await self.app(scope, receive, add_headers)


def _secure_cookie(header: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
    name, value = header
    if name.lower() != b"set-cookie":
        return header
    attributes = {part.strip().lower() for part in value.split(b";")[1:]}
    return header if b"secure" in attributes else (name, value + b"; Secure")
