"""the public search index of the programme

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 09:00:00.000000

``session_search`` holds each published session's words, normalised in Python
(``summit.search_text``). Each database's full-text engine reads it through an object that
SQLAlchemy's models cannot describe, made here by hand:

- SQLite: the FTS5 table ``session_search_fts`` over ``session_search`` (external content, so the
  words are stored once), with three triggers that keep it in step with every insert, update and
  delete of ``session_search`` (cascades included). A batch migration that recreates
  ``session_search`` drops the triggers: it must make them again and rebuild the FTS table.
- PostgreSQL: the column ``document``, the weighted ``tsvector`` of the three columns (title A,
  names B, abstract C), generated and stored by PostgreSQL whenever a row is written, and a GIN
  index over it. The ``simple`` configuration: the words are already normalised, and no
  language's stemmer or stop words fit a programme written in three languages. (Stored, because
  ranking reads the vector of every match: computing it per query took 100 ms for 300 sessions.)

The index starts empty: ``summit migrate`` fills it after upgrading (``summit reindex`` does the
same on demand).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_FTS = (
    "CREATE VIRTUAL TABLE session_search_fts USING fts5("
    "title, names, abstract, content='session_search', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE TRIGGER session_search_fts_insert AFTER INSERT ON session_search BEGIN "
    "INSERT INTO session_search_fts(rowid, title, names, abstract) "
    "VALUES (new.id, new.title, new.names, new.abstract); END",
    "CREATE TRIGGER session_search_fts_delete AFTER DELETE ON session_search BEGIN "
    "INSERT INTO session_search_fts(session_search_fts, rowid, title, names, abstract) "
    "VALUES ('delete', old.id, old.title, old.names, old.abstract); END",
    "CREATE TRIGGER session_search_fts_update AFTER UPDATE ON session_search BEGIN "
    "INSERT INTO session_search_fts(session_search_fts, rowid, title, names, abstract) "
    "VALUES ('delete', old.id, old.title, old.names, old.abstract); "
    "INSERT INTO session_search_fts(rowid, title, names, abstract) "
    "VALUES (new.id, new.title, new.names, new.abstract); END",
)

POSTGRES_DOCUMENT = (
    "ALTER TABLE session_search ADD COLUMN document tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, names), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, abstract), 'C')) STORED",
    "CREATE INDEX ix_session_search_document ON session_search USING gin (document)",
)


def upgrade() -> None:
    op.create_table(
        "session_search",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summit_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("names", sa.Text(), nullable=False),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["id"],
            ["published_session.id"],
            name=op.f("fk_session_search_id_published_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["summit_id"],
            ["summit.id"],
            name=op.f("fk_session_search_summit_id_summit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_search")),
    )
    with op.batch_alter_table("session_search", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_search_summit_id"), ["summit_id"], unique=False
        )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in POSTGRES_DOCUMENT:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS session_search_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS session_search_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_session_search_document")
        op.execute("ALTER TABLE session_search DROP COLUMN IF EXISTS document")
    with op.batch_alter_table("session_search", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_search_summit_id"))
    op.drop_table("session_search")
