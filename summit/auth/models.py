"""Tables of accounts, roles and the audit log."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from summit.columns import timestamp_field, utc_field


class Role(StrEnum):
    ORGANISER = "organiser"
    JUROR = "juror"
    DELEGATE = "delegate"
    SPEAKER = "speaker"
    DELEGATION_HEAD = "delegation_head"
    """Speaks for a delegation where it acts as one: casts its ballot in an election."""


class Account(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    """Stored lower-cased, so that look-ups need no function index."""
    display_name: str = Field(max_length=200)
    password_hash: str | None = Field(default=None, max_length=255)
    """None until the account holder sets a password through an invitation."""
    is_active: bool = True
    session_version: int = 1
    """Raised to end every signed-in session of the account at once."""
    language: str | None = Field(default=None, max_length=8)
    timezone: str | None = Field(default=None, max_length=64)
    created_at: datetime = timestamp_field()
    last_sign_in_at: datetime | None = timestamp_field(nullable=True)


class RoleGrant(SQLModel, table=True):
    """One role of an account in one summit."""

    __tablename__ = "role_grant"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    summit_id: int = Field(foreign_key="summit.id", ondelete="CASCADE", index=True)
    role: Role = Field(sa_type=String(16))
    delegation_id: int | None = Field(
        default=None, foreign_key="delegation.id", ondelete="SET NULL"
    )
    """For delegates and heads of delegation: the delegation they belong to, or head."""
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    """For speakers: their entry on the programme."""
    created_at: datetime = timestamp_field()

    __table_args__ = (UniqueConstraint("account_id", "summit_id", "role"),)


class AuditEntry(SQLModel, table=True):
    """An append-only record of a security-relevant action."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    summit_id: int | None = Field(default=None, foreign_key="summit.id", ondelete="SET NULL")
    account_id: int | None = Field(default=None, foreign_key="account.id", ondelete="SET NULL")
    action: str = Field(max_length=64)
    target: str = Field(default="", max_length=200)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    client_ip: str | None = Field(default=None, max_length=64)
    created_at: datetime = timestamp_field()

    __table_args__ = (Index("ix_audit_entry_summit_created", "summit_id", "created_at"),)


class TokenPurpose(StrEnum):
    INVITATION = "invitation"
    RESET = "reset"


class AccountToken(SQLModel, table=True):
    """A single-use, expiring link: an invitation to a role, or a password reset.

    Only the SHA-256 of the token is stored, so a copy of the database opens no door.
    """

    __tablename__ = "account_token"

    id: int | None = Field(default=None, primary_key=True)
    purpose: TokenPurpose = Field(sa_type=String(16))
    token_hash: str = Field(max_length=64, unique=True)
    email: str = Field(max_length=320)
    summit_id: int | None = Field(default=None, foreign_key="summit.id", ondelete="CASCADE")
    role: Role | None = Field(default=None, sa_type=String(16))
    delegation_id: int | None = Field(
        default=None, foreign_key="delegation.id", ondelete="SET NULL"
    )
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    account_id: int | None = Field(default=None, foreign_key="account.id", ondelete="CASCADE")
    """For a reset: whose password it resets."""
    created_by_id: int | None = Field(default=None, foreign_key="account.id", ondelete="SET NULL")
    created_at: datetime = timestamp_field()
    expires_at: datetime = utc_field()
    used_at: datetime | None = timestamp_field(nullable=True)

    __table_args__ = (Index("ix_account_token_summit_created", "summit_id", "created_at"),)


class ApiToken(SQLModel, table=True):
    """A bearer token for the JSON API: one account, one summit, named scopes.

    Only the SHA-256 of the token is stored; the token itself is shown once, when issued.
    """

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    summit_id: int = Field(foreign_key="summit.id", ondelete="CASCADE")
    name: str = Field(max_length=100)
    scopes: list[str] = Field(default_factory=list, sa_type=JSON)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = timestamp_field()
    expires_at: datetime = utc_field()
    revoked_at: datetime | None = timestamp_field(nullable=True)
    last_used_at: datetime | None = timestamp_field(nullable=True)

    __table_args__ = (Index("ix_api_token_summit_created", "summit_id", "created_at"),)
