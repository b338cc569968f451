"""Tables of live Q&A."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from summit.columns import timestamp_field


class QuestionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    ANSWERED = "answered"
    HIDDEN = "hidden"


class Question(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="programme_session.id", ondelete="CASCADE")
    account_id: int | None = Field(default=None, foreign_key="account.id", ondelete="SET NULL")
    body: str = Field(max_length=1000)
    language: str = Field(default="en", max_length=8)
    is_anonymous: bool = False
    status: QuestionStatus = Field(default=QuestionStatus.PENDING, sa_type=String(16))
    vote_count: int = 0
    """Kept beside the votes so that ordering a busy session needs no count per question."""
    is_pinned: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    """Shown first, above the most voted."""
    created_at: datetime = timestamp_field()
    answered_at: datetime | None = timestamp_field(nullable=True)
    hidden_from: QuestionStatus | None = Field(default=None, sa_type=String(16), nullable=True)
    """The status a hidden question had, which unhiding gives back (waiting, on the list or
    answered); None while it is not hidden."""

    __table_args__ = (Index("ix_question_session_status", "session_id", "status"),)


class QuestionVote(SQLModel, table=True):
    __tablename__ = "question_vote"

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", ondelete="CASCADE")
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    created_at: datetime = timestamp_field()

    __table_args__ = (UniqueConstraint("question_id", "account_id"),)
