"""The engine, transactions, and the one helper that runs database work off the event loop.

SQLite: WAL lets readers run beside one writer. A transaction that starts as a reader and
later writes can fail at once with "database is locked" (its snapshot may be stale), which no
busy timeout cures; so every writing unit of work starts with ``BEGIN IMMEDIATE`` and waits its
turn, and writers in this process queue on a lock instead of spinning in SQLite's busy handler.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from anyio import CapacityLimiter, to_thread
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session

from summit.settings import Settings

T = TypeVar("T")

_WRITE_OPTION = "summit_write"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def create_db_engine(settings: Settings) -> Engine:
    """An engine configured for the database the settings name."""
    if settings.is_sqlite:
        engine = create_engine(
            settings.database_url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_pool_size,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_pre_ping=True,
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Autocommit at the driver level: we issue BEGIN ourselves (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """Units of work on one engine: ``read()`` and ``write()`` sessions, sync or off the loop."""

    def __init__(self, engine: Engine, *, write_lock: threading.Lock | None = None) -> None:
        """``write_lock``: another ``Database``'s, for a second engine on the same database
        in this process (its writers must queue with the first one's)."""
        self.engine = engine
        self._write_engine = engine.execution_options(**{_WRITE_OPTION: True})
        self._is_sqlite = engine.dialect.name == "sqlite"
        self._write_lock = write_lock or threading.Lock()

    def sibling(self, engine: Engine) -> Database:
        """A ``Database`` on ``engine`` (the same database) whose writers queue with ours."""
        return Database(engine, write_lock=self._write_lock)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as db:
            yield db

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back if it raises."""
        if self._is_sqlite:
            with self._write_lock, self._write_session() as db:
                yield db
        else:
            with self._write_session() as db:
                yield db

    @contextmanager
    def _write_session(self) -> Iterator[Session]:
        with Session(self._write_engine, expire_on_commit=False) as db:
            try:
                yield db
                db.commit()
            except BaseException:
                db.rollback()
                raise

    async def run_read(
        self, fn: Callable[[Session], T], *, limiter: CapacityLimiter | None = None
    ) -> T:
        """Run ``fn(db)`` in the thread pool in a read transaction; with ``limiter``, in no more
        threads at once than it allows."""
        return await to_thread.run_sync(self._call_read, fn, limiter=limiter)

    async def run_write(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn(db)`` in the thread pool in a write transaction that commits on success."""
        return await to_thread.run_sync(self._call_write, fn)

    def _call_read(self, fn: Callable[[Session], T]) -> T:
        with self.read() as db:
            return fn(db)

    def _call_write(self, fn: Callable[[Session], T]) -> T:
        with self.write() as db:
            return fn(db)

    def dispose(self) -> None:
        self.engine.dispose()
