"""score log, casting votes, reopened score cards

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 04:12:37.601448
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import summit.columns

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "casting_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("tied", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["award.id"],
            name=op.f("fk_casting_vote_award_id_award"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["account.id"],
            name=op.f("fk_casting_vote_recorded_by_id_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["award_submission.id"],
            name=op.f("fk_casting_vote_submission_id_award_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casting_vote")),
        sa.UniqueConstraint("award_id", "tied", name=op.f("uq_casting_vote_award_id_tied")),
    )
    op.create_table(
        "score_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("save_key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_score_log_account_id_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["score_card.id"],
            name=op.f("fk_score_log_card_id_score_card"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_log")),
    )
    with op.batch_alter_table("score_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_score_log_card_id_save_key", ["card_id", "save_key"], unique=False
        )

    with op.batch_alter_table("score_card", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reopened_at", summit.columns.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:

    with op.batch_alter_table("score_card", schema=None) as batch_op:
        batch_op.drop_column("reopened_at")

    with op.batch_alter_table("score_log", schema=None) as batch_op:
        batch_op.drop_index("ix_score_log_card_id_save_key")

    op.drop_table("score_log")
    op.drop_table("casting_vote")
