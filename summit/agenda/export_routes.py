"""The published programme for other programs, at pretalx's addresses: frab XML and JSON, and
calendars (the whole programme, one stream, one session, one speaker, and a delegate's own
agenda through a secret address).

Each export is rendered once per programme stamp (and language) per process, then served from
memory with an ETag and a Last-Modified, answering 304 to a client whose copy is current.

Exports are for programs, not for a signed-in browser: they read no session and set no cookie
(a shared cache may keep a public answer, and must not hand one person's cookie to another), and
the public ones answer another site's CORS preflight for a conditional GET.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from summit.agenda import calendar_tokens, follows, queries
from summit.agenda.exports import frab, ical, sheets
from summit.agenda.models import Summit
from summit.agenda.queries import summit_by_slug
from summit.auth import queries as auth_queries
from summit.auth.permissions import Access
from summit.i18n.viewer import Viewer, gettext, viewing_as
from summit.settings import LANGUAGES
from summit.web.access import ACCESS_ATTRIBUTE, Endpoint, page
from summit.web.addresses import base_url
from summit.web.cache import Entry, ProgrammeCache, card_ids
from summit.web.conditional import answer, etag_of
from summit.web.context import current_summit, database

XML = "application/xml; charset=utf-8"
JSON = "application/json; charset=utf-8"
CALENDAR = "text/calendar; charset=utf-8"
PUBLIC_HEADERS = {
    "access-control-allow-origin": "*",
    "access-control-expose-headers": "ETag, Last-Modified",
    "cache-control": "public, max-age=60",
}
# A page of another site may poll with If-None-Match; the browser asks first (a preflight).
PREFLIGHT_HEADERS = {
    "access-control-allow-origin": "*",
    "access-control-allow-methods": "GET, HEAD",
    "access-control-allow-headers": "If-None-Match, If-Modified-Since",
    "access-control-max-age": "86400",
}
# The personal feed's address is the secret: no sharing with other sites, no shared caches.
PRIVATE_HEADERS = {"cache-control": "private, no-cache", "referrer-policy": "no-referrer"}
Builder = Callable[[queries.Programme, datetime], bytes]
Pick = Callable[[queries.Programme], list[queries.SessionCard]]


def export_language(request: Request, *, owner_language: str | None = None) -> str:
    """Exports speak the summit's language (or, for a personal feed, its owner's) unless the
    address asks (``?lang=``) for another: calendar apps send no cookies, and one address must
    always give the same document."""
    summit = current_summit(request)
    wanted = request.query_params.get("lang")
    if wanted in LANGUAGES:
        return wanted
    return owner_language if owner_language in LANGUAGES else summit.default_language


async def _export(
    request: Request,
    *,
    name: str,
    media_type: str,
    build: Builder,
    headers: dict[str, str],
    language: str | None = None,
    sessions: Pick | None = None,
) -> Response:
    """The export called ``name``, rendered at most once per programme stamp and language.
    ``sessions`` picks the sessions it shows (default: all): only a status change of one of
    those makes it render again."""
    summit = current_summit(request)
    assert summit.id is not None  # noqa: S101 - loaded from the database
    cache: ProgrammeCache = request.app.state.programme_cache
    language = language or export_language(request)
    # Exports hold absolute links: one address's copy is never served to another's.
    state = await cache.state(database(request), summit)
    key = (
        summit.id,
        state.base,
        f"export:{name}@{base_url(request)}",
        language,
        "",
        False,
    )

    async def render() -> Entry:
        programme = await cache.programme(database(request), summit)
        modified = await database(request).run_read(
            lambda db: queries.last_public_change(db, summit=summit)
        )
        body = await run_in_threadpool(build, programme, modified)
        return (200, body, {"etag": etag_of(body), "last-modified": modified.isoformat()})

    shown = None if sessions is None else card_ids(sessions(state.programme))
    _, body, stored = await cache.render_once(key, render, shown=shown)
    return answer(
        request,
        body,
        media_type=media_type,
        headers=headers,
        etag=stored["etag"],
        last_modified=datetime.fromisoformat(stored["last-modified"]),
        encoded=cache.encoded(key, body),
    )


def _calendar(
    request: Request,
    pick: Callable[[queries.Programme], list[queries.SessionCard]],
    title: str,
    *,
    language: str | None = None,
) -> Builder:
    language = language or export_language(request)
    base = base_url(request)

    def build(programme: queries.Programme, modified: datetime) -> bytes:
        summit = programme.summit
        summit_name = frab.localized(summit.name, language, summit.default_language)
        return ical.calendar(
            pick(programme),
            summit=summit,
            name=f"{summit_name} · {title}" if title else summit_name,
            language=language,
            base_url=base,
            stamp=modified,
        )

    return build


async def schedule_xml(request: Request) -> Response:
    language = export_language(request)
    base = base_url(request)

    def build(programme: queries.Programme, _modified: datetime) -> bytes:
        document = frab.schedule(programme, language=language, base_url=base)
        return frab.schedule_xml(document, url=f"{base}{request.url.path}")

    return await _export(
        request, name="schedule.xml", media_type=XML, build=build, headers=PUBLIC_HEADERS
    )


async def schedule_json(request: Request) -> Response:
    language = export_language(request)
    base = base_url(request)

    def build(programme: queries.Programme, _modified: datetime) -> bytes:
        return frab.schedule_json(frab.schedule(programme, language=language, base_url=base))

    return await _export(
        request, name="schedule.json", media_type=JSON, build=build, headers=PUBLIC_HEADERS
    )


async def schedule_ics(request: Request) -> Response:
    build = _calendar(request, lambda programme: programme.cards, "")
    return await _export(
        request, name="schedule.ics", media_type=CALENDAR, build=build, headers=PUBLIC_HEADERS
    )


async def _programme(request: Request) -> queries.Programme:
    cache: ProgrammeCache = request.app.state.programme_cache
    return await cache.programme(database(request), current_summit(request))


async def stream_ics(request: Request) -> Response:
    slug = request.path_params["stream_slug"]
    programme = await _programme(request)
    stream = next((found for found in programme.streams if found.slug == slug), None)
    if stream is None:
        raise HTTPException(status_code=404)
    summit = programme.summit
    title = frab.localized(stream.name, export_language(request), summit.default_language)

    def pick(programme: queries.Programme) -> list[queries.SessionCard]:
        return [card for card in programme.cards if card.session.stream_id == stream.id]

    return await _export(
        request,
        name=f"stream:{slug}",
        media_type=CALENDAR,
        build=_calendar(request, pick, title),
        headers=PUBLIC_HEADERS,
        sessions=pick,
    )


async def session_ics(request: Request) -> Response:
    session_id = request.path_params["session_id"]
    programme = await _programme(request)
    if queries.session_card(programme, session_id) is None:
        raise HTTPException(status_code=404)

    def pick(programme: queries.Programme) -> list[queries.SessionCard]:
        card = queries.session_card(programme, session_id)
        return [card] if card else []

    return await _export(
        request,
        name=f"session:{session_id}",
        media_type=CALENDAR,
        build=_calendar(request, pick, ""),
        headers=PUBLIC_HEADERS,
        sessions=pick,
    )


async def speaker_ics(request: Request) -> Response:
    slug = request.path_params["person_slug"]
    programme = await _programme(request)
    person = next((found for found in queries.speakers(programme) if found.slug == slug), None)
    if person is None or person.id is None:
        raise HTTPException(status_code=404)
    person_id = person.id

    def pick(programme: queries.Programme) -> list[queries.SessionCard]:
        return queries.sessions_of_person(programme, person_id)

    return await _export(
        request,
        name=f"speaker:{slug}",
        media_type=CALENDAR,
        build=_calendar(request, pick, person.full_name),
        headers=PUBLIC_HEADERS,
        sessions=pick,
    )


async def agenda_ics(request: Request) -> Response:
    """A delegate's followed sessions, for whoever holds the secret address."""
    summit = current_summit(request)
    token = request.path_params["token"]

    def load(db: Session) -> tuple[int, set[int], str | None] | None:
        account_id = calendar_tokens.account_for(db, summit=summit, token=token)
        if account_id is None:
            return None
        return (
            account_id,
            follows.followed_ids(db, summit=summit, account_id=account_id),
            auth_queries.account_language(db, account_id=account_id),
        )

    found = await database(request).run_read(load)
    if found is None:
        raise HTTPException(status_code=404)
    account_id, followed, owner_language = found
    # Written in the owner's language: the feed is theirs, and calendar apps send no cookies.
    language = export_language(request, owner_language=owner_language)
    with viewing_as(Viewer(language=language, timezone=summit.timezone)):
        title = gettext("My agenda")
    # Following a session does not change the programme stamp: the follows are in the name.
    fingerprint = hashlib.sha256(",".join(map(str, sorted(followed))).encode()).hexdigest()

    def pick(programme: queries.Programme) -> list[queries.SessionCard]:
        return [card for card in programme.cards if card.session.id in followed]

    return await _export(
        request,
        name=f"agenda:{account_id}:{fingerprint}",
        media_type=CALENDAR,
        build=_calendar(request, pick, title, language=language),
        headers=PRIVATE_HEADERS,
        language=language,
        sessions=pick,
    )


async def _sheet(
    request: Request, name: str, build: Callable[[Session, Summit], bytes]
) -> Response:
    summit = current_summit(request)
    body = await database(request).run_read(lambda db: build(db, summit))
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{summit.slug}-{name}.csv"'},
    )


async def sessions_csv(request: Request) -> Response:
    """Every session of the draft, for a spreadsheet."""
    return await _sheet(request, "sessions", lambda db, summit: sheets.sessions(db, summit=summit))


async def people_csv(request: Request) -> Response:
    return await _sheet(request, "people", lambda db, summit: sheets.people(db, summit=summit))


async def delegations_csv(request: Request) -> Response:
    return await _sheet(
        request, "delegations", lambda db, summit: sheets.delegations(db, summit=summit)
    )


def export(path: str, endpoint: Endpoint, *, name: str, cors: bool = True) -> Route:
    """An export's route: anyone may fetch it, no session is read and no cookie set; with
    ``cors``, a preflight is answered too."""

    async def guarded(request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=PREFLIGHT_HEADERS)
        slug = request.path_params["slug"]
        summit = await database(request).run_read(lambda db: summit_by_slug(db, slug))
        if summit is None:
            raise HTTPException(status_code=404)
        request.state.summit = summit
        return await endpoint(request)

    setattr(guarded, ACCESS_ATTRIBUTE, Access.PUBLIC)
    guarded.__name__ = endpoint.__name__
    guarded.__doc__ = endpoint.__doc__
    return Route(path, guarded, methods=["GET", "OPTIONS"] if cors else ["GET"], name=name)


EXPORT = "/{slug:str}/schedule/export"
SHEETS = "/{slug:str}/manage/exports"
routes = [
    export(f"{EXPORT}/schedule.xml", schedule_xml, name="export_xml"),
    export(f"{EXPORT}/schedule.json", schedule_json, name="export_json"),
    export(f"{EXPORT}/schedule.ics", schedule_ics, name="export_ics"),
    export(f"{EXPORT}/streams/{{stream_slug:str}}.ics", stream_ics, name="export_stream_ics"),
    export(f"{EXPORT}/sessions/{{session_id:int}}.ics", session_ics, name="export_session_ics"),
    export(f"{EXPORT}/speakers/{{person_slug:str}}.ics", speaker_ics, name="export_speaker_ics"),
    export(f"{EXPORT}/agenda/{{token:str}}.ics", agenda_ics, name="export_agenda", cors=False),
    page(f"{SHEETS}/sessions.csv", sessions_csv, access=Access.ORGANISER, name="sessions_csv"),
    page(f"{SHEETS}/people.csv", people_csv, access=Access.ORGANISER, name="people_csv"),
    page(
        f"{SHEETS}/delegations.csv",
        delegations_csv,
        access=Access.ORGANISER,
        name="delegations_csv",
    ),
]
