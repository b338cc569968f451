"""notice seen: who had a page open when a followed session changed

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 06:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notice_seen",
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["event_id"], ["live_event.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "account_id"),
    )


def downgrade() -> None:
    op.drop_table("notice_seen")
