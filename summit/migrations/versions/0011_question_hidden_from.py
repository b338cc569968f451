"""questions: what a hidden question was, so that unhiding gives it back

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 23:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hidden_from", sa.String(length=16), nullable=True))
    # Questions hidden before this column: they had been waiting or on the list; the list is
    # the likelier, and answered ones say so by their answer time.
    op.execute(
        "UPDATE question SET hidden_from = CASE WHEN answered_at IS NULL THEN 'approved' "
        "ELSE 'answered' END WHERE status = 'hidden'"
    )


def downgrade() -> None:
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_column("hidden_from")
