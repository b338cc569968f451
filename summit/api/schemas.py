"""The JSON API's bodies: what it answers (``...Out``) and the few inputs of its own.

Inputs that the browser's forms share (a session, a person, a delegation) are the domain's own
input models (``summit.agenda.forms``, ``summit.people.forms``), validated strictly from JSON.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StrictBool,
    StrictInt,
)

from summit.agenda.models import SessionKind, SessionRoleKind, SessionStatus
from summit.people.models import DelegationKind, DelegationRole
from summit.validation import (
    Input,
    LanguageCode,
    RequiredTexts,
    ShortTexts,
    Texts,
)

Texts_ = dict[str, str]
"""A text by language code (``en``, ``fr``, ``ar``); languages without a text are left out."""


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ErrorOut(Out):
    """Every refusal: a message in the asker's language, and one message per field at fault."""

    error: str
    fields: dict[str, str] = Field(default_factory=dict)


class SummitSummaryOut(Out):
    slug: str
    name: Texts_
    start_date: date
    end_date: date
    timezone: str


class StreamOut(Out):
    id: int
    slug: str
    name: Texts_
    position: int


class StreamDetailOut(StreamOut):
    """A stream as organisers see it, with its links (the public sees them while live)."""

    stream_url: str | None
    join_url: str | None


class ThemeOut(Out):
    id: int
    slug: str
    name: Texts_
    description: Texts_
    color: str
    position: int


class SummitOut(Out):
    slug: str
    name: Texts_
    host: Texts_
    tagline: Texts_
    description: Texts_
    start_date: date
    end_date: date
    days: list[date]
    timezone: str
    default_language: str
    languages: list[str]
    website: str | None
    programme_version: int
    """The published programme's version; 0 before the first publication."""
    streams: list[StreamOut]
    themes: list[ThemeOut]


class SessionPersonOut(Out):
    person_id: int
    role: SessionRoleKind


class SessionOut(Out):
    """A session as the public sees it: the published programme, with its live status."""

    id: int
    code: str
    kind: SessionKind
    title: Texts_
    abstract: Texts_
    starts_at: datetime
    ends_at: datetime
    shown_starts_at: datetime
    """When it is expected to start: ``starts_at`` plus the delay while running late."""
    shown_ends_at: datetime
    stream_id: int | None
    theme_id: int | None
    languages: list[str]
    status: SessionStatus
    delay_minutes: int
    people: list[SessionPersonOut]
    version: int
    """The programme version that last changed this session."""


class DraftSessionOut(Out):
    """A session as organisers edit it; the public sees it after the next publication."""

    id: int
    code: str
    kind: SessionKind
    title: Texts_
    abstract: Texts_
    starts_at: datetime | None
    ends_at: datetime | None
    stream_id: int | None
    theme_id: int | None
    languages: list[str]
    status: SessionStatus
    delay_minutes: int
    is_published: bool
    """Whether the next publication includes it."""
    revision: int
    people: list[SessionPersonOut]


class PersonOut(Out):
    id: int
    slug: str
    full_name: str
    title: Texts_
    organisation: Texts_
    bio: Texts_
    delegation_id: int | None
    delegation_role: DelegationRole | None


class WindowOut(Out):
    starts_at: datetime
    ends_at: datetime


class PersonDetailOut(PersonOut):
    """A person as organisers see them: with the private e-mail and availability."""

    email: str | None
    availability: list[WindowOut]


class DelegationOut(Out):
    id: int
    slug: str
    name: Texts_
    kind: DelegationKind
    country_code: str | None
    head_id: int | None
    member_ids: list[int]


class SubmissionOut(Out):
    code: str
    title: str
    entity_name: str
    country_code: str | None


class ResultOut(Out):
    place: int | None
    """1, 2 or 3; none for an honourable mention."""
    mention: bool
    submission: SubmissionOut


class AwardOut(Out):
    id: int
    slug: str
    category: str
    name: Texts_
    description: Texts_
    results_published: bool
    results_published_at: datetime | None
    """None until the results are published."""
    results: list[ResultOut]
    """Places and mentions, empty until the results are published; never scores."""


class PlaceOut(Out):
    starts_at: str | None
    ends_at: str | None
    stream_id: int | None


class ChangeOut(Out):
    session_id: int
    code: str
    title: Texts_
    kinds: list[str]
    """``added``, ``removed``, ``moved``, ``retimed``, ``speakers``, ``details``,
    ``cancelled``, ``reinstated``."""
    before: PlaceOut | None
    after: PlaceOut | None


class ConflictOut(Out):
    key: str
    """What an acceptance names."""
    kind: str
    """``stream_overlap``, ``person_overlap``, ``outside_days`` or ``unavailable``."""
    session_ids: list[int]
    person_id: int | None
    stream_id: int | None
    accepted: bool


class ReleaseOut(Out):
    version: int
    comment: str
    published_at: datetime
    changes: list[ChangeOut]


# Inputs of the API's own. Strict where JSON has types: no string for a number, no number for
# a time.


def _text_only(value: object) -> object:
    """An ISO 8601 text only: pydantic alone also reads "8" as eight seconds after 1970."""
    if not isinstance(value, str):
        raise ValueError("give the time as text, e.g. 2021-12-15T09:00:00+09:00")
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("give the time in ISO 8601, e.g. 2021-12-15T09:00:00+09:00") from None
    return value


Moment = Annotated[AwareDatetime, BeforeValidator(_text_only)]
"""An ISO 8601 date and time with its offset."""
RowId = Annotated[StrictInt, Field(ge=1, le=2**31 - 1)]


class MoveInput(Input):
    """Put a session in a stream at a start; its length stays unless one is given."""

    stream_id: RowId
    starts_at: Moment
    """With its offset; minutes in steps of five."""
    duration_minutes: StrictInt | None = Field(default=None, ge=5, le=24 * 60, multiple_of=5)


class RetimeInput(Input):
    duration_minutes: StrictInt = Field(ge=5, le=24 * 60, multiple_of=5)


class StatusInput(Input):
    status: SessionStatus
    delay_minutes: StrictInt = Field(default=0, ge=0, le=240)
    """Only when ``status`` is ``late``: between 1 and 240."""


class AcceptInput(Input):
    key: str = Field(min_length=1, max_length=200)


class PublishInput(Input):
    comment: str = Field(default="", max_length=2000)


class SessionIn(Input):
    """A new session, as a draft: the public sees it once published (and ``is_published``)."""

    code: str = Field(pattern=r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$", max_length=64)
    """Stable and never reused; upper-case letters, digits and hyphens."""
    kind: SessionKind
    title: RequiredTexts
    abstract: Texts = Field(default_factory=dict)
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    stream_id: RowId | None = None
    theme_id: RowId | None = None
    languages: list[LanguageCode] = Field(default_factory=list)
    is_published: StrictBool = True
    people: list[SessionPersonIn] = Field(default_factory=list)


class SessionPatch(Input):
    """The details of a session to change; fields left out keep their value."""

    kind: SessionKind | None = None
    title: RequiredTexts | None = None
    abstract: Texts | None = None
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    stream_id: RowId | None = None
    theme_id: RowId | None = None
    languages: list[LanguageCode] | None = None
    is_published: StrictBool | None = None
    cancelled: StrictBool | None = None
    """True cancels the session at the next publication; false reinstates it."""
    people: list[SessionPersonIn] | None = None


class SessionPersonIn(Input):
    person_id: RowId
    role: SessionRoleKind


class WindowIn(Input):
    starts_at: Moment
    ends_at: Moment


class PersonIn(Input):
    """A new person; ``slug`` is fixed once created."""

    slug: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=96)
    full_name: str = Field(min_length=1, max_length=200)
    title: ShortTexts = Field(default_factory=dict)
    organisation: ShortTexts = Field(default_factory=dict)
    bio: Texts = Field(default_factory=dict)
    delegation_id: RowId | None = None
    delegation_role: DelegationRole | None = None
    email: EmailStr | None = None
    availability: list[WindowIn] = Field(default_factory=list, max_length=100)
    """Windows in which the person can take part; none: any time."""


class PersonPatch(Input):
    full_name: str | None = Field(default=None, min_length=1, max_length=200)
    title: ShortTexts | None = None
    organisation: ShortTexts | None = None
    bio: Texts | None = None
    delegation_id: RowId | None = None
    delegation_role: DelegationRole | None = None
    email: EmailStr | None = None
    availability: list[WindowIn] | None = Field(default=None, max_length=100)


class DelegationIn(Input):
    slug: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)
    name: RequiredTexts
    kind: DelegationKind
    country_code: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")


class DelegationPatch(Input):
    name: RequiredTexts | None = None
    kind: DelegationKind | None = None
    country_code: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")


_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_URL = r"^https?://[^\s/]+"
_COLOUR = r"^#[0-9a-fA-F]{6}$"
Position = Annotated[StrictInt, Field(ge=0, le=10_000)]


class StreamIn(Input):
    slug: str = Field(pattern=_SLUG, max_length=64)
    name: RequiredTexts
    stream_url: str | None = Field(default=None, pattern=_URL, max_length=500)
    join_url: str | None = Field(default=None, pattern=_URL, max_length=500)
    position: Position = 0


class StreamPatch(Input):
    name: RequiredTexts | None = None
    stream_url: str | None = Field(default=None, pattern=_URL, max_length=500)
    join_url: str | None = Field(default=None, pattern=_URL, max_length=500)
    position: Position | None = None


class ThemeIn(Input):
    slug: str = Field(pattern=_SLUG, max_length=64)
    name: RequiredTexts
    description: Texts = Field(default_factory=dict)
    color: str = Field(default="#4b5563", pattern=_COLOUR)
    position: Position = 0


class ThemePatch(Input):
    name: RequiredTexts | None = None
    description: Texts | None = None
    color: str | None = Field(default=None, pattern=_COLOUR)
    position: Position | None = None


SessionIn.model_rebuild()
SessionPatch.model_rebuild()


def present(model: BaseModel) -> dict[str, Any]:
    """The fields the client sent, with their values (``null`` included)."""
    return {name: getattr(model, name) for name in model.model_fields_set}
