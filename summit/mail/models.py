"""Tables of outgoing mail: the outbox, and each account's choices of what it receives."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from summit.columns import BigID, timestamp_field, utc_field


class MailKind(StrEnum):
    INVITATION = "invitation"
    RESET = "reset"
    JUROR_ASSIGNMENT = "juror_assignment"
    JUROR_DEADLINE = "juror_deadline"
    ENTRANT_RECEIVED = "entrant_received"
    ENTRANT_RESULT = "entrant_result"
    SPEAKER_CHANGE = "speaker_change"
    SPEAKER_REMINDER = "speaker_reminder"
    SESSION_REMINDER = "session_reminder"
    PROGRAMME_DIGEST = "programme_digest"
    SESSION_CHANGE = "session_change"


REQUIRED_KINDS = frozenset({MailKind.INVITATION, MailKind.RESET})
"""Answers to something the recipient asked for or needs to get in: never turned off."""


class MailStatus(StrEnum):
    PENDING = "pending"
    """Waiting for a sender, now or at ``next_attempt_at``."""
    SENDING = "sending"
    """Claimed by a sender until ``lease_until``; a lease that runs out makes it pending again."""
    SENT = "sent"
    FAILED = "failed"
    """Refused for good, or still undelivered after every attempt; an organiser may resend it."""


class OutboxMessage(SQLModel, table=True):
    """One message to send, written in the transaction of the change that causes it."""

    __tablename__ = "mail_outbox"

    id: int | None = Field(
        default=None, sa_column=Column(BigID, primary_key=True, autoincrement=True)
    )
    summit_id: int | None = Field(default=None, foreign_key="summit.id", ondelete="CASCADE")
    account_id: int | None = Field(default=None, foreign_key="account.id", ondelete="SET NULL")
    kind: MailKind = Field(sa_type=String(32))
    recipient: str = Field(max_length=320)
    language: str = Field(max_length=8)
    subject: str = Field(max_length=300)
    text_body: str = Field(sa_type=Text)
    html_body: str = Field(sa_type=Text)
    headers: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    sensitive: bool = False
    """Carries a one-time link: its bodies are blanked once sent (the database keeps only
    hashes of such links) and it cannot be sent again."""
    dedupe_key: str | None = Field(default=None, max_length=200, unique=True)
    """(recipient, kind, subject) for a message that must go at most once, such as a reminder."""
    status: MailStatus = Field(default=MailStatus.PENDING, sa_type=String(16))
    attempts: int = 0
    next_attempt_at: datetime = utc_field()
    lease_until: datetime | None = timestamp_field(nullable=True)
    claim_token: str | None = Field(default=None, max_length=32)
    last_error: str | None = Field(default=None, max_length=200)
    created_at: datetime = timestamp_field()
    sent_at: datetime | None = timestamp_field(nullable=True)

    __table_args__ = (
        Index("ix_mail_outbox_status_next", "status", "next_attempt_at"),
        Index("ix_mail_outbox_summit_created", "summit_id", "created_at"),
    )


class MailPreference(SQLModel, table=True):
    """An account's choice about one kind of mail; no row means the kind's default (on)."""

    __tablename__ = "mail_preference"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE")
    kind: MailKind = Field(sa_type=String(32))
    enabled: bool = True
    minutes_before: int | None = None
    """For session reminders: how long before the start."""
    updated_at: datetime = timestamp_field()

    __table_args__ = (UniqueConstraint("account_id", "kind"),)
