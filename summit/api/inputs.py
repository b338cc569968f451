"""What the JSON API's writes take. Each model's JSON Schema in the OpenAPI document says
exactly what the server accepts: the values (``summit.api.fields``), and the rules between
fields (``summit.api.rules``). Two rules no JSON Schema can state are in the descriptions and
refused with 422: a session, or an availability window, ends after it starts (a session within
24 hours).

What a body may ask that the summit's data refuses (a row id of another summit, a code that is
taken, a person still on the programme) is a conflict: 409, with the field at fault.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar, Literal, Self

from pydantic import Field, StrictBool, model_validator

from summit.agenda.models import SessionKind, SessionRoleKind, SessionStatus
from summit.api.fields import (
    Code,
    Colour,
    Comment,
    CountryCode,
    Delay,
    Email,
    GridMoment,
    LanguageCode,
    Minutes,
    Moment,
    Name,
    Position,
    RequiredTexts,
    RowId,
    ShortTexts,
    Slug,
    Texts,
    WebUrl,
)
from summit.api.rules import ApiInput, Patch, Rule, together, when
from summit.people.models import DelegationKind, DelegationRole

MAX_SESSION = timedelta(hours=24)
MAX_DELAY = 240


def _in_order(starts_at: datetime | None, ends_at: datetime | None, longest: timedelta) -> bool:
    if starts_at is None or ends_at is None:
        return True
    return timedelta(0) < ends_at - starts_at <= longest


Channels = dict[Literal["floor", "en", "fr", "es", "ar"], WebUrl]
"""A session's players by channel (``summit.agenda.players.CHANNELS``)."""


class MoveInput(ApiInput):
    """Put a session in a stream at a start; its length stays unless one is given."""

    stream_id: RowId
    starts_at: GridMoment
    """With its offset; minutes in steps of five, no seconds."""
    duration_minutes: Minutes | None = None


class RetimeInput(ApiInput):
    duration_minutes: Minutes


def _delay_fits(sent: dict[str, Any]) -> bool:
    delay: int = sent.get("delay_minutes", 0)
    if sent.get("status") == SessionStatus.LATE:
        return "delay_minutes" in sent and 1 <= delay <= MAX_DELAY
    return delay == 0


class StatusInput(ApiInput):
    """A live status; ``delay_minutes`` (1 to 240) is required when ``late``, and 0 or left
    out otherwise."""

    status: SessionStatus
    delay_minutes: Delay = 0

    rules: ClassVar[tuple[Rule, ...]] = (
        when(
            "status",
            SessionStatus.LATE.value,
            then={"required": ["delay_minutes"], "properties": {"delay_minutes": {"minimum": 1}}},
            otherwise={"properties": {"delay_minutes": {"const": 0}}},
            field="delay_minutes",
            message="a session running late has a delay of 1 to 240 minutes; others have none",
            holds=_delay_fits,
        ),
    )


class AcceptInput(ApiInput):
    key: Comment = Field(min_length=1, max_length=200)
    """As ``GET .../draft/conflicts`` gives it."""


class PublishInput(ApiInput):
    comment: Comment = Field(default="", max_length=2000)


class SessionPersonIn(ApiInput):
    person_id: RowId
    role: SessionRoleKind


class SessionIn(ApiInput):
    """A new session, as a draft: the public sees it once published (and ``is_published``).
    ``starts_at`` and ``ends_at`` go together; the end is after the start, within 24 hours."""

    code: Code
    """Stable and never reused; upper-case letters, digits and hyphens."""
    kind: SessionKind
    title: RequiredTexts
    abstract: Texts = Field(default_factory=dict)
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    stream_id: RowId | None = None
    theme_id: RowId | None = None
    languages: list[LanguageCode] = Field(default_factory=list, max_length=20)
    is_published: StrictBool = True
    people: list[SessionPersonIn] = Field(default_factory=list, max_length=200)
    channels: Channels = Field(default_factory=dict)
    """The room's players: the floor and each interpretation, each a video address of a
    provider the deployment allows (YouTube, Vimeo, its own HLS servers); another is a
    conflict (409)."""
    recording_url: WebUrl | None = None
    """The recording, played once the session has ended (a provider the deployment allows)."""
    captions_url: WebUrl | None = None
    """A web page with the live captions."""

    rules: ClassVar[tuple[Rule, ...]] = (
        together("starts_at", "ends_at", "give both a start and an end, or neither"),
    )

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> Self:
        if not _in_order(self.starts_at, self.ends_at, MAX_SESSION):
            raise ValueError("a session ends after it starts, within 24 hours")
        return self


class SessionPatch(Patch):
    """The details of a session to change; fields left out keep their value. Sent together,
    ``starts_at`` and ``ends_at`` must be in order (within 24 hours); sent alone, each must fit
    the other's current value (409 otherwise)."""

    nullable: ClassVar[frozenset[str]] = frozenset(
        {"starts_at", "ends_at", "stream_id", "theme_id", "recording_url", "captions_url"}
    )

    kind: SessionKind | None = None
    title: RequiredTexts | None = None
    abstract: Texts | None = None
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    stream_id: RowId | None = None
    theme_id: RowId | None = None
    languages: list[LanguageCode] | None = Field(default=None, max_length=20)
    is_published: StrictBool | None = None
    cancelled: StrictBool | None = None
    """True cancels the session at the next publication; false reinstates it."""
    people: list[SessionPersonIn] | None = Field(default=None, max_length=200)
    channels: Channels | None = None
    """Every channel the session has (those left out are taken away)."""
    recording_url: WebUrl | None = None
    captions_url: WebUrl | None = None

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> Self:
        if not _in_order(self.starts_at, self.ends_at, MAX_SESSION):
            raise ValueError("a session ends after it starts, within 24 hours")
        return self


class WindowIn(ApiInput):
    """A time in which a person can take part; it ends after it starts."""

    starts_at: Moment
    ends_at: Moment

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> Self:
        if not _in_order(self.starts_at, self.ends_at, timedelta.max):
            raise ValueError("each window ends after it starts")
        return self


_IN_DELEGATION = together(
    "delegation_id",
    "delegation_role",
    "a person in a delegation has a role in it, and a role needs the delegation",
)


class PersonIn(ApiInput):
    """A new person; ``slug`` is fixed once created. ``delegation_id`` and ``delegation_role``
    go together."""

    slug: Slug = Field(max_length=96)
    full_name: Name
    title: ShortTexts = Field(default_factory=dict)
    organisation: ShortTexts = Field(default_factory=dict)
    bio: Texts = Field(default_factory=dict)
    delegation_id: RowId | None = None
    delegation_role: DelegationRole | None = None
    email: Email | None = None
    availability: list[WindowIn] = Field(default_factory=list, max_length=100)
    """Windows in which the person can take part; none: any time."""

    rules: ClassVar[tuple[Rule, ...]] = (_IN_DELEGATION,)


class PersonPatch(Patch):
    """``delegation_id: null`` takes the person out of their delegation (and its role)."""

    nullable: ClassVar[frozenset[str]] = frozenset({"delegation_id", "email"})

    full_name: Name | None = None
    title: ShortTexts | None = None
    organisation: ShortTexts | None = None
    bio: Texts | None = None
    delegation_id: RowId | None = None
    delegation_role: DelegationRole | None = None
    email: Email | None = None
    availability: list[WindowIn] | None = Field(default=None, max_length=100)

    rules: ClassVar[tuple[Rule, ...]] = (
        Rule(
            field="delegation_role",
            message="a person taken out of their delegation has no role in it",
            schema={
                "if": {
                    "required": ["delegation_id"],
                    "properties": {"delegation_id": {"type": "null"}},
                },
                "then": {"not": {"required": ["delegation_role"]}},
            },
            holds=lambda sent: (
                not (
                    "delegation_id" in sent
                    and sent["delegation_id"] is None
                    and "delegation_role" in sent
                )
            ),
        ),
    )


_GOVERNMENT = DelegationKind.GOVERNMENT.value
_GOVERNMENT_MESSAGE = "a government delegation needs its country code"


class DelegationIn(ApiInput):
    """A government delegation needs its ``country_code``."""

    slug: Slug = Field(max_length=64)
    name: RequiredTexts
    kind: DelegationKind
    country_code: CountryCode | None = None

    rules: ClassVar[tuple[Rule, ...]] = (
        when(
            "kind",
            _GOVERNMENT,
            then={"required": ["country_code"], "properties": {"country_code": {"type": "string"}}},
            field="country_code",
            message=_GOVERNMENT_MESSAGE,
            holds=lambda sent: sent["kind"] != _GOVERNMENT or sent.get("country_code") is not None,
        ),
    )


class DelegationPatch(Patch):
    nullable: ClassVar[frozenset[str]] = frozenset({"country_code"})

    name: RequiredTexts | None = None
    kind: DelegationKind | None = None
    country_code: CountryCode | None = None

    rules: ClassVar[tuple[Rule, ...]] = (
        when(
            "kind",
            _GOVERNMENT,
            then={"properties": {"country_code": {"type": "string"}}},
            field="country_code",
            message=_GOVERNMENT_MESSAGE,
            holds=lambda sent: (
                sent.get("kind") != _GOVERNMENT or sent.get("country_code", "") is not None
            ),
        ),
    )


class StreamIn(ApiInput):
    slug: Slug = Field(max_length=64)
    name: RequiredTexts
    stream_url: WebUrl | None = None
    join_url: WebUrl | None = None
    position: Position = 0


class StreamPatch(Patch):
    nullable: ClassVar[frozenset[str]] = frozenset({"stream_url", "join_url"})

    name: RequiredTexts | None = None
    stream_url: WebUrl | None = None
    join_url: WebUrl | None = None
    position: Position | None = None


class ThemeIn(ApiInput):
    slug: Slug = Field(max_length=64)
    name: RequiredTexts
    description: Texts = Field(default_factory=dict)
    color: Colour = "#4b5563"
    position: Position = 0


class ThemePatch(Patch):
    name: RequiredTexts | None = None
    description: Texts | None = None
    color: Colour | None = None
    position: Position | None = None


SessionIn.model_rebuild()
SessionPatch.model_rebuild()
