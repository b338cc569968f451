"""Reads of the programme for pages, exports and other contexts. Each runs a fixed number of
queries, whatever the size of the summit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from summit.agenda.models import (
    ProgrammeSession,
    SessionPerson,
    SessionStatus,
    Stream,
    Summit,
    Track,
)
from summit.people.models import Delegation, Person

LIVE_STATUSES = (SessionStatus.LIVE, SessionStatus.LATE)


@dataclass(frozen=True)
class SessionCard:
    """A session with what a listing shows beside it."""

    session: ProgrammeSession
    stream: Stream | None
    track: Track | None
    people: list[tuple[SessionPerson, Person]] = field(default_factory=list)


@dataclass(frozen=True)
class HomeView:
    summit: Summit
    tracks: list[Track]
    live: list[SessionCard]
    upcoming: list[SessionCard]
    phase: str
    """``before``, ``during`` or ``after`` the summit, by the summit's own calendar."""
    session_count: int
    stream_count: int


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


def home_view(db: Session, *, summit: Summit, now: datetime, upcoming_limit: int = 5) -> HomeView:
    published = select(ProgrammeSession).where(
        ProgrammeSession.summit_id == summit.id, col(ProgrammeSession.is_published)
    )
    live = list(
        db.exec(
            published.where(col(ProgrammeSession.status).in_(LIVE_STATUSES)).order_by(
                col(ProgrammeSession.starts_at)
            )
        )
    )
    upcoming = list(
        db.exec(
            published.where(
                ProgrammeSession.status == SessionStatus.SCHEDULED,
                col(ProgrammeSession.starts_at) > now,
            )
            .order_by(col(ProgrammeSession.starts_at))
            .limit(upcoming_limit)
        )
    )
    cards = _cards(db, summit=summit, sessions=live + upcoming)
    counts = db.exec(
        select(ProgrammeSession.id).where(
            ProgrammeSession.summit_id == summit.id, col(ProgrammeSession.is_published)
        )
    ).all()
    streams = db.exec(select(Stream.id).where(Stream.summit_id == summit.id)).all()
    return HomeView(
        summit=summit,
        tracks=tracks(db, summit=summit),
        live=cards[: len(live)],
        upcoming=cards[len(live) :],
        phase=summit_phase(summit, now),
        session_count=len(counts),
        stream_count=len(streams),
    )


def programme_by_day(
    db: Session, *, summit: Summit, zone: ZoneInfo
) -> dict[date, list[SessionCard]]:
    """Published, scheduled sessions grouped by their day in ``zone``, in start order."""
    sessions = list(
        db.exec(
            select(ProgrammeSession)
            .where(
                ProgrammeSession.summit_id == summit.id,
                col(ProgrammeSession.is_published),
                col(ProgrammeSession.starts_at).is_not(None),
            )
            .order_by(col(ProgrammeSession.starts_at), col(ProgrammeSession.id))
        )
    )
    days: dict[date, list[SessionCard]] = defaultdict(list)
    for card in _cards(db, summit=summit, sessions=sessions):
        if card.session.starts_at is not None:
            days[card.session.starts_at.astimezone(zone).date()].append(card)
    return dict(days)


def _cards(db: Session, *, summit: Summit, sessions: list[ProgrammeSession]) -> list[SessionCard]:
    """Attach streams, themes and people with three queries, however many sessions."""
    if not sessions:
        return []
    streams = {
        stream.id: stream for stream in db.exec(select(Stream).where(Stream.summit_id == summit.id))
    }
    tracks = {
        track.id: track for track in db.exec(select(Track).where(Track.summit_id == summit.id))
    }
    ids = [session.id for session in sessions]
    people: dict[int | None, list[tuple[SessionPerson, Person]]] = defaultdict(list)
    rows = db.exec(
        select(SessionPerson, Person)
        .join(Person, col(Person.id) == SessionPerson.person_id)
        .where(col(SessionPerson.session_id).in_(ids))
        .order_by(col(SessionPerson.position))
    )
    for link, person in rows:
        people[link.session_id].append((link, person))
    return [
        SessionCard(
            session=session,
            stream=streams.get(session.stream_id),
            track=tracks.get(session.track_id),
            people=people.get(session.id, []),
        )
        for session in sessions
    ]


def speakers(db: Session, *, summit: Summit) -> list[tuple[Person, Delegation | None]]:
    """Everyone on the published programme, by name."""
    on_programme = (
        select(SessionPerson.person_id)
        .join(ProgrammeSession, col(ProgrammeSession.id) == SessionPerson.session_id)
        .where(ProgrammeSession.summit_id == summit.id, col(ProgrammeSession.is_published))
    )
    rows = db.exec(
        select(Person, Delegation)
        .join(Delegation, col(Delegation.id) == Person.delegation_id, isouter=True)
        .where(Person.summit_id == summit.id, col(Person.id).in_(on_programme))
        .order_by(col(Person.full_name))
    )
    return [(person, delegation) for person, delegation in rows]


@dataclass(frozen=True)
class DelegationEntry:
    delegation: Delegation
    head: Person | None
    member_count: int


def delegations(db: Session, *, summit: Summit) -> list[DelegationEntry]:
    rows = list(db.exec(select(Delegation).where(Delegation.summit_id == summit.id)))
    members: dict[int | None, list[Person]] = defaultdict(list)
    for person in db.exec(
        select(Person).where(Person.summit_id == summit.id, col(Person.delegation_id).is_not(None))
    ):
        members[person.delegation_id].append(person)
    entries = [
        DelegationEntry(
            delegation=row,
            head=next((p for p in members[row.id] if p.delegation_role == "head"), None),
            member_count=len(members[row.id]),
        )
        for row in rows
    ]
    return entries
