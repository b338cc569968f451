"""the good-practice library: practices with their themes, files and the sessions they were
presented at

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 06:06:29.983384
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import summit.columns

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "practice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summit_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("delegation_id", sa.Integer(), nullable=True),
        sa.Column("submitter_account_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("country_code", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("moderator_note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("search_words", sa.Text(), nullable=False),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", summit.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["body_id"], ["body.id"], name=op.f("fk_practice_body_id_body"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegation.id"],
            name=op.f("fk_practice_delegation_id_delegation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submitter_account_id"],
            ["account.id"],
            name=op.f("fk_practice_submitter_account_id_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["summit_id"],
            ["summit.id"],
            name=op.f("fk_practice_summit_id_summit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice")),
    )
    with op.batch_alter_table("practice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_body_id"), ["body_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_practice_delegation_id"), ["delegation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_practice_submitter_account_id"), ["submitter_account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_practice_summit_id"), ["summit_id"], unique=False)

    op.create_table(
        "practice_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("original_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("stored_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practice.id"],
            name=op.f("fk_practice_file_practice_id_practice"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_file")),
    )
    with op.batch_alter_table("practice_file", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_practice_file_practice_id"), ["practice_id"], unique=False
        )

    op.create_table(
        "practice_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practice.id"],
            name=op.f("fk_practice_session_practice_id_practice"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["programme_session.id"],
            name=op.f("fk_practice_session_session_id_programme_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_session")),
        sa.UniqueConstraint(
            "practice_id", "session_id", name=op.f("uq_practice_session_practice_id_session_id")
        ),
    )
    with op.batch_alter_table("practice_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_practice_session_practice_id"), ["practice_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_practice_session_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "practice_theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practice.id"],
            name=op.f("fk_practice_theme_practice_id_practice"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["track.id"],
            name=op.f("fk_practice_theme_track_id_track"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_theme")),
        sa.UniqueConstraint(
            "practice_id", "track_id", name=op.f("uq_practice_theme_practice_id_track_id")
        ),
    )
    with op.batch_alter_table("practice_theme", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_practice_theme_practice_id"), ["practice_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_practice_theme_track_id"), ["track_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("practice_theme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_theme_track_id"))
        batch_op.drop_index(batch_op.f("ix_practice_theme_practice_id"))

    op.drop_table("practice_theme")
    with op.batch_alter_table("practice_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_session_session_id"))
        batch_op.drop_index(batch_op.f("ix_practice_session_practice_id"))

    op.drop_table("practice_session")
    with op.batch_alter_table("practice_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_file_practice_id"))

    op.drop_table("practice_file")
    with op.batch_alter_table("practice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_summit_id"))
        batch_op.drop_index(batch_op.f("ix_practice_submitter_account_id"))
        batch_op.drop_index(batch_op.f("ix_practice_delegation_id"))
        batch_op.drop_index(batch_op.f("ix_practice_body_id"))

    op.drop_table("practice")
