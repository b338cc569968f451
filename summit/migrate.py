"""Runs and inspects the Alembic migrations shipped inside the package."""

from __future__ import annotations

from functools import cache

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import NameFilterParentNames, NameFilterType
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from summit.agenda.search_index import is_engine_object


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", "summit:migrations")
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def include_name(
    name: str | None, type_: NameFilterType, parent_names: NameFilterParentNames
) -> bool:
    """What Alembic compares with the models: everything but the full-text engine's own objects
    (SQLite's FTS5 table and its shadow tables, PostgreSQL's generated ``tsvector`` column and
    its index). No model can describe them, so autogenerate would propose dropping them;
    migration 0010 makes them, and tests/test_migrations.py checks that they exist."""
    table = parent_names.get("table_name") if type_ == "column" else None
    return not is_engine_object(name, table=table)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (the newest by default)."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@cache
def head_revision() -> str | None:
    """The newest migration shipped with this code: read from the package once per process."""
    config = Config()
    config.set_main_option("script_location", "summit:migrations")
    return ScriptDirectory.from_config(config).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
