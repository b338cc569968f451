"""sessions: the room's channels (floor and interpretations), its recording and captions

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-06 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("programme_session", "published_session")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            # Existing sessions have no channel: an empty object, then no default (as the
            # model, which fills it in).
            batch_op.add_column(
                sa.Column("channels", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
            )
            batch_op.add_column(sa.Column("recording_url", sa.String(length=500), nullable=True))
            batch_op.add_column(sa.Column("captions_url", sa.String(length=500), nullable=True))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("channels", server_default=None)


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("captions_url")
            batch_op.drop_column("recording_url")
            batch_op.drop_column("channels")
