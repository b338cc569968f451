"""The organisers' schedule editor: the draft as a day grid, and the moves made on it.

Keyword-only functions; the caller owns the transaction. Every change here is a draft change:
the public sees it after the next publication.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from summit.agenda.conflicts import Conflict, Window, find_conflicts
from summit.agenda.models import (
    AcceptedConflict,
    ProgrammeSession,
    ScheduleRelease,
    SessionPerson,
    Stream,
    Summit,
    Track,
)
from summit.agenda.publishing import pending_changes, publish
from summit.columns import utcnow
from summit.errors import DomainError
from summit.eventlog import record
from summit.events import ProgrammePublished
from summit.i18n.viewer import N_plural
from summit.parsing import calendar_moment
from summit.people.models import Person, PersonAvailability
from summit.persistence import pk

SNAP_MINUTES = 5
MAX_DURATION = timedelta(hours=24)


@dataclass
class DraftCard:
    """A draft session as the editor shows it."""

    session: ProgrammeSession
    people: list[tuple[str, Person]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    answers: dict[int, str] = field(default_factory=dict)
    """What each person said on their speaker page: ``confirmed`` or ``declined``, by person id;
    those who have not answered are absent."""

    @property
    def shown_start(self) -> datetime:
        assert self.session.starts_at is not None  # noqa: S101 - only scheduled cards are placed
        return self.session.starts_at

    @property
    def shown_end(self) -> datetime:
        assert self.session.ends_at is not None  # noqa: S101
        return self.session.ends_at

    @property
    def column_key(self) -> int | None:
        return self.session.stream_id

    @property
    def duration_minutes(self) -> int:
        if self.session.starts_at is None or self.session.ends_at is None:
            return 60
        return int((self.session.ends_at - self.session.starts_at).total_seconds() // 60)


@dataclass
class EditorState:
    summit: Summit
    streams: list[Stream]
    tracks: list[Track]
    cards: list[DraftCard]
    unscheduled: list[DraftCard]
    conflicts: list[Conflict]
    """Open conflicts: those not accepted."""
    accepted: list[Conflict]
    titles: dict[int, dict[str, str]]
    people: dict[int, Person]
    pending: int
    """How many sessions the next publication would change."""


def editor_state(db: Session, *, summit: Summit) -> EditorState:
    """The whole draft with its conflicts, in a fixed number of queries."""
    sessions = list(
        db.exec(
            select(ProgrammeSession)
            .where(ProgrammeSession.summit_id == summit.id)
            .order_by(col(ProgrammeSession.starts_at), col(ProgrammeSession.code))
        )
    )
    ids = [pk(session) for session in sessions]
    links = (
        list(
            db.exec(
                select(SessionPerson)
                .where(col(SessionPerson.session_id).in_(ids))
                .order_by(col(SessionPerson.position))
            )
        )
        if ids
        else []
    )
    people = {
        pk(person): person
        for person in db.exec(select(Person).where(Person.summit_id == summit.id))
    }
    availability: dict[int, list[Window]] = defaultdict(list)
    for window in db.exec(
        select(PersonAvailability).where(col(PersonAvailability.person_id).in_(list(people)))
    ):
        availability[window.person_id].append(Window(window.starts_at, window.ends_at))
    accepted_keys = set(
        db.exec(select(AcceptedConflict.key).where(AcceptedConflict.summit_id == summit.id))
    )
    found = find_conflicts(
        sessions=sessions,
        links=links,
        availability=availability,
        first_day=summit.start_date,
        last_day=summit.end_date,
        zone=ZoneInfo(summit.timezone),
    )
    open_conflicts = [conflict for conflict in found if conflict.key not in accepted_keys]
    by_session: dict[int, list[Conflict]] = defaultdict(list)
    for conflict in open_conflicts:
        for session_id in conflict.session_ids:
            by_session[session_id].append(conflict)
    people_of: dict[int, list[tuple[str, Person]]] = defaultdict(list)
    answers_of: dict[int, dict[int, str]] = defaultdict(dict)
    for link in links:
        if link.person_id in people:
            people_of[link.session_id].append((link.role, people[link.person_id]))
        if link.answer is not None:
            answers_of[link.session_id][link.person_id] = link.answer
    cards = [
        DraftCard(session, people_of[pk(session)], by_session[pk(session)], answers_of[pk(session)])
        for session in sessions
    ]
    return EditorState(
        summit=summit,
        streams=list(
            db.exec(
                select(Stream).where(Stream.summit_id == summit.id).order_by(col(Stream.position))
            )
        ),
        tracks=list(
            db.exec(select(Track).where(Track.summit_id == summit.id).order_by(col(Track.position)))
        ),
        cards=[card for card in cards if card.session.starts_at is not None],
        unscheduled=[card for card in cards if card.session.starts_at is None],
        conflicts=open_conflicts,
        accepted=[conflict for conflict in found if conflict.key in accepted_keys],
        titles={pk(session): session.title for session in sessions},
        people=people,
        pending=len(pending_changes(db, summit=summit)),
    )


class UnconfirmedConflicts(DomainError):
    """Publishing was asked for while conflicts are open that the organiser did not confirm
    (they were not shown them: they appeared since, or the request never showed any)."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        super().__init__(
            N_plural(
                "The draft has %(num)d open conflict. Look at it, then publish again if it "
                "should stand.",
                "The draft has %(num)d open conflicts. Look at them, then publish again if they "
                "should stand.",
            ),
            field="conflicts_seen",
            num=len(conflicts),
        )
        self.conflicts = conflicts


def publish_draft(
    db: Session, *, summit: Summit, comment: str, now: datetime, confirmed: Collection[str]
) -> tuple[ScheduleRelease, list[dict[str, Any]]]:
    """Make the draft public and record the publication for open pages and followers; while
    conflicts are open, only if the organiser confirmed every one of them (``confirmed`` holds
    the keys they were shown; an API client accepts them first), so none is published unseen."""
    unconfirmed = [
        conflict
        for conflict in editor_state(db, summit=summit).conflicts
        if conflict.key not in confirmed
    ]
    if unconfirmed:
        raise UnconfirmedConflicts(unconfirmed)
    release, changes = publish(db, summit=summit, comment=comment, now=now)
    published = ProgrammePublished(
        summit_id=pk(summit),
        version=release.version,
        session_ids=tuple(change["session_id"] for change in changes),
    )
    record(db, [published], at=now)
    return release, changes


def _draft(db: Session, summit: Summit, session_id: int) -> ProgrammeSession:
    session = db.get(ProgrammeSession, session_id)
    if session is None or session.summit_id != summit.id:
        raise DomainError("No such session in this summit.", field="session")
    return session


def _touch(session: ProgrammeSession) -> None:
    session.revision += 1
    session.updated_at = utcnow()


def move_session(
    db: Session,
    *,
    summit: Summit,
    session_id: int,
    stream_id: int,
    starts_at: datetime,
    duration_minutes: int | None = None,
) -> ProgrammeSession:
    """Put a session in ``stream_id`` at ``starts_at``, keeping its length unless one is given."""
    session = _draft(db, summit, session_id)
    stream = db.get(Stream, stream_id)
    if stream is None or stream.summit_id != summit.id:
        raise DomainError("No such stream in this summit.", field="stream_id")
    if starts_at.tzinfo is None:
        raise DomainError("Give the time with its zone.", field="starts_at")
    calendar_moment(starts_at, field="starts_at")
    if starts_at.minute % SNAP_MINUTES or starts_at.second or starts_at.microsecond:
        raise DomainError("Times go in steps of five minutes.", field="starts_at")
    if duration_minutes is None:
        duration = (
            session.ends_at - session.starts_at
            if session.starts_at is not None and session.ends_at is not None
            else timedelta(minutes=60)
        )
    else:
        duration = timedelta(minutes=duration_minutes)
    if duration <= timedelta(0):
        raise DomainError("A session must end after it starts.", field="duration")
    if duration > MAX_DURATION or duration.total_seconds() % (SNAP_MINUTES * 60):
        raise DomainError(
            "A session lasts at most 24 hours, in steps of five minutes.", field="duration"
        )
    session.stream_id = stream_id
    # Elapsed time, in UTC: adding to a local time would ignore a clock change in between.
    session.starts_at = starts_at.astimezone(UTC)
    session.ends_at = session.starts_at + duration
    _touch(session)
    db.add(session)
    db.flush()
    return session


def resize_session(
    db: Session, *, summit: Summit, session_id: int, delta_minutes: int
) -> ProgrammeSession:
    session = _draft(db, summit, session_id)
    if session.starts_at is None or session.ends_at is None:
        raise DomainError("Schedule the session before changing its length.", field="duration")
    return move_session(
        db,
        summit=summit,
        session_id=session_id,
        stream_id=session.stream_id or 0,
        starts_at=session.starts_at,
        duration_minutes=int((session.ends_at - session.starts_at).total_seconds() // 60)
        + delta_minutes,
    )


def unschedule_session(db: Session, *, summit: Summit, session_id: int) -> ProgrammeSession:
    session = _draft(db, summit, session_id)
    session.starts_at = None
    session.ends_at = None
    _touch(session)
    db.add(session)
    db.flush()
    return session


def accept_conflict(db: Session, *, summit: Summit, key: str, by_id: int | None) -> None:
    """Stop flagging the conflict with this key (idempotent)."""
    state = editor_state(db, summit=summit)
    if key not in {conflict.key for conflict in state.conflicts + state.accepted}:
        raise DomainError("No such conflict.", field="key")
    exists = db.exec(
        select(AcceptedConflict).where(
            AcceptedConflict.summit_id == summit.id, AcceptedConflict.key == key
        )
    ).first()
    if exists is None:
        db.add(AcceptedConflict(summit_id=pk(summit), key=key, accepted_by_id=by_id))
        db.flush()
