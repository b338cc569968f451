"""Tables of the good-practice library: practices, their themes, files and linked sessions."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from summit.columns import Localized, localized_field, timestamp_field


class PracticeStatus(StrEnum):
    SUBMITTED = "submitted"
    """Waiting for a coordinator."""
    CHANGES_REQUESTED = "changes_requested"
    """Sent back to its submitter with a note; editing it submits it again."""
    PUBLISHED = "published"
    REJECTED = "rejected"


class Practice(SQLModel, table=True):
    """A good practice a member of a network shares with the others."""

    id: int | None = Field(default=None, primary_key=True)
    summit_id: int = Field(foreign_key="summit.id", ondelete="CASCADE", index=True)
    body_id: int = Field(foreign_key="body.id", ondelete="CASCADE", index=True)
    delegation_id: int | None = Field(
        default=None, foreign_key="delegation.id", ondelete="SET NULL", index=True
    )
    """The member delegation it comes from."""
    submitter_account_id: int | None = Field(
        default=None, foreign_key="account.id", ondelete="SET NULL", index=True
    )
    title: Localized = localized_field()
    summary: Localized = localized_field()
    country_code: str | None = Field(default=None, max_length=2)
    links: list[str] = Field(default_factory=list, sa_type=JSON)
    status: PracticeStatus = Field(default=PracticeStatus.SUBMITTED, sa_type=String(20))
    moderator_note: str = Field(default="", max_length=2000)
    """Why changes are asked for, or why it was rejected: its submitter reads it."""
    search_words: str = Field(default="", sa_type=Text)
    """Its title and summary in every language as ``summit.search_text.index_text`` makes
    them: the words the catalogue's search matches."""
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()
    published_at: datetime | None = timestamp_field(nullable=True)


class PracticeTheme(SQLModel, table=True):
    """A summit theme a practice belongs to."""

    __tablename__ = "practice_theme"

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", ondelete="CASCADE", index=True)
    track_id: int = Field(foreign_key="track.id", ondelete="CASCADE", index=True)

    __table_args__ = (UniqueConstraint("practice_id", "track_id"),)


class PracticeSession(SQLModel, table=True):
    """A programme session where a practice was presented."""

    __tablename__ = "practice_session"

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", ondelete="CASCADE", index=True)
    session_id: int = Field(foreign_key="programme_session.id", ondelete="CASCADE", index=True)

    __table_args__ = (UniqueConstraint("practice_id", "session_id"),)


class PracticeFile(SQLModel, table=True):
    """A file attached to a practice, kept under the award's upload rules
    (``summit.awards.attachments``): checked by content, stored under a random name."""

    __tablename__ = "practice_file"

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", ondelete="CASCADE", index=True)
    original_name: str = Field(max_length=255)
    stored_name: str = Field(max_length=64)
    content_type: str = Field(max_length=64)
    size_bytes: int
    sha256: str = Field(max_length=64)
    created_at: datetime = timestamp_field()
