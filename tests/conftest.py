"""Fixtures: a real SQLite file per test, the machine's PostgreSQL, and the demo summit."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from starlette.applications import Starlette
from starlette.testclient import TestClient, WebSocketTestSession

from summit.app import create_app
from summit.db import Database, create_db_engine
from summit.migrate import upgrade
from summit.paths import data_dir
from summit.seeding import load_summit
from summit.settings import Settings

# Fixtures that several test modules of one topic share live beside that topic's helpers.
pytest_plugins = [
    "tests.api_support",
    "tests.awards_support",
    "tests.elections_support",
    "tests.polls_support",
    "tests.qa_support",
    "tests.scoring_support",
    "tests.search_support",
    "tests.submissions_support",
]

DEMO_FOLDER = data_dir("seed") / "ogp2021"
# The middle of the demo summit's first day in Seoul: the opening session is over.
DURING_THE_SUMMIT = datetime(2021, 12, 15, 2, 0, tzinfo=UTC)
# Property tests draw the same examples on every run, so that a red run is a change's doing and
# CI never turns red by chance; SUMMIT_TEST_EXPLORE=1 draws new ones (and seeds schemathesis
# afresh) to look for more.
EXPLORE = os.environ.get("SUMMIT_TEST_EXPLORE") == "1"
# No deadline: a loaded CI machine makes any example slow now and then, and a deadline would turn
# that into a failure that says nothing about the code.
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None, deadline=None)
hypothesis_settings.register_profile("explore", deadline=None)
hypothesis_settings.load_profile("explore" if EXPLORE else "repeatable")


def _redis_url_of_this_worker(url: str) -> str:
    """Each pytest-xdist worker empties its own Redis database (the one named, then the ones
    below it), so that two workers never flush each other's keys."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker.removeprefix("gw") or 0)
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    if index > base:
        raise RuntimeError(f"{worker}: no Redis database left below {base} in {url}")
    return urlunsplit(parts._replace(path=f"/{base - index}"))


REDIS_URL = _redis_url_of_this_worker(
    os.environ.get("SUMMIT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
)
POSTGRES_URL = os.environ.get(
    "SUMMIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def sqlite_settings(path: Path, **overrides: object) -> Settings:
    return Settings(
        database_url=f"sqlite:///{path}",
        environment="test",
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        # Counted only when a test asks (tests/test_presence.py): a count pushed in the middle
        # of another test would be the message it reads next.
        presence_seconds=0,
        **overrides,  # type: ignore[arg-type]
    )


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return sqlite_settings(tmp_path / "summit.db")


def migrated_database(settings: Settings) -> Database:
    database = Database(create_db_engine(settings))
    upgrade(database.engine)
    return database


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    """A migrated, empty SQLite database in a file of its own."""
    database = migrated_database(settings)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def demo_database_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo summit, migrated and seeded once; tests get a copy of the file."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    database = Database(create_db_engine(sqlite_settings(path)))
    upgrade(database.engine)
    with database.write() as db:
        load_summit(db, DEMO_FOLDER)
    # Fold the WAL into the main file, so that copying one file copies everything.
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


@pytest.fixture
def demo_settings(tmp_path: Path, demo_database_file: Path) -> Settings:
    path = tmp_path / "summit.db"
    shutil.copyfile(demo_database_file, path)
    return sqlite_settings(path)


@pytest.fixture
def demo_database(demo_settings: Settings) -> Iterator[Database]:
    database = Database(create_db_engine(demo_settings))
    yield database
    database.dispose()


@pytest.fixture
def demo_app(demo_settings: Settings) -> Starlette:
    return create_app(demo_settings, clock=lambda: DURING_THE_SUMMIT)


BASE_URL = "http://127.0.0.1:8000"
DEMO_PASSWORD = "summit-demo-2021"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: TestClient, path: str = "/signin") -> str:
    """The CSRF token a page of the app hands this client (and sets its cookie)."""
    match = _CSRF_FIELD.search(client.get(path).text)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def post_form(
    client: TestClient, path: str, data: dict[str, str], *, token_from: str = "/signin"
) -> Any:
    """POST a form as the app's own pages do: with the CSRF token and the app's Origin."""
    return client.post(
        path,
        data={**data, "csrf_token": csrf_token(client, token_from)},
        headers={"origin": BASE_URL},
        follow_redirects=False,
    )


def htmx_post(
    client: TestClient, path: str, data: dict[str, str], *, token_from: str = "/ogp2021/manage/"
) -> Any:
    """POST as htmx does: the CSRF token in a header, the fragment asked for."""
    return client.post(
        path,
        data=data,
        headers={
            "origin": BASE_URL,
            "hx-request": "true",
            "x-csrf-token": csrf_token(client, token_from),
        },
    )


def sign_in(client: TestClient, email: str, password: str = DEMO_PASSWORD) -> None:
    response = post_form(client, "/signin", {"email": email, "password": password, "next": "/"})
    assert response.status_code == 303, response.text


def choose_english(client: TestClient) -> None:
    """This browser chose English (the language switcher's cookie), which wins over a signed-in
    account's own language: for tests that read English text as a French or Arabic account."""
    client.cookies.set("summit_lang", "en")


def receive_until(socket: WebSocketTestSession, found: Callable[[str], bool]) -> str:
    """Reads a live socket until a message satisfies ``found``: other news (a count, an event
    the dispatcher read a moment later than the socket opened) may come first."""
    for _ in range(10):
        message = socket.receive_text()
        if found(message):
            return message
    raise AssertionError("no such message")


def make_client(app: Starlette) -> TestClient:
    """A client that talks to the app as a browser on the app's own origin would."""
    return TestClient(app, base_url=BASE_URL)


def another_browser(running: TestClient) -> TestClient:
    """Another browser (its own cookies) on the app that ``running`` runs: the same lifespan and
    event loop, as on a server. A second ``with make_client(app)`` would start the app again,
    in a loop and thread of its own: two dispatchers and two loops on one app's caches, which no
    server has (and where a status could be rendered before it was applied)."""
    assert running.portal is not None, "the running client is used in a with block"
    browser = TestClient(running.app, base_url=BASE_URL)
    browser.portal = running.portal
    return browser


@pytest.fixture
def client(demo_app: Starlette) -> Iterator[TestClient]:
    with make_client(demo_app) as client:
        yield client


@pytest.fixture
def organiser(client: TestClient) -> TestClient:
    """The demo's organiser, signed in."""
    sign_in(client, "organiser@example.org")
    return client


@contextmanager
def fresh_postgres_database(prefix: str, *, template: str | None = None) -> Iterator[str]:
    """The name of a new database on the machine's PostgreSQL (a copy of ``template`` if
    given), dropped afterwards; the test is skipped without PostgreSQL, and fails on CI."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    except OperationalError as error:
        admin.dispose()
        if os.environ.get("CI"):
            pytest.fail(f"CI must have PostgreSQL at {POSTGRES_URL}: {error}")
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL}")
    try:
        yield name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_engine() -> Iterator[Engine]:
    """A fresh, empty PostgreSQL database on the machine's server, dropped afterwards."""
    with fresh_postgres_database("summit_test") as name:
        engine = create_engine(make_url(POSTGRES_URL).set(database=name))
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The machine's Redis (a database of its own, emptied before and after)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.ConnectionError as error:
        client.close()
        if os.environ.get("CI"):
            pytest.fail(f"CI must have Redis at {REDIS_URL}: {error}")
        pytest.skip(f"no Redis at {REDIS_URL}")
    try:
        yield REDIS_URL
    finally:
        client.flushdb()
        client.close()
