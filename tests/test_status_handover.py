"""The statuses the dispatcher reads bring the cached programme up to date in place: rendering
the change for the open pages asks the database nothing more. When what it read does not
account for the whole change, the cache is left to read what it needs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlmodel import Session, col, select
from starlette.applications import Starlette

from summit.agenda import queries
from summit.agenda.lifecycle import set_status
from summit.agenda.models import SessionStatus, Summit
from summit.db import Database
from summit.eventlog import LiveEvent, record
from summit.web.cache import ProgrammeCache
from tests.conftest import make_client
from tests.test_queries import count_queries

NOW = datetime(2021, 12, 15, 1, 0, tzinfo=UTC)


def _summit(db: Session) -> Summit:
    return db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()


def _set(database: Database, session_id: int, status: SessionStatus) -> None:
    with database.write() as db:
        summit = _summit(db)
        record(db, set_status(db, summit=summit, session_id=session_id, status=status), at=NOW)


def _read_as_the_dispatcher(database: Database, after: int) -> tuple[Summit, list[LiveEvent]]:
    """The summit's events after ``after``, then the summit: the dispatcher's read."""
    with database.read() as db:
        events = list(
            db.exec(select(LiveEvent).where(col(LiveEvent.id) > after).order_by(col(LiveEvent.id)))
        )
        return _summit(db), events


def _status(programme: queries.Programme, session_id: int) -> SessionStatus:
    return next(card for card in programme.cards if card.session.id == session_id).session.status


def test_a_status_reaches_the_pages_with_no_read_but_the_dispatchers(
    demo_app: Starlette,
) -> None:
    with make_client(demo_app) as client:
        assert client.portal is not None
        assert client.get("/ogp2021/programme").status_code == 200  # the programme is cached
        database: Database = demo_app.state.db
        with database.read() as db:
            summit_id = _summit(db).id
        cache: ProgrammeCache = demo_app.state.programme_cache
        opening = demo_app.state.programme_cache._states[summit_id].programme.cards[0]
        session_id = opening.session.id or 0
        received: list[str] = []

        async def send(html: str) -> None:
            received.append(html)

        subscription = demo_app.state.hub.subscribe(
            frozenset({f"summit:{summit_id}:public"}), f"session||{session_id}|en|UTC", send=send
        )
        _set(database, session_id, SessionStatus.LIVE)

        with count_queries(database.engine) as statements:
            client.portal.call(demo_app.state.dispatcher.notify)
        demo_app.state.hub.unsubscribe(subscription)

    assert len(received) == 1
    assert "Live now" in received[0]
    # The new events, and their summit: nothing read again for the programme.
    assert len(statements) == 2, statements
    assert _status(cache._states[summit_id or 0].programme, session_id) == SessionStatus.LIVE


def test_a_read_that_lacks_a_status_changes_nothing(demo_database: Database) -> None:
    cache = ProgrammeCache()
    with demo_database.read() as db:
        summit = _summit(db)
    before = asyncio.run(cache.programme(demo_database, summit))
    first, second = (card.session.id or 0 for card in before.cards[:2])
    newest = cache._states[summit.id or 0].seen
    _set(demo_database, first, SessionStatus.LIVE)
    _set(demo_database, second, SessionStatus.LIVE)
    fresh, events = _read_as_the_dispatcher(demo_database, newest)
    assert [event.kind for event in events] == ["session.status", "session.status"]

    cache.take_events(fresh, events[1:])  # a read that began after the first status

    state = cache._states[summit.id or 0]
    assert (state.stamp, _status(state.programme, first), _status(state.programme, second)) == (
        summit.programme_stamp,
        SessionStatus.SCHEDULED,
        SessionStatus.SCHEDULED,
    )
    after = asyncio.run(cache.programme(demo_database, fresh))
    assert (_status(after, first), _status(after, second)) == (
        SessionStatus.LIVE,
        SessionStatus.LIVE,
    )


def test_a_change_without_an_event_is_left_to_the_caches_own_read(
    demo_database: Database,
) -> None:
    cache = ProgrammeCache()
    with demo_database.read() as db:
        summit = _summit(db)
    before = asyncio.run(cache.programme(demo_database, summit))
    session_id = before.cards[0].session.id or 0
    newest = cache._states[summit.id or 0].seen
    with demo_database.write() as db:
        renamed = _summit(db)
        renamed.programme_stamp += 1  # as a person renamed does
        db.add(renamed)
    _set(demo_database, session_id, SessionStatus.LIVE)
    fresh, events = _read_as_the_dispatcher(demo_database, newest)

    cache.take_events(fresh, events)

    assert cache._states[summit.id or 0].programme is before
    assert _status(before, session_id) == SessionStatus.SCHEDULED
    after = asyncio.run(cache.programme(demo_database, fresh))
    assert after is not before  # loaded anew: the renamed person is read too
    assert _status(after, session_id) == SessionStatus.LIVE
