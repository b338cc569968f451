"""API tokens

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 04:14:02.480058
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import summit.columns

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("summit_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", summit.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", summit.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", summit.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_api_token_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["summit_id"],
            ["summit.id"],
            name=op.f("fk_api_token_summit_id_summit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_index(op.f("ix_api_token_account_id"), "api_token", ["account_id"], unique=False)
    op.create_index(
        "ix_api_token_summit_created", "api_token", ["summit_id", "created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_api_token_summit_created", table_name="api_token")
    op.drop_index(op.f("ix_api_token_account_id"), table_name="api_token")
    op.drop_table("api_token")
