"""the whole data model

Revision ID: 0001
Revises:
Create Date: 2026-11-29 01:53:05.255707
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import summit.columns

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", summit.columns.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("email", name=op.f("uq_account_email")),
    )
    op.create_table(
        "summit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("host", sa.JSON(), nullable=False),
        sa.Column("tagline", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("default_language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("website", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_summit_dates_in_order")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summit")),
        sa.UniqueConstraint("slug", name=op.f("uq_summit_slug")),
    )
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summit_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("client_ip", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_audit_entry_account_id_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["summit_id"],
            ["summit.id"],
            name=op.f("fk_audit_entry_summit_id_summit"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_entry_summit_created", ["summit_id", "created_at"], unique=False
        )

    op.create_table(
        "delegation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summit_id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("country_code", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
        sa.ForeignKeyConstraint(
            ["summit_id"],
            ["summit.id"],
            name=op.f("fk_delegation_summit_id_summit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegation")),
        sa.UniqueConstraint("summit_id", "slug", name=op.f("uq_delegation_summit_id_slug")),
    )
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delegation_summit_id"), ["summit_id"], unique=False)

    op.create_table(
        "live_event",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("summit_id", sa.Integer(), nullable=True),
        sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["summit_id"],
            ["summit.id"],
            name=op.f("fk_live_event_summit_id_summit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_event")),
    )
    with op.batch_alter_table("live_event", schema=None) as batch_op:
        batch_op.create_index("ix_live_event_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_live_event_topic_id", ["topic", "id"], unique=False)

    op.create_table(
        "schedule_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summit_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("published_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["summit_id"],
            ["summit.id"],
            name=op.f("fk_schedule_release_summit_id_summit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_release")),
        sa.UniqueConstraint(
            "summit_id", "version", name=op.f("uq_schedule_release_summit_id_version")
        ),
    )
    op.create_table(
        "stream",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summit_id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("stream_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("join_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["summit_id"],
            ["summit.id"],
            name=op.f("fk_stream_summit_id_summit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stream")),
        sa.UniqueConstraint("summit_id", "slug", name=op.f("uq_stream_summit_id_slug")),
    )
    with op.batch_alter_table("stream", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stream_summit_id"), ["summit_id"], unique=False)

    op.create_table(
        "track",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summit_id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("color", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["summit_id"], ["summit.id"], name=op.f("fk_track_summit_id_summit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_track")),
        sa.UniqueConstraint("summit_id", "slug", name=op.f("uq_track_summit_id_slug")),
    )
    with op.batch_alter_table("track", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_track_summit_id"), ["summit_id"], unique=False)

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summit_id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=96), nullable=False),
        sa.Column("full_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("organisation", sa.JSON(), nullable=False),
        sa.Column("bio", sa.JSON(), nullable=False),
        sa.Column("delegation_id", sa.Integer(), nullable=True),
        sa.Column("delegation_role", sa.String(length=8), nullable=True),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "delegation_role IS NULL OR delegation_id IS NOT NULL",
            name=op.f("ck_person_role_needs_delegation"),
        ),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegation.id"],
            name=op.f("fk_person_delegation_id_delegation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["summit_id"],
            ["summit.id"],
            name=op.f("fk_person_summit_id_summit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("summit_id", "slug", name=op.f("uq_person_summit_id_slug")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_delegation_id"), ["delegation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_person_summit_id"), ["summit_id"], unique=False)
        batch_op.create_index(
            "uq_person_delegation_head",
            ["delegation_id"],
            unique=True,
            sqlite_where=sa.text("delegation_role = 'head'"),
            postgresql_where=sa.text("delegation_role = 'head'"),
        )

    op.create_table(
        "programme_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summit_id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("abstract", sa.JSON(), nullable=False),
        sa.Column("starts_at", summit.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ends_at", summit.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("stream_id", sa.Integer(), nullable=True),
        sa.Column("track_id", sa.Integer(), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("delay_minutes", sa.Integer(), nullable=False),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "delay_minutes >= 0", name=op.f("ck_programme_session_delay_not_negative")
        ),
        sa.CheckConstraint(
            "ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at",
            name=op.f("ck_programme_session_ends_after_start"),
        ),
        sa.ForeignKeyConstraint(
            ["stream_id"],
            ["stream.id"],
            name=op.f("fk_programme_session_stream_id_stream"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["summit_id"],
            ["summit.id"],
            name=op.f("fk_programme_session_summit_id_summit"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["track.id"],
            name=op.f("fk_programme_session_track_id_track"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_session")),
        sa.UniqueConstraint("summit_id", "code", name=op.f("uq_programme_session_summit_id_code")),
    )
    with op.batch_alter_table("programme_session", schema=None) as batch_op:
        batch_op.create_index("ix_programme_session_stream", ["stream_id"], unique=False)
        batch_op.create_index(
            "ix_programme_session_summit_starts", ["summit_id", "starts_at"], unique=False
        )
        batch_op.create_index("ix_programme_session_track", ["track_id"], unique=False)

    op.create_table(
        "award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summit_id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=96), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("eligibility", sa.JSON(), nullable=False),
        sa.Column("opens_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closes_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("scoring_closes_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("blind", sa.Boolean(), nullable=False),
        sa.Column("normalise", sa.Boolean(), nullable=False),
        sa.Column("tie_break", sa.JSON(), nullable=False),
        sa.Column("ceremony_session_id", sa.Integer(), nullable=True),
        sa.Column("results_published_at", summit.columns.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("closes_at > opens_at", name=op.f("ck_award_closes_after_opening")),
        sa.CheckConstraint(
            "scoring_closes_at >= closes_at", name=op.f("ck_award_scoring_after_closing")
        ),
        sa.ForeignKeyConstraint(
            ["ceremony_session_id"],
            ["programme_session.id"],
            name=op.f("fk_award_ceremony_session_id_programme_session"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["summit_id"], ["summit.id"], name=op.f("fk_award_summit_id_summit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award")),
        sa.UniqueConstraint("summit_id", "slug", name=op.f("uq_award_summit_id_slug")),
    )
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_award_summit_id"), ["summit_id"], unique=False)

    op.create_table(
        "follow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_follow_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["programme_session.id"],
            name=op.f("fk_follow_session_id_programme_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow")),
        sa.UniqueConstraint(
            "account_id", "session_id", name=op.f("uq_follow_account_id_session_id")
        ),
    )
    with op.batch_alter_table("follow", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_session_id"), ["session_id"], unique=False)

    op.create_table(
        "person_availability",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ends_at > starts_at", name=op.f("ck_person_availability_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_person_availability_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_availability")),
    )
    with op.batch_alter_table("person_availability", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_availability_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("is_anonymous", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("vote_count", sa.Integer(), nullable=False),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", summit.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_question_account_id_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["programme_session.id"],
            name=op.f("fk_question_session_id_programme_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question")),
    )
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.create_index("ix_question_session_status", ["session_id", "status"], unique=False)

    op.create_table(
        "role_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("summit_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("delegation_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_role_grant_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegation.id"],
            name=op.f("fk_role_grant_delegation_id_delegation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_role_grant_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["summit_id"],
            ["summit.id"],
            name=op.f("fk_role_grant_summit_id_summit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_grant")),
        sa.UniqueConstraint(
            "account_id", "summit_id", "role", name=op.f("uq_role_grant_account_id_summit_id_role")
        ),
    )
    with op.batch_alter_table("role_grant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_role_grant_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_role_grant_summit_id"), ["summit_id"], unique=False)

    op.create_table(
        "session_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_session_person_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["programme_session.id"],
            name=op.f("fk_session_person_session_id_programme_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_person")),
        sa.UniqueConstraint(
            "session_id",
            "person_id",
            "role",
            name=op.f("uq_session_person_session_id_person_id_role"),
        ),
    )
    with op.batch_alter_table("session_person", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_person_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "award_criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("scale_min", sa.Integer(), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        sa.CheckConstraint("scale_max > scale_min", name=op.f("ck_award_criterion_scale_in_order")),
        sa.CheckConstraint("weight >= 0", name=op.f("ck_award_criterion_weight_not_negative")),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["award.id"],
            name=op.f("fk_award_criterion_award_id_award"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_criterion")),
        sa.UniqueConstraint("award_id", "slug", name=op.f("uq_award_criterion_award_id_slug")),
    )
    op.create_table(
        "award_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("shortlist_size", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["award.id"],
            name=op.f("fk_award_round_award_id_award"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_round")),
        sa.UniqueConstraint("award_id", "number", name=op.f("uq_award_round_award_id_number")),
    )
    op.create_table(
        "award_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("entity_name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("entity_kind", sa.String(length=32), nullable=False),
        sa.Column("country_code", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
        sa.Column("delegation_id", sa.Integer(), nullable=True),
        sa.Column("organisation", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("contact_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("contact_email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("submitter_account_id", sa.Integer(), nullable=True),
        sa.Column("round_number", sa.Integer(), nullable=False),
        sa.Column("submitted_at", summit.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["award.id"],
            name=op.f("fk_award_submission_award_id_award"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegation.id"],
            name=op.f("fk_award_submission_delegation_id_delegation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submitter_account_id"],
            ["account.id"],
            name=op.f("fk_award_submission_submitter_account_id_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_submission")),
        sa.UniqueConstraint("award_id", "code", name=op.f("uq_award_submission_award_id_code")),
    )
    op.create_table(
        "jury_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("is_chair", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_jury_member_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["award.id"],
            name=op.f("fk_jury_member_award_id_award"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jury_member")),
        sa.UniqueConstraint(
            "award_id", "account_id", name=op.f("uq_jury_member_award_id_account_id")
        ),
    )
    with op.batch_alter_table("jury_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jury_member_account_id"), ["account_id"], unique=False)
        batch_op.create_index(
            "uq_jury_member_chair",
            ["award_id"],
            unique=True,
            sqlite_where=sa.text("is_chair"),
            postgresql_where=sa.text("is_chair"),
        )

    op.create_table(
        "question_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_question_vote_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
            name=op.f("fk_question_vote_question_id_question"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_vote")),
        sa.UniqueConstraint(
            "question_id", "account_id", name=op.f("uq_question_vote_question_id_account_id")
        ),
    )
    with op.batch_alter_table("question_vote", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_question_vote_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "award_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("place", sa.Integer(), nullable=True),
        sa.Column("is_mention", sa.Boolean(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("decided_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revealed_at", summit.columns.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(place IS NULL AND is_mention) OR (place BETWEEN 1 AND 3 AND NOT is_mention)",
            name=op.f("ck_award_result_place_or_mention"),
        ),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["award.id"],
            name=op.f("fk_award_result_award_id_award"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["award_submission.id"],
            name=op.f("fk_award_result_submission_id_award_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_result")),
        sa.UniqueConstraint(
            "award_id", "submission_id", name=op.f("uq_award_result_award_id_submission_id")
        ),
    )
    with op.batch_alter_table("award_result", schema=None) as batch_op:
        batch_op.create_index(
            "uq_award_result_place",
            ["award_id", "place"],
            unique=True,
            sqlite_where=sa.text("place IS NOT NULL"),
            postgresql_where=sa.text("place IS NOT NULL"),
        )

    op.create_table(
        "conflict_of_interest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jury_member_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["jury_member_id"],
            ["jury_member.id"],
            name=op.f("fk_conflict_of_interest_jury_member_id_jury_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["award_submission.id"],
            name=op.f("fk_conflict_of_interest_submission_id_award_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_of_interest")),
        sa.UniqueConstraint(
            "jury_member_id",
            "submission_id",
            name=op.f("uq_conflict_of_interest_jury_member_id_submission_id"),
        ),
    )
    with op.batch_alter_table("conflict_of_interest", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_of_interest_submission_id"), ["submission_id"], unique=False
        )

    op.create_table(
        "jury_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("jury_member_id", sa.Integer(), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("assigned_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["jury_member_id"],
            ["jury_member.id"],
            name=op.f("fk_jury_assignment_jury_member_id_jury_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["award_round.id"],
            name=op.f("fk_jury_assignment_round_id_award_round"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["award_submission.id"],
            name=op.f("fk_jury_assignment_submission_id_award_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jury_assignment")),
        sa.UniqueConstraint(
            "round_id",
            "submission_id",
            "jury_member_id",
            name=op.f("uq_jury_assignment_round_id_submission_id_jury_member_id"),
        ),
    )
    with op.batch_alter_table("jury_assignment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_jury_assignment_jury_member_id"), ["jury_member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_jury_assignment_submission_id"), ["submission_id"], unique=False
        )

    op.create_table(
        "submission_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("original_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("stored_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("uploaded_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["award_submission.id"],
            name=op.f("fk_submission_attachment_submission_id_award_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_attachment")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_submission_attachment_stored_name")),
    )
    with op.batch_alter_table("submission_attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_submission_attachment_submission_id"), ["submission_id"], unique=False
        )

    op.create_table(
        "score_card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finalised_at", summit.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["jury_assignment.id"],
            name=op.f("fk_score_card_assignment_id_jury_assignment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_card")),
        sa.UniqueConstraint("assignment_id", name=op.f("uq_score_card_assignment_id")),
    )
    op.create_table(
        "score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("updated_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["score_card.id"],
            name=op.f("fk_score_card_id_score_card"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["award_criterion.id"],
            name=op.f("fk_score_criterion_id_award_criterion"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score")),
        sa.UniqueConstraint("card_id", "criterion_id", name=op.f("uq_score_card_id_criterion_id")),
    )
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_criterion_id"), ["criterion_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_criterion_id"))

    op.drop_table("score")
    op.drop_table("score_card")
    with op.batch_alter_table("submission_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_attachment_submission_id"))

    op.drop_table("submission_attachment")
    with op.batch_alter_table("jury_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jury_assignment_submission_id"))
        batch_op.drop_index(batch_op.f("ix_jury_assignment_jury_member_id"))

    op.drop_table("jury_assignment")
    with op.batch_alter_table("conflict_of_interest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_of_interest_submission_id"))

    op.drop_table("conflict_of_interest")
    with op.batch_alter_table("award_result", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_award_result_place",
            sqlite_where=sa.text("place IS NOT NULL"),
            postgresql_where=sa.text("place IS NOT NULL"),
        )

    op.drop_table("award_result")
    with op.batch_alter_table("question_vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_vote_account_id"))

    op.drop_table("question_vote")
    with op.batch_alter_table("jury_member", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_jury_member_chair",
            sqlite_where=sa.text("is_chair"),
            postgresql_where=sa.text("is_chair"),
        )
        batch_op.drop_index(batch_op.f("ix_jury_member_account_id"))

    op.drop_table("jury_member")
    op.drop_table("award_submission")
    op.drop_table("award_round")
    op.drop_table("award_criterion")
    with op.batch_alter_table("session_person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_person_person_id"))

    op.drop_table("session_person")
    with op.batch_alter_table("role_grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_role_grant_summit_id"))
        batch_op.drop_index(batch_op.f("ix_role_grant_account_id"))

    op.drop_table("role_grant")
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_index("ix_question_session_status")

    op.drop_table("question")
    with op.batch_alter_table("person_availability", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_availability_person_id"))

    op.drop_table("person_availability")
    with op.batch_alter_table("follow", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_session_id"))

    op.drop_table("follow")
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_award_summit_id"))

    op.drop_table("award")
    with op.batch_alter_table("programme_session", schema=None) as batch_op:
        batch_op.drop_index("ix_programme_session_track")
        batch_op.drop_index("ix_programme_session_summit_starts")
        batch_op.drop_index("ix_programme_session_stream")

    op.drop_table("programme_session")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_person_delegation_head",
            sqlite_where=sa.text("delegation_role = 'head'"),
            postgresql_where=sa.text("delegation_role = 'head'"),
        )
        batch_op.drop_index(batch_op.f("ix_person_summit_id"))
        batch_op.drop_index(batch_op.f("ix_person_delegation_id"))

    op.drop_table("person")
    with op.batch_alter_table("track", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_track_summit_id"))

    op.drop_table("track")
    with op.batch_alter_table("stream", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stream_summit_id"))

    op.drop_table("stream")
    op.drop_table("schedule_release")
    with op.batch_alter_table("live_event", schema=None) as batch_op:
        batch_op.drop_index("ix_live_event_topic_id")
        batch_op.drop_index("ix_live_event_created_at")

    op.drop_table("live_event")
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delegation_summit_id"))

    op.drop_table("delegation")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entry_summit_created")

    op.drop_table("audit_entry")
    op.drop_table("summit")
    op.drop_table("account")
