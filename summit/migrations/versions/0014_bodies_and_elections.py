"""bodies (committees, networks) with seats and linked sessions; elections with secret ballots

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 02:39:22.632182
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import summit.columns

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "body",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summit_id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("seats IS NULL OR seats > 0", name=op.f("ck_body_seats_positive")),
        sa.ForeignKeyConstraint(
            ["summit_id"], ["summit.id"], name=op.f("fk_body_summit_id_summit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body")),
        sa.UniqueConstraint("summit_id", "slug", name=op.f("uq_body_summit_id_slug")),
    )
    with op.batch_alter_table("body", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_body_summit_id"), ["summit_id"], unique=False)

    op.create_table(
        "body_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("delegation_id", sa.Integer(), nullable=True),
        sa.Column("organisation", sa.JSON(), nullable=False),
        sa.Column("seat_kind", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("term_from", sa.Date(), nullable=False),
        sa.Column("term_to", sa.Date(), nullable=True),
        sa.Column("is_placeholder", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "term_to IS NULL OR term_to >= term_from",
            name=op.f("ck_body_member_term_ends_after_start"),
        ),
        sa.ForeignKeyConstraint(
            ["body_id"], ["body.id"], name=op.f("fk_body_member_body_id_body"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegation.id"],
            name=op.f("fk_body_member_delegation_id_delegation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body_member")),
    )
    with op.batch_alter_table("body_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_body_member_body_id"), ["body_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_body_member_delegation_id"), ["delegation_id"], unique=False
        )

    op.create_table(
        "election",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summit_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("tie_rule", sa.String(length=16), nullable=False),
        sa.Column("draw_seed", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("opens_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closes_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("counted_at", summit.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("published_at", summit.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("closes_at > opens_at", name=op.f("ck_election_closes_after_opening")),
        sa.CheckConstraint("seats > 0", name=op.f("ck_election_seats_positive")),
        sa.ForeignKeyConstraint(
            ["body_id"], ["body.id"], name=op.f("fk_election_body_id_body"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["summit_id"],
            ["summit.id"],
            name=op.f("fk_election_summit_id_summit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_election")),
        sa.UniqueConstraint("summit_id", "slug", name=op.f("uq_election_summit_id_slug")),
    )
    with op.batch_alter_table("election", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_election_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_election_summit_id"), ["summit_id"], unique=False)

    op.create_table(
        "ballot",
        sa.Column("receipt_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["election_id"],
            ["election.id"],
            name=op.f("fk_ballot_election_id_election"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("receipt_hash", name=op.f("pk_ballot")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballot_election_id"), ["election_id"], unique=False)

    op.create_table(
        "body_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["body.id"], name=op.f("fk_body_session_body_id_body"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["programme_session.id"],
            name=op.f("fk_body_session_session_id_programme_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body_session")),
        sa.UniqueConstraint(
            "body_id", "session_id", name=op.f("uq_body_session_body_id_session_id")
        ),
    )
    with op.batch_alter_table("body_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_body_session_body_id"), ["body_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_body_session_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "election_candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("delegation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegation.id"],
            name=op.f("fk_election_candidate_delegation_id_delegation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["election_id"],
            ["election.id"],
            name=op.f("fk_election_candidate_election_id_election"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_election_candidate")),
        sa.UniqueConstraint(
            "election_id",
            "delegation_id",
            name=op.f("uq_election_candidate_election_id_delegation_id"),
        ),
    )
    with op.batch_alter_table("election_candidate", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_election_candidate_election_id"), ["election_id"], unique=False
        )

    op.create_table(
        "election_voter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("delegation_id", sa.Integer(), nullable=False),
        sa.Column("has_voted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegation.id"],
            name=op.f("fk_election_voter_delegation_id_delegation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["election_id"],
            ["election.id"],
            name=op.f("fk_election_voter_election_id_election"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_election_voter")),
        sa.UniqueConstraint(
            "election_id", "delegation_id", name=op.f("uq_election_voter_election_id_delegation_id")
        ),
    )
    with op.batch_alter_table("election_voter", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_election_voter_election_id"), ["election_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("election_voter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_election_voter_election_id"))

    op.drop_table("election_voter")
    with op.batch_alter_table("election_candidate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_election_candidate_election_id"))

    op.drop_table("election_candidate")
    with op.batch_alter_table("body_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_body_session_session_id"))
        batch_op.drop_index(batch_op.f("ix_body_session_body_id"))

    op.drop_table("body_session")
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_election_id"))

    op.drop_table("ballot")
    with op.batch_alter_table("election", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_election_summit_id"))
        batch_op.drop_index(batch_op.f("ix_election_body_id"))

    op.drop_table("election")
    with op.batch_alter_table("body_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_body_member_delegation_id"))
        batch_op.drop_index(batch_op.f("ix_body_member_body_id"))

    op.drop_table("body_member")
    with op.batch_alter_table("body", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_body_summit_id"))

    op.drop_table("body")
