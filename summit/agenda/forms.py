"""Validated input for the programme's services."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import available_timezones

from pydantic import Field, field_validator, model_validator

from summit.agenda.models import SessionKind, SessionRoleKind, SessionStatus
from summit.agenda.players import CHANNELS
from summit.settings import LANGUAGES
from summit.validation import (
    CalendarMoment,
    Code,
    Input,
    LanguageCode,
    Position,
    RequiredTexts,
    RowId,
    ShortTexts,
    Slug,
    Texts,
    WebURL,
)


class SummitInput(Input):
    slug: Slug
    name: RequiredTexts
    host: ShortTexts = Field(default_factory=dict)
    tagline: ShortTexts = Field(default_factory=dict)
    description: Texts = Field(default_factory=dict)
    start_date: date
    end_date: date
    timezone: str
    default_language: LanguageCode = "en"
    languages: list[LanguageCode] = Field(default_factory=lambda: list(LANGUAGES))
    website: WebURL | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in available_timezones():
            raise ValueError(f"unknown time zone {value!r}")
        return value

    @field_validator("languages")
    @classmethod
    def _supported(cls, value: list[str]) -> list[str]:
        unsupported = [code for code in value if code not in LANGUAGES]
        if unsupported or not value:
            raise ValueError(f"choose among {', '.join(LANGUAGES)}")
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> SummitInput:
        if self.end_date < self.start_date:
            raise ValueError("the summit cannot end before it starts")
        if (self.end_date - self.start_date).days > 31:
            raise ValueError("a summit lasts at most 32 days")
        if self.default_language not in self.languages:
            raise ValueError("the default language must be one of the summit's languages")
        return self


_MAX_SESSION = timedelta(hours=24)


class TrackInput(Input):
    slug: Slug
    name: RequiredTexts
    description: Texts = Field(default_factory=dict)
    color: str = Field(default="#4b5563", pattern=r"^#[0-9a-fA-F]{6}$")
    position: Position = 0


class StreamInput(Input):
    slug: Slug
    name: RequiredTexts
    stream_url: WebURL | None = None
    join_url: WebURL | None = None
    position: Position = 0


class SessionPersonInput(Input):
    person_id: RowId
    role: SessionRoleKind


class SessionInput(Input):
    code: Code
    kind: SessionKind
    title: RequiredTexts
    abstract: Texts = Field(default_factory=dict)
    starts_at: CalendarMoment | None = None
    ends_at: CalendarMoment | None = None
    stream_id: RowId | None = None
    track_id: RowId | None = None
    languages: list[LanguageCode] = Field(default_factory=list)
    status: SessionStatus = SessionStatus.SCHEDULED
    delay_minutes: int = Field(default=0, ge=0, le=24 * 60)
    is_published: bool = False
    people: list[SessionPersonInput] = Field(default_factory=list)
    channels: dict[str, WebURL] = Field(default_factory=dict)
    """The room's players by channel; which providers may play them is checked by the service
    (a deployment's setting)."""
    recording_url: WebURL | None = None
    captions_url: WebURL | None = None

    @field_validator("channels")
    @classmethod
    def _known_channels(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(CHANNELS))
        if unknown:
            raise ValueError(f"the channels are {', '.join(CHANNELS)}, not {', '.join(unknown)}")
        return value

    @model_validator(mode="after")
    def _times_make_sense(self) -> SessionInput:
        if (self.starts_at is None) != (self.ends_at is None):
            raise ValueError("give both a start and an end, or neither")
        if self.starts_at is not None and self.ends_at is not None:
            if self.ends_at <= self.starts_at:
                raise ValueError("a session must end after it starts")
            if self.ends_at - self.starts_at > _MAX_SESSION:
                raise ValueError("a session lasts at most 24 hours")
        if self.delay_minutes and self.status is not SessionStatus.LATE:
            raise ValueError("only a session running late has a delay")
        return self
