"""the virtual room: sessions' channels (floor and interpretations), recording and captions;
polls, their options and votes

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import summit.columns

revision: str = "0013"
down_revision: str | None = "0012"
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
    op.create_table(
        "poll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.JSON(), nullable=False),
        sa.Column("multiple", sa.Boolean(), nullable=False),
        sa.Column("results", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", summit.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["account.id"],
            name=op.f("fk_poll_created_by_id_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["programme_session.id"],
            name=op.f("fk_poll_session_id_programme_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll")),
    )
    op.create_index(op.f("ix_poll_session_id"), "poll", ["session_id"], unique=False)
    op.create_table(
        "poll_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["poll.id"], name=op.f("fk_poll_option_poll_id_poll"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_option")),
    )
    op.create_index(op.f("ix_poll_option_poll_id"), "poll_option", ["poll_id"], unique=False)
    op.create_table(
        "poll_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_poll_vote_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["poll_option.id"],
            name=op.f("fk_poll_vote_option_id_poll_option"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["poll.id"], name=op.f("fk_poll_vote_poll_id_poll"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_vote")),
        sa.UniqueConstraint(
            "option_id", "account_id", name=op.f("uq_poll_vote_option_id_account_id")
        ),
    )
    op.create_index(op.f("ix_poll_vote_account_id"), "poll_vote", ["account_id"], unique=False)
    op.create_index(
        "ix_poll_vote_poll_account", "poll_vote", ["poll_id", "account_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("poll_vote")
    op.drop_table("poll_option")
    op.drop_table("poll")
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("captions_url")
            batch_op.drop_column("recording_url")
            batch_op.drop_column("channels")
