"""Works out each request's language and time zone, and remembers a choice in a cookie.

Language: an explicit ``?lang=`` (then remembered in the ``summit_lang`` cookie), that cookie,
the signed-in account's language, the browser's ``Accept-Language``, the settings' default.
Zone: an explicit ``?tz=`` (remembered in ``summit_tz``), that cookie, the account's zone, the
zone the browser's script reported (``summit_browser_tz``), the settings' default. The cookies
hold display preferences only; no server data changes.

The middleware runs before anyone is identified: it keeps what the browser said as a
``ViewerChoice``, and the route's guard applies the account's preferences once it knows them
(``adopt_account_preferences``).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable
from dataclasses import dataclass
from http.cookies import SimpleCookie

from babel import negotiate_locale
from starlette.datastructures import MutableHeaders, QueryParams
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from summit.auth.permissions import Principal
from summit.i18n.viewer import Viewer, known_zones, view_rest_as, viewing_as
from summit.settings import LANGUAGES

LANGUAGE_COOKIE = "summit_lang"
TIMEZONE_COOKIE = "summit_tz"
BROWSER_TIMEZONE_COOKIE = "summit_browser_tz"
"""Set by static/js/timezone.js from the browser's own zone: a guess, not a choice."""
_YEAR = 365 * 24 * 3600


@functools.cache
def shared_viewer(language: str, timezone: str) -> Viewer:
    """One ``Viewer`` for each language and zone (a known language and zone: a few thousand at
    most), shared by the requests and sockets that have them."""
    return Viewer(language, timezone)


@dataclass(frozen=True, slots=True)
class ViewerChoice:
    """What this browser says about its viewer, before we know who is signed in."""

    language: str | None
    """Chosen in this browser (``?lang=`` or its cookie): nothing overrides it."""
    timezone: str | None
    """Chosen in this browser (``?tz=`` or its cookie): nothing overrides it."""
    fallback_language: str
    """What the browser's ``Accept-Language`` or the settings suggest."""
    fallback_timezone: str
    """The zone the browser reported, or the settings' default."""

    def viewer(self, *, language: str | None = None, timezone: str | None = None) -> Viewer:
        """The viewer, with the account's ``language`` and ``timezone`` where given and valid."""
        account_language = language if language in LANGUAGES else None
        account_zone = timezone if timezone in known_zones() else None
        return shared_viewer(
            self.language or account_language or self.fallback_language,
            self.timezone or account_zone or self.fallback_timezone,
        )


def adopt_account_preferences(connection: HTTPConnection, principal: Principal) -> None:
    """Show the rest of this request (or socket) in the signed-in account's language and zone,
    where this browser made no choice of its own."""
    choice: ViewerChoice | None = getattr(connection.state, "viewer_choice", None)
    if choice is None or not (principal.language or principal.timezone):
        return
    viewer = choice.viewer(language=principal.language, timezone=principal.timezone)
    connection.state.viewer = viewer
    view_rest_as(viewer)


def remember_choice(response: Response, *, language: str, timezone: str) -> None:
    """Make ``language`` and ``timezone`` this browser's own choice."""
    response.headers.append("set-cookie", _cookie(LANGUAGE_COOKIE, language))
    response.headers.append("set-cookie", _cookie(TIMEZONE_COOKIE, timezone))


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

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if scope["type"] not in {"http", "websocket"}:
            return self.app(scope, receive, send)
        choice, chosen_language, chosen_zone = self._choose(scope)
        viewer = choice.viewer()
        state = scope.setdefault("state", {})
        state["viewer"] = viewer
        state["viewer_choice"] = choice
        if scope["type"] == "websocket":
            # No cookies to set, and an open socket may last for hours: no frame of this
            # middleware stays on its stack. A socket's task renders nothing (what it is sent
            # is rendered for its group, in the group's language: summit/live), so no viewer
            # is set in its context either: that would keep a context of its own per socket.
            return self.app(scope, receive, send)
        return self._http(scope, receive, send, viewer, chosen_language, chosen_zone)

    async def _http(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        viewer: Viewer,
        chosen_language: str | None,
        chosen_zone: str | None,
    ) -> None:
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

    def _choose(self, scope: Scope) -> tuple[ViewerChoice, str | None, str | None]:
        """What the browser says, and the language and zone the query string chose (to
        remember)."""
        connection = HTTPConnection(scope)
        query = QueryParams(scope.get("query_string", b""))
        cookies = connection.cookies
        chosen_language = query.get("lang") if query.get("lang") in LANGUAGES else None
        chosen_zone = query.get("tz") if query.get("tz") in known_zones() else None
        cookie_language = cookies.get(LANGUAGE_COOKIE)
        cookie_zone = cookies.get(TIMEZONE_COOKIE)
        browser_zone = cookies.get(BROWSER_TIMEZONE_COOKIE)
        choice = ViewerChoice(
            language=chosen_language or (cookie_language if cookie_language in LANGUAGES else None),
            timezone=chosen_zone or (cookie_zone if cookie_zone in known_zones() else None),
            fallback_language=self._browser_language(connection),
            fallback_timezone=browser_zone
            if browser_zone in known_zones()
            else self.default_timezone,
        )
        return choice, chosen_language, chosen_zone

    def _browser_language(self, connection: HTTPConnection) -> str:
        header = connection.headers.get("accept-language", "")
        if header:
            negotiated = negotiate_locale(parse_accept_language(header), LANGUAGES, sep="_")
            if negotiated:
                return negotiated
        return self.default_language


def _cookie(name: str, value: str) -> str:
    cookie: SimpleCookie = SimpleCookie()
    cookie[name] = value
    cookie[name]["path"] = "/"
    cookie[name]["max-age"] = _YEAR
    cookie[name]["samesite"] = "Lax"
    return cookie.output(header="").strip()
