"""Reads of the published programme, for pages, exports and other contexts.

Each function runs a fixed number of queries, whatever the size of the summit; filters are
applied in Python on the summit's published sessions (hundreds, not millions), which keeps the
result cacheable per programme version.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, or_, select

from summit.agenda.models import (
    PublishedSession,
    ScheduleRelease,
    SessionStatus,
    Stream,
    Summit,
    Track,
)
from summit.eventlog import LiveEvent
from summit.people.models import Delegation, Person

LIVE_STATUSES = (SessionStatus.LIVE, SessionStatus.LATE)
MAX_MADE = 64
T = TypeVar("T")


@dataclass(frozen=True)
class SessionCard:
    """A published session with what a listing shows beside it."""

    session: PublishedSession
    stream: Stream | None
    track: Track | None
    people: list[tuple[str, Person]] = field(default_factory=list)
    """(role, person) in programme order."""
    made: dict[tuple[object, ...], object] = field(default_factory=dict, compare=False, repr=False)
    """What was made from this card (its article, its export entry), by what else it depended
    on: a card is made anew whenever anything it shows but its live status changes, so a page
    made again after a publication or a status renders only the cards that changed
    (``summit.web.templates.card_once``, ``summit.agenda.exports.frab``)."""

    def remembered(self, key: tuple[object, ...], make: Callable[[], T]) -> T:
        """``make()``, once per ``key`` and live status (the status is added to the key)."""
        session = self.session
        key = (*key, session.status, session.delay_minutes, session.revision)
        found = self.made.get(key)
        if found is None:
            if len(self.made) >= MAX_MADE:  # statuses and zones come and go: keep it small
                self.made.clear()
            found = self.made[key] = make()
        return found  # type: ignore[return-value]

    @property
    def shown_start(self) -> datetime:
        """The start delegates should expect: shifted when the session runs late."""
        return self.session.starts_at + timedelta(minutes=self.session.delay_minutes)

    @property
    def shown_end(self) -> datetime:
        return self.session.ends_at + timedelta(minutes=self.session.delay_minutes)

    @property
    def column_key(self) -> int | None:
        return self.session.stream_id


@dataclass(frozen=True)
class Programme:
    """Everything the public programme pages need, loaded in a fixed number of queries."""

    summit: Summit
    cards: list[SessionCard]
    streams: list[Stream]
    tracks: list[Track]
    delegations: dict[int, Delegation]
    version: int
    last_event_id: int
    """The newest live event when this was loaded: where a page made from it replays from."""


@dataclass(frozen=True)
class ProgrammeFilter:
    day: date | None = None
    track: str | None = None
    stream: str | None = None
    kind: str | None = None
    language: str | None = None
    delegation: str | None = None
    query: str = ""

    @property
    def active(self) -> bool:
        return any(
            (
                self.day,
                self.track,
                self.stream,
                self.kind,
                self.language,
                self.delegation,
                self.query,
            )
        )


def summits(db: Session) -> list[Summit]:
    return list(db.exec(select(Summit).order_by(col(Summit.start_date).desc())).all())


def summit_by_slug(db: Session, slug: str) -> Summit | None:
    return db.exec(select(Summit).where(Summit.slug == slug)).first()


def summit_phase(summit: Summit, now: datetime) -> str:
    today = now.astimezone(ZoneInfo(summit.timezone)).date()
    if today < summit.start_date:
        return "before"
    if today > summit.end_date:
        return "after"
    return "during"


def tracks(db: Session, *, summit: Summit) -> list[Track]:
    return list(
        db.exec(select(Track).where(Track.summit_id == summit.id).order_by(col(Track.position)))
    )


def streams(db: Session, *, summit: Summit) -> list[Stream]:
    return list(
        db.exec(select(Stream).where(Stream.summit_id == summit.id).order_by(col(Stream.position)))
    )


def current_version(db: Session, *, summit: Summit) -> int:
    version = db.exec(
        select(ScheduleRelease.version)
        .where(ScheduleRelease.summit_id == summit.id)
        .order_by(col(ScheduleRelease.version).desc())
    ).first()
    return version or 0


def programme(db: Session, *, summit: Summit) -> Programme:
    """The whole published programme with its streams, themes, people and delegations.

    Seven queries, whatever the number of sessions.
    """
    sessions = list(db.exec(_in_programme_order(select(PublishedSession), summit)))
    stream_rows = streams(db, summit=summit)
    track_rows = tracks(db, summit=summit)
    delegations = {
        delegation.id: delegation
        for delegation in db.exec(select(Delegation).where(Delegation.summit_id == summit.id))
        if delegation.id is not None
    }
    skeleton = Programme(
        summit=summit,
        cards=[],
        streams=stream_rows,
        tracks=track_rows,
        delegations=delegations,
        version=0,
        last_event_id=0,
    )
    order = [session.id for session in sessions]
    made = programme_with(
        db, summit=summit, previous=skeleton, order=order, sessions=sessions, people={}
    )
    assert made is not None  # noqa: S101 - every session is given
    return made


def _in_programme_order(query: Any, summit: Summit) -> Any:
    return query.where(PublishedSession.summit_id == summit.id).order_by(
        col(PublishedSession.starts_at), col(PublishedSession.stream_id)
    )


def programme_order(db: Session, *, summit: Summit) -> list[int]:
    """The ids of the published sessions, in the order ``programme`` gives its cards."""
    return list(db.exec(_in_programme_order(select(PublishedSession.id), summit)))


def published_since(
    db: Session, *, summit: Summit, version: int, ids: Collection[int]
) -> list[PublishedSession]:
    """The published sessions that versions after ``version`` changed (or that are ``ids``)."""
    return list(
        db.exec(
            select(PublishedSession).where(
                PublishedSession.summit_id == summit.id,
                or_(col(PublishedSession.version) > version, col(PublishedSession.id).in_(ids)),
            )
        )
    )


def programme_with(
    db: Session,
    *,
    summit: Summit,
    previous: Programme,
    order: list[int],
    sessions: list[PublishedSession],
    people: dict[int | None, Person],
) -> Programme | None:
    """``previous`` with ``sessions`` read again: their cards made anew, every other card kept
    (the same object), in ``order``; ``people`` are those already read. None when a session of
    ``order`` is in neither."""
    fresh = {session.id: session for session in sessions}
    kept = {card.session.id: card for card in previous.cards}
    if any(session_id not in fresh and session_id not in kept for session_id in order):
        return None
    wanted = {entry["person_id"] for session in sessions for entry in session.people}
    if wanted - people.keys():
        people = {
            **people,
            **{
                person.id: person
                for person in db.exec(
                    select(Person).where(col(Person.id).in_(wanted - people.keys()))
                )
            },
        }
    by_stream = {stream.id: stream for stream in previous.streams}
    by_track = {track.id: track for track in previous.tracks}
    cards = []
    for session_id in order:
        session = fresh.get(session_id)
        if session is None:
            cards.append(kept[session_id])
            continue
        cards.append(
            SessionCard(
                session=session,
                stream=by_stream.get(session.stream_id),
                track=by_track.get(session.track_id),
                people=[
                    (entry["role"], people[entry["person_id"]])
                    for entry in session.people
                    if entry["person_id"] in people
                ],
            )
        )
    return dataclasses.replace(
        previous,
        summit=summit,
        cards=cards,
        version=current_version(db, summit=summit),
        last_event_id=db.exec(
            select(func.max(LiveEvent.id)).where(LiveEvent.summit_id == summit.id)
        ).one()
        or 0,
    )


def filtered(
    programme: Programme,
    wanted: ProgrammeFilter,
    zone: ZoneInfo,
    *,
    ranked: Sequence[int] | None = None,
) -> list[SessionCard]:
    """The cards that pass every filter, in programme order; with ``ranked`` (the sessions a
    search found, best first: ``summit.agenda.search``), only those, in that order."""
    delegation_id = next(
        (
            delegation.id
            for delegation in programme.delegations.values()
            if delegation.slug == wanted.delegation
        ),
        None,
    )
    found = []
    for card in programme.cards:
        session = card.session
        if wanted.day and card.shown_start.astimezone(zone).date() != wanted.day:
            continue
        if wanted.track and (card.track is None or card.track.slug != wanted.track):
            continue
        if wanted.stream and (card.stream is None or card.stream.slug != wanted.stream):
            continue
        if wanted.kind and session.kind != wanted.kind:
            continue
        if wanted.language and wanted.language not in session.languages:
            continue
        if wanted.delegation and not any(
            person.delegation_id == delegation_id for _, person in card.people
        ):
            continue
        found.append(card)
    if ranked is None:
        return found
    place = {session_id: index for index, session_id in enumerate(ranked)}
    return sorted(
        (card for card in found if card.session.id in place),
        key=lambda card: place[card.session.id],
    )


def by_day(cards: list[SessionCard], zone: ZoneInfo) -> dict[date, list[SessionCard]]:
    """Cards grouped by the day they start on in ``zone``, in start order."""
    days: dict[date, list[SessionCard]] = defaultdict(list)
    for card in cards:
        days[card.shown_start.astimezone(zone).date()].append(card)
    return dict(sorted(days.items()))


def now_and_next(
    programme: Programme, *, now: datetime, limit: int = 5
) -> tuple[list[SessionCard], list[SessionCard]]:
    """What is live, and the next sessions not yet started."""
    live = [card for card in programme.cards if card.session.status in LIVE_STATUSES]
    upcoming = [
        card
        for card in programme.cards
        if card.session.status == SessionStatus.SCHEDULED and card.shown_start > now
    ]
    upcoming.sort(key=lambda card: card.shown_start)
    return live, upcoming[:limit]


def session_card(programme: Programme, session_id: int) -> SessionCard | None:
    return next((card for card in programme.cards if card.session.id == session_id), None)


def speakers(programme: Programme) -> list[Person]:
    """Everyone on the published programme, by name."""
    found = {person.id: person for card in programme.cards for _, person in card.people}
    return sorted(found.values(), key=lambda person: person.full_name.casefold())


def sessions_of_person(programme: Programme, person_id: int) -> list[SessionCard]:
    return [
        card for card in programme.cards if any(person.id == person_id for _, person in card.people)
    ]


@dataclass(frozen=True)
class DelegationEntry:
    delegation: Delegation
    head: Person | None
    members: list[Person]

    @property
    def member_count(self) -> int:
        return len(self.members)


def delegations(db: Session, *, summit: Summit) -> list[DelegationEntry]:
    rows = list(db.exec(select(Delegation).where(Delegation.summit_id == summit.id)))
    members: dict[int | None, list[Person]] = defaultdict(list)
    for person in db.exec(
        select(Person)
        .where(Person.summit_id == summit.id, col(Person.delegation_id).is_not(None))
        .order_by(col(Person.full_name))
    ):
        members[person.delegation_id].append(person)
    return [
        DelegationEntry(
            delegation=row,
            head=next((p for p in members[row.id] if p.delegation_role == "head"), None),
            members=members[row.id],
        )
        for row in rows
    ]


def summit_days(summit: Summit) -> list[date]:
    return [
        summit.start_date + timedelta(days=offset)
        for offset in range((summit.end_date - summit.start_date).days + 1)
    ]


def last_public_change(db: Session, *, summit: Summit) -> datetime:
    """When the public programme last changed: the newest publication or live status change
    (both are written to the event log with the change itself)."""
    newest = db.exec(
        select(func.max(LiveEvent.created_at)).where(
            LiveEvent.summit_id == summit.id,
            col(LiveEvent.kind).in_(("programme.published", "session.status")),
        )
    ).one()
    released = db.exec(
        select(func.max(ScheduleRelease.published_at)).where(ScheduleRelease.summit_id == summit.id)
    ).one()
    found = [moment for moment in (newest, released) if moment is not None]
    return max(_aware(moment) for moment in found) if found else _aware(summit.created_at)


def _aware(moment: datetime) -> datetime:
    # Aggregates bypass the column type, so SQLite hands back naive UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
