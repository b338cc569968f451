"""Scheduling conflicts, computed from the draft: warnings an organiser can accept.

Pure functions over plain rows: no database, no web. An impossible session (one that ends
before it starts) never gets this far: the services refuse it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from summit.agenda.models import ProgrammeSession, SessionPerson, SessionStatus


class ConflictKind(StrEnum):
    STREAM_OVERLAP = "stream_overlap"
    """Two sessions in one stream at once."""
    PERSON_OVERLAP = "person_overlap"
    """A speaker, moderator or chair in two sessions at once."""
    OUTSIDE_DAYS = "outside_days"
    """A session outside the summit's days (in the summit's own zone)."""
    UNAVAILABLE = "unavailable"
    """A person scheduled outside the availability they gave."""


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    session_ids: tuple[int, ...]
    person_id: int | None = None
    stream_id: int | None = None

    @property
    def key(self) -> str:
        """Stable while the same sessions (and person) are involved: what an acceptance names."""
        ids = "-".join(str(session_id) for session_id in sorted(self.session_ids))
        return f"{self.kind.value}:{ids}:{self.person_id or ''}"


@dataclass(frozen=True)
class Window:
    starts_at: datetime
    ends_at: datetime


def _scheduled(sessions: list[ProgrammeSession]) -> list[ProgrammeSession]:
    return [
        session
        for session in sessions
        if session.starts_at is not None
        and session.ends_at is not None
        and session.status != SessionStatus.CANCELLED
        and session.id is not None
    ]


def _overlapping_pairs(
    sessions: list[ProgrammeSession],
) -> list[tuple[ProgrammeSession, ProgrammeSession]]:
    """Every pair that overlaps in time (touching ends do not overlap), by a sweep."""
    ordered = sorted(sessions, key=lambda session: (session.starts_at, session.id))
    pairs: list[tuple[ProgrammeSession, ProgrammeSession]] = []
    open_sessions: list[ProgrammeSession] = []
    for session in ordered:
        assert session.starts_at is not None  # noqa: S101 - filtered by _scheduled
        open_sessions = [
            other for other in open_sessions if other.ends_at and other.ends_at > session.starts_at
        ]
        pairs.extend((other, session) for other in open_sessions)
        open_sessions.append(session)
    return pairs


def find_conflicts(
    *,
    sessions: list[ProgrammeSession],
    links: list[SessionPerson],
    availability: dict[int, list[Window]],
    first_day: date,
    last_day: date,
    zone: ZoneInfo,
) -> list[Conflict]:
    """Every conflict in the draft programme, in a stable order."""
    scheduled = _scheduled(sessions)
    by_id = {session.id: session for session in scheduled}
    found: list[Conflict] = []

    by_stream: dict[int, list[ProgrammeSession]] = defaultdict(list)
    for session in scheduled:
        if session.stream_id is not None:
            by_stream[session.stream_id].append(session)
    for stream_id, in_stream in sorted(by_stream.items()):
        for first, second in _overlapping_pairs(in_stream):
            found.append(
                Conflict(
                    ConflictKind.STREAM_OVERLAP,
                    (_id(first), _id(second)),
                    stream_id=stream_id,
                )
            )

    by_person: dict[int, list[ProgrammeSession]] = defaultdict(list)
    for link in links:
        linked = by_id.get(link.session_id)
        if linked is not None and linked not in by_person[link.person_id]:
            by_person[link.person_id].append(linked)
    for person_id, theirs in sorted(by_person.items()):
        for first, second in _overlapping_pairs(theirs):
            found.append(
                Conflict(
                    ConflictKind.PERSON_OVERLAP, (_id(first), _id(second)), person_id=person_id
                )
            )
        windows = availability.get(person_id)
        if windows:
            for session in theirs:
                if not any(
                    window.starts_at <= _start(session) and _end(session) <= window.ends_at
                    for window in windows
                ):
                    found.append(
                        Conflict(ConflictKind.UNAVAILABLE, (_id(session),), person_id=person_id)
                    )

    for session in scheduled:
        starts_on = _start(session).astimezone(zone).date()
        # A session that ends exactly at midnight still belongs to its day.
        ends_on = (_end(session) - timedelta(microseconds=1)).astimezone(zone).date()
        if starts_on < first_day or ends_on > last_day:
            found.append(Conflict(ConflictKind.OUTSIDE_DAYS, (_id(session),)))
    return found


def _id(session: ProgrammeSession) -> int:
    assert session.id is not None  # noqa: S101 - filtered by _scheduled
    return session.id


def _start(session: ProgrammeSession) -> datetime:
    assert session.starts_at is not None  # noqa: S101 - filtered by _scheduled
    return session.starts_at


def _end(session: ProgrammeSession) -> datetime:
    assert session.ends_at is not None  # noqa: S101 - filtered by _scheduled
    return session.ends_at
