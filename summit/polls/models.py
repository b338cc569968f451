"""Tables of live polls."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from summit.columns import Localized, localized_field, timestamp_field


class PollStatus(StrEnum):
    DRAFT = "draft"
    """Made, not shown to anyone but moderators yet."""
    OPEN = "open"
    CLOSED = "closed"


class ResultsShown(StrEnum):
    LIVE = "live"
    """Everyone sees the counts as votes come in."""
    AFTER_CLOSE = "after_close"
    """Nobody sees any count (nor how many voted) until the poll closes."""


class Poll(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="programme_session.id", ondelete="CASCADE", index=True)
    question: Localized = localized_field()
    """In up to three languages (the summit's)."""
    multiple: bool = False
    """Whether a voter may choose several options."""
    results: ResultsShown = Field(default=ResultsShown.LIVE, sa_type=String(16))
    status: PollStatus = Field(default=PollStatus.DRAFT, sa_type=String(16))
    created_by_id: int | None = Field(default=None, foreign_key="account.id", ondelete="SET NULL")
    created_at: datetime = timestamp_field()
    closed_at: datetime | None = timestamp_field(nullable=True)


class PollOption(SQLModel, table=True):
    __tablename__ = "poll_option"

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="poll.id", ondelete="CASCADE", index=True)
    label: Localized = localized_field()
    position: int = 0


class PollVote(SQLModel, table=True):
    """One option an account chose; a single-choice poll holds at most one per account."""

    __tablename__ = "poll_vote"

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="poll.id", ondelete="CASCADE")
    option_id: int = Field(foreign_key="poll_option.id", ondelete="CASCADE")
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    created_at: datetime = timestamp_field()

    __table_args__ = (
        UniqueConstraint("option_id", "account_id"),
        Index("ix_poll_vote_poll_account", "poll_id", "account_id"),
    )
