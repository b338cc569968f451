"""the speaker portal: people's photos and links, speakers' answers, sessions' slides

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 06:01:47.962655
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import summit.columns

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "session_slides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("original_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("stored_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("uploaded_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_session_slides_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["programme_session.id"],
            name=op.f("fk_session_slides_session_id_programme_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_slides")),
        sa.UniqueConstraint(
            "session_id", "person_id", name=op.f("uq_session_slides_session_id_person_id")
        ),
    )
    with op.batch_alter_table("session_slides", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_slides_session_id"), ["session_id"], unique=False
        )

    with op.batch_alter_table("person", schema=None) as batch_op:
        # Existing people give no links: the default fills their rows.
        batch_op.add_column(
            sa.Column("links", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(
            sa.Column("photo_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )

    with op.batch_alter_table("session_person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("answered_at", summit.columns.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("session_person", schema=None) as batch_op:
        batch_op.drop_column("answered_at")
        batch_op.drop_column("answer")

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("photo_name")
        batch_op.drop_column("links")

    with op.batch_alter_table("session_slides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_slides_session_id"))

    op.drop_table("session_slides")
