"""questions: pinning, and pre-moderation per session

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 04:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_pinned", sa.Boolean(), nullable=False, server_default=sa.text("false"))
        )
    with op.batch_alter_table("programme_session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "qa_premoderated", sa.Boolean(), nullable=False, server_default=sa.text("false")
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("programme_session", schema=None) as batch_op:
        batch_op.drop_column("qa_premoderated")
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_column("is_pinned")
