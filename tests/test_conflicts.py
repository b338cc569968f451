from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from summit.agenda.conflicts import ConflictKind, Window, find_conflicts
from summit.agenda.models import (
    ProgrammeSession,
    SessionKind,
    SessionPerson,
    SessionRoleKind,
    SessionStatus,
)

SEOUL = ZoneInfo("Asia/Seoul")


def _session(
    session_id: int,
    start: str,
    minutes: int = 60,
    *,
    stream: int | None = 1,
    status: SessionStatus = SessionStatus.SCHEDULED,
) -> ProgrammeSession:
    starts = datetime.fromisoformat(start).replace(tzinfo=SEOUL)
    return ProgrammeSession(
        id=session_id,
        summit_id=1,
        code=f"S{session_id}",
        kind=SessionKind.PANEL,
        title={"en": f"Session {session_id}"},
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        stream_id=stream,
        status=status,
    )


def _conflicts(
    sessions: list[ProgrammeSession],
    links: list[SessionPerson] | None = None,
    availability: dict[int, list[Window]] | None = None,
) -> list[tuple[ConflictKind, tuple[int, ...], int | None]]:
    found = find_conflicts(
        sessions=sessions,
        links=links or [],
        availability=availability or {},
        first_day=date(2021, 12, 15),
        last_day=date(2021, 12, 17),
        zone=SEOUL,
    )
    return [(conflict.kind, conflict.session_ids, conflict.person_id) for conflict in found]


def test_two_sessions_in_one_stream_at_once() -> None:
    found = _conflicts([_session(1, "2021-12-15T09:00"), _session(2, "2021-12-15T09:30")])

    assert found == [(ConflictKind.STREAM_OVERLAP, (1, 2), None)]


def test_back_to_back_sessions_do_not_conflict() -> None:
    assert _conflicts([_session(1, "2021-12-15T09:00"), _session(2, "2021-12-15T10:00")]) == []


def test_same_time_in_different_streams_is_fine() -> None:
    assert (
        _conflicts([_session(1, "2021-12-15T09:00"), _session(2, "2021-12-15T09:00", stream=2)])
        == []
    )


def test_a_cancelled_session_conflicts_with_nothing() -> None:
    cancelled = _session(2, "2021-12-15T09:00", status=SessionStatus.CANCELLED)

    assert _conflicts([_session(1, "2021-12-15T09:00"), cancelled]) == []


def test_a_person_in_two_sessions_at_once() -> None:
    sessions = [_session(1, "2021-12-15T09:00"), _session(2, "2021-12-15T09:30", stream=2)]
    links = [
        SessionPerson(session_id=1, person_id=7, role=SessionRoleKind.SPEAKER),
        SessionPerson(session_id=2, person_id=7, role=SessionRoleKind.MODERATOR),
    ]

    assert _conflicts(sessions, links) == [(ConflictKind.PERSON_OVERLAP, (1, 2), 7)]


def test_a_session_outside_the_summit_days() -> None:
    found = _conflicts(
        [
            _session(1, "2021-12-14T23:30"),
            _session(2, "2021-12-17T23:00", 60),  # ends exactly at midnight: still inside
            _session(3, "2021-12-17T23:30", 60, stream=2),
        ]
    )

    assert found == [
        (ConflictKind.OUTSIDE_DAYS, (1,), None),
        (ConflictKind.OUTSIDE_DAYS, (3,), None),
    ]


def test_a_person_scheduled_outside_their_availability() -> None:
    sessions = [_session(1, "2021-12-15T09:00"), _session(2, "2021-12-15T15:00")]
    links = [
        SessionPerson(session_id=1, person_id=7, role=SessionRoleKind.SPEAKER),
        SessionPerson(session_id=2, person_id=7, role=SessionRoleKind.SPEAKER),
    ]
    mornings = {
        7: [
            Window(
                datetime(2021, 12, 15, 0, 0, tzinfo=UTC),  # 09:00 in Seoul
                datetime(2021, 12, 15, 4, 0, tzinfo=UTC),  # 13:00 in Seoul
            )
        ]
    }

    assert _conflicts(sessions, links, mornings) == [(ConflictKind.UNAVAILABLE, (2,), 7)]


def test_conflict_keys_do_not_depend_on_order() -> None:
    one = find_conflicts(
        sessions=[_session(1, "2021-12-15T09:00"), _session(2, "2021-12-15T09:30")],
        links=[],
        availability={},
        first_day=date(2021, 12, 15),
        last_day=date(2021, 12, 17),
        zone=SEOUL,
    )
    other = find_conflicts(
        sessions=[_session(2, "2021-12-15T09:30"), _session(1, "2021-12-15T09:00")],
        links=[],
        availability={},
        first_day=date(2021, 12, 15),
        last_day=date(2021, 12, 17),
        zone=SEOUL,
    )

    assert [c.key for c in one] == [c.key for c in other] == ["stream_overlap:1-2:"]
