from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from summit.db import Database
from summit.migrate import current_revision, head_revision, upgrade
from summit.tables import metadata


def _drift(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_migrations_match_models_on_sqlite(database: Database) -> None:
    assert _drift(database.engine) == []


@pytest.mark.postgres
def test_migrations_match_models_on_postgres(postgres_engine: Engine) -> None:
    upgrade(postgres_engine)

    assert _drift(postgres_engine) == []


def test_migrations_create_every_table(database: Database) -> None:
    tables = set(inspect(database.engine).get_table_names()) - {"alembic_version"}

    assert tables == set(metadata.tables)


def test_upgrade_twice_changes_nothing(database: Database) -> None:
    upgrade(database.engine)

    with database.engine.connect() as connection:
        assert current_revision(connection) == head_revision()
