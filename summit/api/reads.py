"""Public reads: summits, the published programme, people, delegations and award results.

What these answer is what the public pages show, from the same queries: never a draft, never
a private e-mail address, never an award's scores, and its results only once published.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session
from starlette.responses import Response

from summit.agenda import queries, search
from summit.agenda.models import PublishedSession, SessionKind
from summit.api.declare import ApiCall, Operation, QueryParam, json_out, not_found
from summit.api.schemas import (
    AwardOut,
    DelegationOut,
    PersonOut,
    ResultOut,
    SessionOut,
    SessionPersonOut,
    StreamOut,
    SubmissionOut,
    SummitOut,
    SummitSummaryOut,
    ThemeOut,
)
from summit.awards.queries import PublicAward, public_awards
from summit.parsing import calendar_day
from summit.people.models import Person
from summit.web.context import database, now


def session_out(session: PublishedSession) -> SessionOut:
    delay = timedelta(minutes=session.delay_minutes)
    return SessionOut(
        id=session.id,
        code=session.code,
        kind=session.kind,
        title=session.title,
        abstract=session.abstract,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        shown_starts_at=session.starts_at + delay,
        shown_ends_at=session.ends_at + delay,
        stream_id=session.stream_id,
        theme_id=session.track_id,
        languages=session.languages,
        status=session.status,
        delay_minutes=session.delay_minutes,
        people=[SessionPersonOut.model_validate(entry) for entry in session.people],
        channels=session.channels,
        recording_url=session.recording_url,
        captions_url=session.captions_url,
        version=session.version,
    )


def person_out(person: Person) -> PersonOut:
    return PersonOut.model_validate(person)


async def _programme(call: ApiCall) -> queries.Programme:
    programme: queries.Programme = await call.request.app.state.programme_cache.programme(
        database(call.request), call.the_summit
    )
    return programme


async def list_summits(call: ApiCall) -> Response:
    found = await database(call.request).run_read(queries.summits)
    return json_out([SummitSummaryOut.model_validate(summit) for summit in found])


async def get_summit(call: ApiCall) -> Response:
    summit = call.the_summit
    programme = await _programme(call)
    return json_out(
        SummitOut(
            slug=summit.slug,
            name=summit.name,
            host=summit.host,
            tagline=summit.tagline,
            description=summit.description,
            start_date=summit.start_date,
            end_date=summit.end_date,
            days=queries.summit_days(summit),
            timezone=summit.timezone,
            default_language=summit.default_language,
            languages=summit.languages,
            website=summit.website,
            programme_version=programme.version,
            streams=[StreamOut.model_validate(stream) for stream in programme.streams],
            themes=[ThemeOut.model_validate(track) for track in programme.tracks],
        )
    )


async def list_sessions(call: ApiCall) -> Response:
    """The query is checked against the operation's declaration before this runs."""
    params = call.request.query_params
    day = params.get("day")
    wanted = queries.ProgrammeFilter(
        day=calendar_day(day, field="day") if day else None,
        stream=params.get("stream"),
        track=params.get("theme"),
        kind=params.get("kind"),
        language=params.get("language"),
        query=params.get("q", "").strip()[:200],
    )
    programme = await _programme(call)
    ranked = None
    if wanted.query:
        summit = call.the_summit
        ranked = await database(call.request).run_read(
            lambda db: search.ranked_ids(db, summit=summit, query=wanted.query)
        )
    cards = queries.filtered(programme, wanted, ZoneInfo(call.the_summit.timezone), ranked=ranked)
    return json_out([session_out(card.session) for card in cards])


async def get_session(call: ApiCall) -> Response:
    session_id = call.path_id("session_id")
    card = queries.session_card(await _programme(call), session_id)
    if card is None:
        raise not_found()
    return json_out(session_out(card.session))


async def _public_people(call: ApiCall) -> list[Person]:
    """Who the public pages show: speakers of the published programme, and delegations'
    members."""
    summit = call.the_summit
    speakers = queries.speakers(await _programme(call))
    entries = await database(call.request).run_read(
        lambda db: queries.delegations(db, summit=summit)
    )
    found = {person.id: person for person in speakers}
    for entry in entries:
        found.update((person.id, person) for person in entry.members)
    return sorted(found.values(), key=lambda person: (person.full_name.casefold(), person.id))


async def list_people(call: ApiCall) -> Response:
    return json_out([person_out(person) for person in await _public_people(call)])


async def get_person(call: ApiCall) -> Response:
    person_id = call.path_id("person_id")
    found = next((p for p in await _public_people(call) if p.id == person_id), None)
    if found is None:
        raise not_found()
    return json_out(person_out(found))


def delegation_out(entry: queries.DelegationEntry) -> DelegationOut:
    row = entry.delegation
    return DelegationOut(
        id=row.id,
        slug=row.slug,
        name=row.name,
        kind=row.kind,
        country_code=row.country_code,
        head_id=entry.head.id if entry.head else None,
        member_ids=[person.id for person in entry.members if person.id is not None],
    )


async def _delegations(call: ApiCall) -> list[queries.DelegationEntry]:
    summit = call.the_summit

    def load(db: Session) -> list[queries.DelegationEntry]:
        return queries.delegations(db, summit=summit)

    entries = await database(call.request).run_read(load)
    return sorted(entries, key=lambda entry: entry.delegation.slug)


async def list_delegations(call: ApiCall) -> Response:
    return json_out([delegation_out(entry) for entry in await _delegations(call)])


async def get_delegation(call: ApiCall) -> Response:
    delegation_id = call.path_id("delegation_id")
    entry = next((e for e in await _delegations(call) if e.delegation.id == delegation_id), None)
    if entry is None:
        raise not_found()
    return json_out(delegation_out(entry))


def award_out(found: PublicAward) -> AwardOut:
    award = found.award
    return AwardOut(
        id=award.id,
        slug=award.slug,
        category=award.category,
        name=award.name,
        description=award.description,
        results_published=found.published,
        results_published_at=award.results_published_at if found.published else None,
        results=[
            ResultOut(
                place=result.place,
                mention=result.is_mention,
                submission=SubmissionOut.model_validate(result.submission),
            )
            for result in found.results
        ],
    )


async def list_awards(call: ApiCall) -> Response:
    summit = call.the_summit
    moment = now(call.request)
    found = await database(call.request).run_read(
        lambda db: public_awards(db, summit=summit, now=moment)
    )
    return json_out([award_out(item) for item in found])


SUMMIT = "/summits/{slug:str}"
_TEXT = {"type": "string", "maxLength": 200}
OPERATIONS = [
    Operation(
        "GET",
        "/summits",
        list_summits,
        "List the summits",
        response=SummitSummaryOut,
        many=True,
        tags=("summits",),
    ),
    Operation(
        "GET",
        SUMMIT,
        get_summit,
        "A summit, with its days, streams and themes",
        response=SummitOut,
        tags=("summits",),
    ),
    Operation(
        "GET",
        f"{SUMMIT}/sessions",
        list_sessions,
        "The published programme, filtered",
        response=SessionOut,
        many=True,
        errors=(422,),
        query=(
            QueryParam(
                "day",
                {
                    "type": "string",
                    "format": "date",
                    "pattern": "^(?:19[0-9]{2}|2[0-9]{3})-[0-9]{2}-[0-9]{2}$",
                },
                "Sessions starting on this day (between the years 1900 and 2999), in the"
                " summit's time zone.",
            ),
            QueryParam("stream", _TEXT, "A stream's slug."),
            QueryParam("theme", _TEXT, "A theme's slug."),
            QueryParam("kind", {"type": "string", "enum": [k.value for k in SessionKind]}, ""),
            QueryParam("language", _TEXT, "A language code the session is held in."),
            QueryParam(
                "q",
                _TEXT,
                "Words to find, in any order and any case, with or without accents, in titles,"
                " abstracts, names, delegations and themes, in every language; the best"
                " matches come first.",
            ),
        ),
        description="Only published sessions, with their live status and delays. Drafts are "
        "never shown.",
        tags=("programme",),
    ),
    Operation(
        "GET",
        f"{SUMMIT}/sessions/{{session_id:int}}",
        get_session,
        "A published session",
        response=SessionOut,
        tags=("programme",),
    ),
    Operation(
        "GET",
        f"{SUMMIT}/people",
        list_people,
        "Speakers of the published programme and members of delegations",
        response=PersonOut,
        many=True,
        tags=("people",),
    ),
    Operation(
        "GET",
        f"{SUMMIT}/people/{{person_id:int}}",
        get_person,
        "A speaker or delegation member",
        response=PersonOut,
        tags=("people",),
    ),
    Operation(
        "GET",
        f"{SUMMIT}/delegations",
        list_delegations,
        "The delegations, with their heads and members",
        response=DelegationOut,
        many=True,
        tags=("people",),
    ),
    Operation(
        "GET",
        f"{SUMMIT}/delegations/{{delegation_id:int}}",
        get_delegation,
        "A delegation",
        response=DelegationOut,
        tags=("people",),
    ),
    Operation(
        "GET",
        f"{SUMMIT}/awards",
        list_awards,
        "The awards, with their places and mentions once published",
        response=AwardOut,
        many=True,
        description="Results appear from the moment of their publication on; scores, jurors "
        "and unpublished results never do.",
        tags=("awards",),
    ),
]
