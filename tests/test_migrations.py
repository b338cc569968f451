from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from summit.agenda.search_index import FTS_TABLE, POSTGRES_COLUMN, POSTGRES_INDEX, is_engine_object
from summit.db import Database
from summit.migrate import current_revision, head_revision, include_name, upgrade
from summit.tables import metadata


def _drift(engine: Engine) -> list[object]:
    # The full-text engine's own objects (an FTS5 table, an expression index) are left out, as
    # they are for autogenerate: no model describes them. The tests below check them instead.
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        return list(compare_metadata(context, metadata))


def test_migrations_match_models_on_sqlite(database: Database) -> None:
    assert _drift(database.engine) == []


@pytest.mark.postgres
def test_migrations_match_models_on_postgres(postgres_engine: Engine) -> None:
    upgrade(postgres_engine)

    assert _drift(postgres_engine) == []


def test_migrations_create_every_table(database: Database) -> None:
    tables = set(inspect(database.engine).get_table_names()) - {"alembic_version"}

    assert {table for table in tables if not is_engine_object(table)} == set(metadata.tables)


def test_migrations_make_the_fts5_search_table_and_its_triggers_on_sqlite(
    database: Database,
) -> None:
    with database.engine.connect() as connection:
        objects = set(
            connection.execute(
                text("SELECT type, name FROM sqlite_master WHERE tbl_name LIKE 'session_search%'")
            ).all()
        )
        created = connection.execute(
            text("SELECT sql FROM sqlite_master WHERE name = :name"), {"name": FTS_TABLE}
        ).scalar_one()

    assert ("table", FTS_TABLE) in objects
    assert {name for kind, name in objects if kind == "trigger"} == {
        "session_search_fts_insert",
        "session_search_fts_update",
        "session_search_fts_delete",
    }
    assert "content='session_search'" in created
    assert "remove_diacritics 2" in created


@pytest.mark.postgres
def test_migrations_make_the_stored_tsvector_and_its_gin_index_on_postgres(
    postgres_engine: Engine,
) -> None:
    upgrade(postgres_engine)

    with postgres_engine.connect() as connection:
        index = connection.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = :name"),
            {"name": POSTGRES_INDEX},
        ).scalar_one()
        column = connection.execute(
            text(
                "SELECT data_type, is_generated, generation_expression"
                " FROM information_schema.columns"
                " WHERE table_name = 'session_search' AND column_name = :name"
            ),
            {"name": POSTGRES_COLUMN},
        ).one()

    assert index.endswith("USING gin (document)")
    assert column[:2] == ("tsvector", "ALWAYS")
    assert column[2].count("to_tsvector('simple'::regconfig") == 3


def test_the_drift_check_leaves_out_only_the_search_engine_objects() -> None:
    assert include_name("session_search_fts", "table", {}) is False
    assert include_name("session_search_fts_data", "table", {}) is False
    assert include_name(POSTGRES_INDEX, "index", {}) is False
    assert include_name(POSTGRES_COLUMN, "column", {"table_name": "session_search"}) is False
    assert include_name("session_search", "table", {}) is True
    assert include_name("title", "column", {"table_name": "session_search"}) is True
    assert include_name(POSTGRES_COLUMN, "column", {"table_name": "other"}) is True
    assert include_name("published_session", "table", {}) is True


def test_upgrade_twice_changes_nothing(database: Database) -> None:
    upgrade(database.engine)

    with database.engine.connect() as connection:
        assert current_revision(connection) == head_revision()
