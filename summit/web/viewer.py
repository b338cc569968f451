"""Works out each request's language and time zone, and remembers a choice in a cookie.

Order: an explicit ``?lang=`` / ``?tz=``, then the cookie, then the browser's
``Accept-Language`` (language only), then the settings' defaults. The cookies hold display
preferences only; no server data changes.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from zoneinfo import available_timezones

from babel import negotiate_locale
from starlette.datastructures import MutableHeaders, QueryParams
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from summit.i18n.viewer import Viewer, viewing_as
from summit.settings import LANGUAGES

LANGUAGE_COOKIE = "summit_lang"
TIMEZONE_COOKIE = "summit_tz"
_YEAR = 365 * 24 * 3600


def parse_accept_language(header: str) -> list[str]:
    """Language tags in the order of the browser's preference (q-values honoured)."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        if not tag or tag == "*":
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        weighted.append((-quality, index, tag.replace("-", "_")))
    return [tag for _, _, tag in sorted(weighted)]


class ViewerMiddleware:
    def __init__(self, app: ASGIApp, *, default_language: str, default_timezone: str) -> None:
        self.app = app
        self.default_language = default_language
        self.default_timezone = default_timezone
        self._zones = available_timezones()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        viewer, chosen_language, chosen_zone = self._choose(scope)
        scope.setdefault("state", {})["viewer"] = viewer
        if scope["type"] == "websocket":
            # No cookies to set; and an open socket, with this frame, may last for hours.
            with viewing_as(viewer):
                await self.app(scope, receive, send)
            return

        async def remember(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "public" in headers.get("cache-control", ""):
                    # A shared cache may keep this answer: a cookie on it would reach others.
                    await send(message)
                    return
                if chosen_language:
                    headers.append("set-cookie", _cookie(LANGUAGE_COOKIE, chosen_language))
                if chosen_zone:
                    headers.append("set-cookie", _cookie(TIMEZONE_COOKIE, chosen_zone))
            await send(message)

        with viewing_as(viewer):
            await self.app(scope, receive, remember)

    def _choose(self, scope: Scope) -> tuple[Viewer, str | None, str | None]:
        """The viewer, and the language and zone the query string chose (to remember)."""
        connection = HTTPConnection(scope)
        query = QueryParams(scope.get("query_string", b""))
        chosen_language = query.get("lang") if query.get("lang") in LANGUAGES else None
        chosen_zone = query.get("tz") if query.get("tz") in self._zones else None
        language = chosen_language or self._language(connection)
        zone = chosen_zone or self._zone(connection)
        return Viewer(language=language, timezone=zone), chosen_language, chosen_zone

    def _language(self, connection: HTTPConnection) -> str:
        cookie = connection.cookies.get(LANGUAGE_COOKIE)
        if cookie in LANGUAGES:
            return cookie
        header = connection.headers.get("accept-language", "")
        if header:
            negotiated = negotiate_locale(parse_accept_language(header), LANGUAGES, sep="_")
            if negotiated:
                return negotiated
        return self.default_language

    def _zone(self, connection: HTTPConnection) -> str:
        cookie = connection.cookies.get(TIMEZONE_COOKIE)
        return cookie if cookie in self._zones else self.default_timezone


def _cookie(name: str, value: str) -> str:
    cookie: SimpleCookie = SimpleCookie()
    cookie[name] = value
    cookie[name]["path"] = "/"
    cookie[name]["max-age"] = _YEAR
    cookie[name]["samesite"] = "Lax"
    return cookie.output(header="").strip()
