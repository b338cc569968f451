"""Several app processes share live updates through a broker, and lose nothing when it fails.

Each test runs two real ``summit serve`` processes on one database and one broker, with a page
open on each. An organiser makes a burst of changes through the first, and the broker dies in
the middle of it: every write succeeds, and both pages end with every event (the processes read
the event table until they can listen again), rendered by their own process.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import Engine, text
from sqlmodel import col, select
from starlette.testclient import TestClient
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect
from websockets.typing import Origin

from summit.agenda.models import ProgrammeSession
from summit.app import create_app
from summit.auth.permissions import ANONYMOUS, live_topics
from summit.db import Database, create_db_engine
from summit.eventlog import LiveEvent
from summit.migrate import upgrade
from summit.seeding import load_summit
from summit.settings import Settings
from tests.conftest import DEMO_FOLDER, DEMO_PASSWORD, sqlite_settings
from tests.servers import SECRET_KEY, free_port, private_redis, serving

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_EVENT = re.compile(r'data-event-id="(\d+)"')


def _opening(database_url: str) -> int:
    database = Database(create_db_engine(Settings(database_url=database_url, environment="test")))
    try:
        with database.read() as db:
            found = db.exec(
                select(ProgrammeSession.id).where(ProgrammeSession.code == "OPENING")
            ).one()
    finally:
        database.dispose()
    assert found is not None
    return found


def _public_event_ids(database_url: str, after: int) -> set[int]:
    database = Database(create_db_engine(Settings(database_url=database_url, environment="test")))
    try:
        with database.read() as db:
            ids = db.exec(
                select(LiveEvent.id).where(
                    col(LiveEvent.id) > after, col(LiveEvent.topic).like("%:public")
                )
            ).all()
    finally:
        database.dispose()
    return {event_id for event_id in ids if event_id is not None}


class Organiser:
    """An organiser's browser, signed in on one process."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.client = httpx.Client(base_url=address, timeout=10)
        token = self._token("/signin")
        answer = self.client.post(
            "/signin",
            data={"email": "organiser@example.org", "password": DEMO_PASSWORD, "csrf_token": token},
            headers={"origin": address},
        )
        assert answer.status_code == 303, answer.text
        self.csrf = self._token("/ogp2021/manage/")

    def _token(self, path: str) -> str:
        found = _CSRF.search(self.client.get(path).text)
        assert found is not None
        return found.group(1)

    def run_late(self, session_id: int, minutes: int) -> int:
        return self.client.post(
            f"/ogp2021/manage/sessions/{session_id}/status",
            data={"status": "late", "delay_minutes": str(minutes), "csrf_token": self.csrf},
            headers={"origin": self.address},
        ).status_code

    def close(self) -> None:
        self.client.close()


class Listener:
    """A delegate's session page on one process: collects the event ids pushed to it."""

    def __init__(self, address: str, session_id: int) -> None:
        self.address = address
        self.received: list[int] = []
        self.texts: list[str] = []
        self._stack = ExitStack()
        self._socket = self._stack.enter_context(
            connect(
                f"{address.replace('http', 'ws')}/ogp2021/live?page=session&session={session_id}",
                origin=Origin(address),
            )
        )
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for message in self._socket:
                text_message = str(message)
                self.texts.append(text_message)
                self.received.extend(int(found) for found in _EVENT.findall(text_message))
        except ConnectionClosed:
            pass

    def wait_for(self, wanted: set[int], seconds: float = 15) -> None:
        deadline = time.monotonic() + seconds
        while not wanted <= set(self.received):
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.address} missing events: {sorted(wanted - set(self.received))}; "
                    f"received {self.received}"
                )
            time.sleep(0.05)

    def close(self) -> None:
        self._stack.close()
        self._thread.join(timeout=5)


@contextmanager
def two_processes(database_url: str, broker_url: str, tmp_path: Path) -> Iterator[list[str]]:
    """Two servers on one database and one broker; both answer for the first one's address
    (as two processes behind one load balancer would)."""
    ports = (free_port(), free_port())
    base = f"http://127.0.0.1:{ports[0]}"
    with ExitStack() as stack:
        addresses = [
            stack.enter_context(
                serving(
                    database_url,
                    tmp_path / f"server{index}.log",
                    port=port,
                    base_url=base,
                    broker_url=broker_url,
                )
            )
            for index, port in enumerate(ports)
        ]
        yield addresses


def _sqlite_demo(tmp_path: Path, demo_database_file: Path) -> str:
    path = tmp_path / "shared.db"
    shutil.copyfile(demo_database_file, path)
    return sqlite_settings(path).database_url


def _postgres_demo(engine: Engine) -> str:
    upgrade(engine)
    database = Database(engine)
    with database.write() as db:
        load_summit(db, DEMO_FOLDER)
    return engine.url.render_as_string(hide_password=False)


def _burst(
    organiser: Organiser, session_id: int, minutes: range, halfway: Callable[[], object]
) -> list[int]:
    statuses = []
    for index, delay in enumerate(minutes):
        if index == len(minutes) // 2:
            halfway()
        statuses.append(organiser.run_late(session_id, delay))
    return statuses


def _burst_through_a_broken_broker(
    database_url: str, broker_url: str, tmp_path: Path, break_broker: Callable[[], object]
) -> None:
    """40 changes through the first process, the broker broken after 20: every write succeeds
    and a page on each process ends with all 40 events, rendered by its own process."""
    opening = _opening(database_url)
    with two_processes(database_url, broker_url, tmp_path) as (first, second):
        organiser = Organiser(first)
        listeners = [Listener(first, opening), Listener(second, opening)]
        try:
            statuses = _burst(organiser, opening, range(1, 41), break_broker)
            events = _public_event_ids(database_url, 0)
            for listener in listeners:
                listener.wait_for(events)
        finally:
            for listener in listeners:
                listener.close()
            organiser.close()

    assert statuses == [303] * 40
    assert len(events) == 40
    for listener in listeners:
        assert sorted(set(listener.received)) == sorted(events)
    # The other process rendered what the change shows, not only the news of it.
    assert any("Running 40 minutes late" in message for message in listeners[1].texts)


@pytest.mark.redis
def test_redis_killed_in_a_burst_fails_no_write_and_loses_no_event(
    tmp_path: Path, demo_database_file: Path
) -> None:
    database_url = _sqlite_demo(tmp_path, demo_database_file)
    with private_redis() as redis_server:
        _burst_through_a_broken_broker(database_url, redis_server.url, tmp_path, redis_server.kill)


@pytest.mark.postgres
def test_postgresql_listeners_cut_in_a_burst_fail_no_write_and_lose_no_event(
    postgres_engine: Engine, tmp_path: Path
) -> None:
    database_url = _postgres_demo(postgres_engine)

    def cut() -> None:
        """What a failover or a restart of the database does to the brokers' connections."""
        with postgres_engine.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() "
                    "AND application_name = 'summit-broker'"
                )
            )
            connection.commit()

    _burst_through_a_broken_broker(database_url, database_url, tmp_path, cut)


@pytest.mark.postgres
def test_events_committed_out_of_id_order_are_all_delivered(
    postgres_engine: Engine, tmp_path: Path
) -> None:
    """Event ids are taken at insert: the later id can commit first. Both must be delivered."""
    database_url = _postgres_demo(postgres_engine)
    app = create_app(Settings(database_url=database_url, environment="test", secret_key=SECRET_KEY))
    with TestClient(app) as client:
        hub = app.state.hub
        dispatcher = app.state.dispatcher
        summit_id = postgres_engine.connect().execute(text("SELECT id FROM summit")).scalar_one()
        received: list[str] = []

        async def send(html: str) -> None:
            received.append(html)

        subscription = hub.subscribe(live_topics(ANONYMOUS, summit_id), "other|||en|UTC", send=send)

        def event(connection: object) -> int:
            return int(
                connection.execute(  # type: ignore[attr-defined]
                    text(
                        "INSERT INTO live_event (summit_id, topic, kind, subject, payload, "
                        "created_at) VALUES (:summit, :topic, 'test', 'test', '{}', now()) "
                        "RETURNING id"
                    ),
                    {"summit": summit_id, "topic": f"summit:{summit_id}:public"},
                ).scalar_one()
            )

        with postgres_engine.connect() as slow, postgres_engine.connect() as fast:
            earlier = event(slow)
            later = event(fast)
            fast.commit()
            client.portal.call(dispatcher.notify)  # type: ignore[union-attr]
            slow.commit()
            client.portal.call(dispatcher.notify)  # type: ignore[union-attr]

        delivered = [int(found) for message in received for found in _EVENT.findall(message)]
        hub.unsubscribe(subscription)

    assert earlier < later
    assert delivered == [later, earlier]
