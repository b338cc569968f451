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
from tests.conftest import make_client, migrated_database, sqlite_settings
from tests.factories import make_summit


@contextmanager
def count_queries(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _queries_for(settings: Settings, *, days: int, path: str) -> int:
    database = migrated_database(settings)
    with database.write() as db:
        make_summit(db, days=days)
    database.dispose()
    app = create_app(settings, clock=lambda: datetime(2021, 12, 15, tzinfo=UTC))
    with make_client(app) as client:
        client.get(path)  # warm the caches (catalogs, templates)
        with count_queries(app.state.db.engine) as statements:
            assert client.get(path).status_code == 200
    return len(statements)


@pytest.mark.parametrize(
    "path", ["/factory/", "/factory/programme", "/factory/speakers", "/factory/delegations"]
)
def test_listing_pages_use_a_constant_number_of_queries(tmp_path: Path, path: str) -> None:
    one_day = _queries_for(sqlite_settings(tmp_path / "one.db"), days=1, path=path)
    three_days = _queries_for(sqlite_settings(tmp_path / "three.db"), days=3, path=path)

    assert one_day == three_days
