"""session presence

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 04:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import summit.columns

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "session_presence",
        sa.Column("process", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("viewers", sa.Integer(), nullable=False),
        sa.Column("seen_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["programme_session.id"],
            name=op.f("fk_session_presence_session_id_programme_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("process", "session_id", name=op.f("pk_session_presence")),
    )
    op.create_index(
        op.f("ix_session_presence_session_id"), "session_presence", ["session_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_session_presence_session_id"), table_name="session_presence")
    op.drop_table("session_presence")
