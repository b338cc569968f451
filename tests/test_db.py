from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError
from sqlmodel import Session, select

from summit.auth.models import Account, AuditEntry
from summit.db import Database


def test_sqlite_runs_in_wal_mode_with_foreign_keys(database: Database) -> None:
    with database.read() as db:
        journal = db.exec(text("PRAGMA journal_mode")).one()  # type: ignore[call-overload]
        foreign_keys = db.exec(text("PRAGMA foreign_keys")).one()  # type: ignore[call-overload]
        busy = db.exec(text("PRAGMA busy_timeout")).one()  # type: ignore[call-overload]

    assert (journal[0], foreign_keys[0], busy[0]) == ("wal", 1, 30000)


def test_concurrent_writers_never_hit_a_locked_database(database: Database) -> None:
    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        try:
            for index in range(25):
                with database.write() as db:
                    # Read, then write in the same transaction: the pattern that fails with
                    # "database is locked" when transactions start deferred.
                    count = len(db.exec(select(AuditEntry.id)).all())
                    db.add(AuditEntry(action="test", target=f"{worker}:{index}:{count}"))
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    with database.read() as db:
        written = len(db.exec(select(AuditEntry.id)).all())
    assert (errors, written) == ([], 200)


def test_a_failed_unit_of_work_writes_nothing(database: Database) -> None:
    with pytest.raises(RuntimeError), database.write() as db:
        db.add(Account(email="a@example.org", display_name="A"))
        db.flush()
        raise RuntimeError("boom")

    with database.read() as db:
        assert db.exec(select(Account)).all() == []


def test_times_come_back_as_the_same_instant_in_utc(database: Database) -> None:
    seoul = timezone(timedelta(hours=9))
    moment = datetime(2021, 12, 15, 9, 0, tzinfo=seoul)
    with database.write() as db:
        db.add(AuditEntry(action="test", created_at=moment))

    with database.read() as db:
        stored = db.exec(select(AuditEntry)).one().created_at

    assert (stored, stored.tzinfo) == (datetime(2021, 12, 15, 0, 0, tzinfo=UTC), UTC)


def test_naive_times_are_refused(database: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"), database.write() as db:
        db.add(AuditEntry(action="test", created_at=datetime(2021, 12, 15, 9, 0)))  # noqa: DTZ001
        db.flush()


@pytest.mark.anyio
async def test_run_write_runs_off_the_event_loop(database: Database) -> None:
    loop_thread = threading.get_ident()

    def work(db: Session) -> int:
        return threading.get_ident()

    worker_thread = await database.run_write(work)

    assert worker_thread != loop_thread
