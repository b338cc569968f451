"""Listing pages run a fixed number of queries, however many sessions there are."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from summit.app import create_app
from summit.settings import Settings
from summit.web.cache import ProgrammeCache
from tests.conftest import make_client, migrated_database, sqlite_settings
from tests.factories import make_summit


@contextmanager
def count_queries(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        # Transactions begin with an explicit BEGIN on SQLite (see summit/db.py): not a query.
        if not args[2].startswith("BEGIN"):
            statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _queries_for(settings: Settings, *, days: int, path: str) -> int:
    """Queries for one request of ``path`` on a summit of ``days`` × 4 streams × 25 sessions,
    with the programme cache cold (a warm cache needs one query: the summit)."""
    database = migrated_database(settings)
    with database.write() as db:
        make_summit(db, days=days, sessions_per_stream_per_day=25, speakers=80)
    database.dispose()
    app = create_app(settings, clock=lambda: datetime(2021, 12, 15, tzinfo=UTC))
    with make_client(app) as client:
        client.get(path)  # load templates and catalogs once
        app.state.programme_cache = ProgrammeCache()
        with count_queries(app.state.db.engine) as statements:
            assert client.get(path).status_code == 200
    return len(statements)


PATHS = [
    "/factory/",
    "/factory/programme",
    "/factory/programme?q=session&theme=theme",
    "/factory/programme/grid",
    "/factory/now",
    "/factory/speakers",
    "/factory/delegations",
    "/factory/delegations/example",
]


@pytest.mark.parametrize("path", PATHS)
def test_programme_pages_use_a_constant_number_of_queries(tmp_path: Path, path: str) -> None:
    one_day = _queries_for(sqlite_settings(tmp_path / "one.db"), days=1, path=path)  # 100 sessions
    three_days = _queries_for(sqlite_settings(tmp_path / "three.db"), days=3, path=path)  # 300

    assert one_day == three_days
    # 11: a delegation's page also reads the seats it holds on committees and networks.
    assert one_day <= 11


def test_a_cached_programme_page_needs_only_the_summit(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path / "cached.db")
    database = migrated_database(settings)
    with database.write() as db:
        make_summit(db, days=1)
    database.dispose()
    app = create_app(settings, clock=lambda: datetime(2021, 12, 15, tzinfo=UTC))
    with make_client(app) as client:
        client.get("/factory/programme")
        with count_queries(app.state.db.engine) as statements:
            assert client.get("/factory/programme").status_code == 200

    assert len(statements) == 1
