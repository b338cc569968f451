"""Public pages of the programme: the start page, a summit's home, the programme as a list and
as a grid per day, "now and next", session pages and the changes (page and Atom feed)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.agenda import announcements, follows, highlights, publishing, queries, search
from summit.agenda.grid import DayGrid, day_grid
from summit.agenda.models import ScheduleRelease, SessionKind
from summit.auth.permissions import Access, Principal
from summit.eventlog import LiveEvent
from summit.i18n.viewer import current_viewer
from summit.parsing import calendar_day, or_none
from summit.practices import queries as practice_queries
from summit.web.access import page
from summit.web.addresses import base_url
from summit.web.cache import CSRF_PLACEHOLDER, ProgrammeCache, shown_sessions
from summit.web.context import current_summit, database, now, viewer
from summit.web.encoded import chosen_encoding
from summit.web.htmx import is_fragment_request
from summit.web.rendering import render

ContextBuilder = Callable[[queries.Programme], Awaitable[dict[str, Any]]]


async def programme_page(
    request: Request,
    template: str,
    build: ContextBuilder,
    *,
    block: str | None = None,
    minute_bound: bool = False,
) -> Response:
    """Render a page made from the published programme, from cache when the visitor is anonymous.

    ``minute_bound`` pages (what is live, what comes next) are cached for one minute at most.
    """
    summit = current_summit(request)
    cache: ProgrammeCache = request.app.state.programme_cache
    principal: Principal = request.state.principal

    state = await cache.state(database(request), summit)
    shown: set[int] = set()

    async def fresh(followed: set[int]) -> Response:
        programme = state.programme
        built = await build(programme)
        shown.update(shown_sessions(built))
        context = {
            "summit": summit,
            "followed": followed,
            "live_last": programme.last_event_id,
            **built,
        }
        return render(request, template, context, block=block)

    if principal.is_authenticated:
        return await fresh(await followed_by(request))
    shown_to = current_viewer()
    moment = f"|{int(now(request).timestamp() // 60)}" if minute_bound else ""
    assert summit.id is not None  # noqa: S101
    key = (
        summit.id,
        state.base,
        f"{request.url.path}?{request.url.query}{moment}",
        shown_to.language,
        shown_to.timezone,
        is_fragment_request(request),
    )
    found = cache.page(key)
    if found is None:
        made_at = state.stamp
        token = request.state.csrf_token
        request.state.csrf_token = CSRF_PLACEHOLDER
        try:
            response = await fresh(set())
        finally:
            request.state.csrf_token = token
        headers = {
            name: value
            for name, value in response.headers.items()
            if name in {"content-type", "vary"}
        }
        found = (response.status_code, bytes(response.body), headers)
        if response.status_code == 200:
            # Searches are kept apart, so that many different ones cannot push the programme's
            # own pages out of the cache. A status change drops only the pages that show the
            # session (summit/web/cache.py).
            cache.store_page(
                key,
                *found,
                search=bool(request.query_params.get("q", "").strip()),
                made_at=made_at,
                # What is live now depends on every session's status.
                shown=None if minute_bound else frozenset(shown),
            )
    status, body, headers = found
    token = request.state.csrf_token.encode()
    placeholder = CSRF_PLACEHOLDER.encode()
    size = len(body) + body.count(placeholder) * (len(token) - len(placeholder))
    encoding = chosen_encoding(request, headers.get("content-type", ""), size)
    if status == 200 and encoding is not None:
        # Kept compressed with the entry; the token goes in uncompressed (summit/web/encoded.py).
        compressed = cache.encoded(key, body).body(encoding, token)
        if compressed is not None:
            vary = ", ".join(filter(None, (headers.get("vary"), "Accept-Encoding")))
            return Response(
                compressed,
                status_code=status,
                headers={**headers, "content-encoding": encoding, "vary": vary},
            )
    return Response(body.replace(placeholder, token), status_code=status, headers=headers)


async def followed_by(request: Request) -> set[int]:
    """The sessions the signed-in asker follows in the path's summit (none for visitors)."""
    principal: Principal = request.state.principal
    account_id = principal.account_id
    if account_id is None:
        return set()
    summit = current_summit(request)
    return await database(request).run_read(
        lambda db: follows.followed_ids(db, summit=summit, account_id=account_id)
    )


async def summit_index(request: Request) -> Response:
    found = await database(request).run_read(queries.summits)
    if len(found) == 1:
        # The query goes along: a language or zone chosen on the way in (``/?lang=ar``) holds
        # on the summit's page even for a browser that keeps no cookies.
        target = request.url_for("summit_home", slug=found[0].slug).path
        chosen = {
            name: request.query_params[name]
            for name in ("lang", "tz")
            if name in request.query_params
        }
        return RedirectResponse(f"{target}?{urlencode(chosen)}" if chosen else target, 302)
    return render(request, "summits/index.html", {"summits": found})


async def summit_home(request: Request) -> Response:
    moment = now(request)

    async def build(programme: queries.Programme) -> dict[str, Any]:
        live, upcoming = queries.now_and_next(programme, now=moment)
        found = await database(request).run_read(
            lambda db: highlights.highlights(db, programme=programme)
        )
        return {
            "live": live,
            "upcoming": upcoming,
            "highlights": found,
            "tracks": programme.tracks,
            "phase": queries.summit_phase(programme.summit, moment),
            "session_count": len(programme.cards),
            "stream_count": len(programme.streams),
        }

    return await programme_page(
        request, "summits/home.html", build, block="live", minute_bound=True
    )


def _filters(request: Request, programme: queries.Programme) -> queries.ProgrammeFilter:
    """Filters from the query string; values that match nothing are dropped, not errors."""
    params = request.query_params
    day = or_none(calendar_day, params.get("day"), field="day")
    kinds = {kind.value for kind in SessionKind}
    return queries.ProgrammeFilter(
        day=day,
        track=params.get("theme")
        if params.get("theme") in {t.slug for t in programme.tracks}
        else None,
        stream=params.get("stream")
        if params.get("stream") in {s.slug for s in programme.streams}
        else None,
        kind=params.get("kind") if params.get("kind") in kinds else None,
        language=params.get("language") if (params.get("language") or "").isalpha() else None,
        delegation=params.get("delegation")
        if params.get("delegation") in {d.slug for d in programme.delegations.values()}
        else None,
        query=params.get("q", "").strip()[:200],
    )


def _languages(programme: queries.Programme) -> list[str]:
    return sorted({code for card in programme.cards for code in card.session.languages})


def _days(programme: queries.Programme, zone: Any) -> list[date]:
    return sorted({card.shown_start.astimezone(zone).date() for card in programme.cards})


async def programme_list(request: Request) -> Response:
    zone = viewer(request).zone
    summit = current_summit(request)

    async def build(programme: queries.Programme) -> dict[str, Any]:
        wanted = _filters(request, programme)
        ranked = None
        if wanted.query:
            ranked = await database(request).run_read(
                lambda db: search.ranked_ids(db, summit=summit, query=wanted.query)
            )
        cards = queries.filtered(programme, wanted, zone, ranked=ranked)
        return {
            # A search lists its matches best first; otherwise the programme goes day by day.
            "matches": cards if ranked is not None else None,
            "days": queries.by_day(cards, zone) if ranked is None else {},
            "all_days": _days(programme, zone),
            "filters": wanted,
            "found": len(cards),
            "streams": programme.streams,
            "tracks": programme.tracks,
            "kinds": [kind.value for kind in SessionKind],
            "session_languages": _languages(programme),
            "delegations": sorted(programme.delegations.values(), key=lambda d: d.slug),
        }

    return await programme_page(request, "agenda/programme.html", build, block="results")


async def programme_grid(request: Request) -> Response:
    zone = viewer(request).zone

    async def build(programme: queries.Programme) -> dict[str, Any]:
        days = _days(programme, zone)
        day = or_none(calendar_day, request.query_params.get("day"), field="day") or (
            days[0] if days else programme.summit.start_date
        )
        grid: DayGrid = day_grid(
            programme.cards,
            streams=programme.streams,
            day=day,
            zone=zone,
        )
        return {"grid": grid, "day": day, "days": days}

    return await programme_page(request, "agenda/grid.html", build, block="grid")


async def now_next(request: Request) -> Response:
    moment = now(request)

    async def build(programme: queries.Programme) -> dict[str, Any]:
        live, upcoming = queries.now_and_next(programme, now=moment, limit=12)
        return {"live": live, "upcoming": upcoming, "moment": moment}

    return await programme_page(request, "agenda/now.html", build, block="now", minute_bound=True)


async def session_page(request: Request) -> Response:
    session_id = request.path_params["session_id"]

    async def build(programme: queries.Programme) -> dict[str, Any]:
        card = queries.session_card(programme, session_id)
        if card is None:
            raise HTTPException(status_code=404)
        # Publishing or linking a practice raises the programme stamp: this stays current.
        presented = await database(request).run_read(
            lambda db: practice_queries.presented_at(db, session_id=session_id)
        )
        return {"card": card, "delegations": programme.delegations, "practices": presented}

    return await programme_page(request, "agenda/session.html", build, block="session")


async def changes(request: Request) -> Response:
    """Every published version with what it changed, and the day's live announcements."""
    summit = current_summit(request)

    def load(db: Session) -> tuple[list[ScheduleRelease], list[LiveEvent], int]:
        return publishing.releases(db, summit=summit), *announcements.recent(db, summit=summit)

    releases, events, newest = await database(request).run_read(load)
    programme = await request.app.state.programme_cache.programme(database(request), summit)
    streams = {stream.id: stream for stream in programme.streams}
    announced = [
        found for event in events if (found := announcements.of_event(event, programme)) is not None
    ]
    return render(
        request,
        "agenda/changes.html",
        {
            "summit": summit,
            "releases": releases,
            "streams": streams,
            "announcements": announced,
            "live_last": newest,
        },
        block="changes",
    )


async def changes_feed(request: Request) -> Response:
    summit = current_summit(request)
    releases = await database(request).run_read(lambda db: publishing.releases(db, summit=summit))
    response = render(
        request,
        "agenda/changes.atom",
        {"summit": summit, "releases": releases, "base_url": base_url(request)},
    )
    response.headers["content-type"] = "application/atom+xml; charset=utf-8"
    return response


async def themes_css(request: Request) -> Response:
    """The themes' colours as CSS custom properties: the CSP forbids inline styles."""
    summit = current_summit(request)

    def load(db: Session) -> list[tuple[str, str]]:
        return [(track.slug, track.color) for track in queries.tracks(db, summit=summit)]

    # Slugs and colours are validated on input (a slug pattern, a #rrggbb colour).
    rules = "".join(
        f".theme-{track_slug}{{--theme-color:{color}}}\n"
        for track_slug, color in await database(request).run_read(load)
    )
    return Response(rules, media_type="text/css", headers={"cache-control": "public, max-age=300"})


async def grid_css(request: Request) -> Response:
    """Placement classes for programme grids (rows of five minutes, up to 24 hours, and up to
    24 stream columns), since the CSP forbids inline styles."""
    return Response(
        request.app.state.grid_css,
        media_type="text/css",
        headers={"cache-control": "public, max-age=86400"},
    )


routes = [
    page("/", summit_index, access=Access.PUBLIC, name="summit_index"),
    page("/grid.css", grid_css, access=Access.PUBLIC, name="grid_css"),
    page("/{slug:str}/", summit_home, access=Access.PUBLIC, name="summit_home"),
    page("/{slug:str}/programme", programme_list, access=Access.PUBLIC, name="programme"),
    page("/{slug:str}/programme/grid", programme_grid, access=Access.PUBLIC, name="grid"),
    page("/{slug:str}/now", now_next, access=Access.PUBLIC, name="now"),
    page(
        "/{slug:str}/sessions/{session_id:int}", session_page, access=Access.PUBLIC, name="session"
    ),
    page("/{slug:str}/changes", changes, access=Access.PUBLIC, name="changes"),
    page("/{slug:str}/changes.atom", changes_feed, access=Access.PUBLIC, name="changes_feed"),
    page("/{slug:str}/themes.css", themes_css, access=Access.PUBLIC, name="summit_themes_css"),
]
