"""Tables of the programme."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, Index, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from summit.columns import (
    Localized,
    list_field,
    localized_field,
    timestamp_field,
    utc_field,
)


class SessionKind(StrEnum):
    PLENARY = "plenary"
    HIGH_LEVEL_DIALOGUE = "high_level_dialogue"
    PANEL = "panel"
    WORKSHOP = "workshop"
    CEREMONY = "ceremony"
    SIDE_EVENT = "side_event"


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    LATE = "late"
    """Running late by ``delay_minutes``; the shown times shift by that much."""
    ENDED = "ended"
    CANCELLED = "cancelled"


class SessionRoleKind(StrEnum):
    SPEAKER = "speaker"
    MODERATOR = "moderator"
    CHAIR = "chair"


class Summit(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    """Never changes once the summit exists, and no summit is deleted: addresses, mail links and
    each process's ``SummitIds`` rely on it."""
    name: Localized = localized_field()
    host: Localized = localized_field()
    tagline: Localized = localized_field()
    description: Localized = localized_field()
    start_date: date
    end_date: date
    timezone: str = Field(max_length=64)
    default_language: str = Field(max_length=8)
    languages: list[str] = list_field()
    website: str | None = Field(default=None, max_length=500)
    programme_stamp: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    """Rises whenever what the public sees of the programme changes (a publication, a live
    status): cached pages are keyed by it."""
    created_at: datetime = timestamp_field()

    __table_args__ = (CheckConstraint("end_date >= start_date", name="dates_in_order"),)


class Track(SQLModel, table=True):
    """A theme of the summit (pretalx calls these tracks)."""

    id: int | None = Field(default=None, primary_key=True)
    summit_id: int = Field(foreign_key="summit.id", ondelete="CASCADE", index=True)
    slug: str = Field(max_length=64)
    name: Localized = localized_field()
    description: Localized = localized_field()
    color: str = Field(default="#4b5563", max_length=7)
    position: int = 0

    __table_args__ = (UniqueConstraint("summit_id", "slug"),)


class Stream(SQLModel, table=True):
    """A virtual room: one video stream and one meeting link."""

    id: int | None = Field(default=None, primary_key=True)
    summit_id: int = Field(foreign_key="summit.id", ondelete="CASCADE", index=True)
    slug: str = Field(max_length=64)
    name: Localized = localized_field()
    stream_url: str | None = Field(default=None, max_length=500)
    join_url: str | None = Field(default=None, max_length=500)
    position: int = 0

    __table_args__ = (UniqueConstraint("summit_id", "slug"),)


class ProgrammeSession(SQLModel, table=True):
    """One session of the programme; unscheduled while it has no start."""

    __tablename__ = "programme_session"

    id: int | None = Field(default=None, primary_key=True)
    summit_id: int = Field(foreign_key="summit.id", ondelete="CASCADE")
    code: str = Field(max_length=64)
    """Stable and never reused: exports derive their ids from it."""
    kind: SessionKind = Field(sa_type=String(32))
    title: Localized = localized_field()
    abstract: Localized = localized_field()
    starts_at: datetime | None = utc_field(default=None)
    ends_at: datetime | None = utc_field(default=None)
    stream_id: int | None = Field(default=None, foreign_key="stream.id", ondelete="SET NULL")
    track_id: int | None = Field(default=None, foreign_key="track.id", ondelete="SET NULL")
    languages: list[str] = list_field()
    status: SessionStatus = Field(default=SessionStatus.SCHEDULED, sa_type=String(16))
    delay_minutes: int = 0
    is_published: bool = False
    """Whether the next publication includes this session (the public never sees the draft)."""
    revision: int = 1
    """Rises with every change a delegate can see (calendar SEQUENCE)."""
    channels: dict[str, str] = localized_field()
    """The room's players by channel (``summit.agenda.players.CHANNELS``): ``{"floor": url,
    "fr": url, ...}``, each an address an allowed provider plays."""
    recording_url: str | None = Field(default=None, max_length=500)
    """The recording, once the session has ended; played in place of the live channels."""
    captions_url: str | None = Field(default=None, max_length=500)
    """A page with the live captions (any web address), linked beside the player."""
    qa_premoderated: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    """Whether questions wait for a moderator's approval before the public sees them; a live
    setting, like the status, that no publication is needed for."""
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()

    __table_args__ = (
        UniqueConstraint("summit_id", "code"),
        CheckConstraint(
            "ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at", "ends_after_start"
        ),
        CheckConstraint("delay_minutes >= 0", "delay_not_negative"),
        Index("ix_programme_session_summit_starts", "summit_id", "starts_at"),
        Index("ix_programme_session_stream", "stream_id"),
        Index("ix_programme_session_track", "track_id"),
    )


class PublishedSession(SQLModel, table=True):
    """A session as the public sees it: copied from the draft when the programme is published.

    Live status changes (live, running late, ended) are written here at once as well; every
    other change waits for the next publication.
    """

    __tablename__ = "published_session"

    id: int = Field(foreign_key="programme_session.id", ondelete="CASCADE", primary_key=True)
    summit_id: int = Field(foreign_key="summit.id", ondelete="CASCADE")
    code: str = Field(max_length=64)
    kind: SessionKind = Field(sa_type=String(32))
    title: Localized = localized_field()
    abstract: Localized = localized_field()
    starts_at: datetime = utc_field()
    ends_at: datetime = utc_field()
    stream_id: int | None = Field(default=None, foreign_key="stream.id", ondelete="SET NULL")
    track_id: int | None = Field(default=None, foreign_key="track.id", ondelete="SET NULL")
    languages: list[str] = list_field()
    people: list[dict[str, Any]] = list_field()
    """``[{"person_id": 1, "role": "speaker"}, ...]`` in programme order."""
    channels: dict[str, str] = localized_field()
    recording_url: str | None = Field(default=None, max_length=500)
    captions_url: str | None = Field(default=None, max_length=500)
    status: SessionStatus = Field(default=SessionStatus.SCHEDULED, sa_type=String(16))
    delay_minutes: int = 0
    revision: int = 1
    version: int
    """The programme version that last changed this session."""

    __table_args__ = (
        Index("ix_published_session_summit_starts", "summit_id", "starts_at"),
        CheckConstraint("ends_at > starts_at", "ends_after_start"),
    )

    @property
    def person_ids(self) -> set[int]:
        """The people on the session, whatever their role."""
        return {int(entry["person_id"]) for entry in self.people}


class SessionSearch(SQLModel, table=True):
    """The public search index: one row per published session, its words normalised by
    ``summit.search_text`` (the same on SQLite and PostgreSQL).

    Kept in step by the services that change what the public sees (publishing, and renaming a
    person, delegation or theme shown on the programme); ``summit reindex`` rebuilds it. The
    database's own full-text engine reads it: on SQLite the FTS5 table ``session_search_fts``
    (external content, kept in step with this table by triggers), on PostgreSQL a GIN index
    over its weighted ``tsvector``. Both are made by migration 0010, outside the models.
    """

    __tablename__ = "session_search"

    id: int = Field(foreign_key="published_session.id", ondelete="CASCADE", primary_key=True)
    summit_id: int = Field(foreign_key="summit.id", ondelete="CASCADE", index=True)
    title: str = Field(default="", sa_type=Text)
    """The title in every language: ranks first."""
    names: str = Field(default="", sa_type=Text)
    """Speakers, moderators and chairs, their delegations, the theme and the code."""
    abstract: str = Field(default="", sa_type=Text)
    """The abstract in every language: ranks last."""


class SpeakerAnswer(StrEnum):
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class SessionPerson(SQLModel, table=True):
    """A person's role in one session."""

    __tablename__ = "session_person"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="programme_session.id", ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    role: SessionRoleKind = Field(sa_type=String(16))
    position: int = 0
    answer: SpeakerAnswer | None = Field(default=None, sa_type=String(16))
    """What the person said on their portal: they will take part, or not; None before."""
    answered_at: datetime | None = timestamp_field(nullable=True)

    __table_args__ = (UniqueConstraint("session_id", "person_id", "role"),)


class ScheduleRelease(SQLModel, table=True):
    """A numbered published version of the programme, with what changed since the last one."""

    __tablename__ = "schedule_release"

    id: int | None = Field(default=None, primary_key=True)
    summit_id: int = Field(foreign_key="summit.id", ondelete="CASCADE")
    version: int
    comment: str = Field(default="", max_length=2000)
    changes: list[dict[str, object]] = list_field()
    published_at: datetime = timestamp_field()

    __table_args__ = (UniqueConstraint("summit_id", "version"),)


class Follow(SQLModel, table=True):
    """A session in a delegate's personal agenda."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE")
    session_id: int = Field(foreign_key="programme_session.id", ondelete="CASCADE", index=True)
    created_at: datetime = timestamp_field()

    __table_args__ = (UniqueConstraint("account_id", "session_id"),)


class AcceptedConflict(SQLModel, table=True):
    """An organiser's "I know, keep it": the conflict stops being flagged."""

    __tablename__ = "accepted_conflict"

    id: int | None = Field(default=None, primary_key=True)
    summit_id: int = Field(foreign_key="summit.id", ondelete="CASCADE")
    key: str = Field(max_length=200)
    accepted_by_id: int | None = Field(default=None, foreign_key="account.id", ondelete="SET NULL")
    accepted_at: datetime = timestamp_field()

    __table_args__ = (UniqueConstraint("summit_id", "key"),)


class CalendarToken(SQLModel, table=True):
    """The secret in the address of a delegate's personal calendar feed (calendar apps cannot
    sign in). Only its SHA-256 is kept; making a new one replaces it, so the old address stops
    working."""

    __tablename__ = "calendar_token"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE")
    summit_id: int = Field(foreign_key="summit.id", ondelete="CASCADE", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = timestamp_field()

    __table_args__ = (UniqueConstraint("account_id", "summit_id"),)
