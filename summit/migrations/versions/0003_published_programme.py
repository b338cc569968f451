"""published programme

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 02:26:54.554486
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import summit.columns

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "published_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summit_id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("abstract", sa.JSON(), nullable=False),
        sa.Column("starts_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("stream_id", sa.Integer(), nullable=True),
        sa.Column("track_id", sa.Integer(), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("people", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("delay_minutes", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "ends_at > starts_at", name=op.f("ck_published_session_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["id"],
            ["programme_session.id"],
            name=op.f("fk_published_session_id_programme_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stream_id"],
            ["stream.id"],
            name=op.f("fk_published_session_stream_id_stream"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["summit_id"],
            ["summit.id"],
            name=op.f("fk_published_session_summit_id_summit"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["track.id"],
            name=op.f("fk_published_session_track_id_track"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_session")),
    )
    with op.batch_alter_table("published_session", schema=None) as batch_op:
        batch_op.create_index(
            "ix_published_session_summit_starts", ["summit_id", "starts_at"], unique=False
        )

    with op.batch_alter_table("summit", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("programme_stamp", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )


def downgrade() -> None:
    with op.batch_alter_table("summit", schema=None) as batch_op:
        batch_op.drop_column("programme_stamp")

    with op.batch_alter_table("published_session", schema=None) as batch_op:
        batch_op.drop_index("ix_published_session_summit_starts")

    op.drop_table("published_session")
