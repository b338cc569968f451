"""What the JSON API answers: one ``...Out`` model per kind of row (its inputs are in
``summit.api.inputs``)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)

from summit.agenda.models import SessionKind, SessionRoleKind, SessionStatus
from summit.bodies.models import BodyKind, MemberRole, SeatKind
from summit.elections.models import TieRule, VotingMethod
from summit.people.models import DelegationKind, DelegationRole

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
    channels: dict[str, str]
    """The room's players by channel (``floor``, or the interpretation's language)."""
    recording_url: str | None
    captions_url: str | None
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
    channels: dict[str, str]
    recording_url: str | None
    captions_url: str | None


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


class SeatOut(Out):
    """A seat on a body: a delegation's, or an organisation's named on the seat."""

    delegation_id: int | None
    organisation: Texts_
    seat_kind: SeatKind
    role: MemberRole
    term_from: date
    term_to: date | None
    is_placeholder: bool


class BodyOut(Out):
    id: int
    slug: str
    kind: BodyKind
    name: Texts_
    description: Texts_
    seats: int | None
    members: list[SeatOut]
    session_ids: list[int]
    """Linked sessions of the published programme."""
    election_slugs: list[str]


class ElectionResultOut(Out):
    delegation_id: int
    votes: int
    elected: bool
    tie_broken: bool


class ElectionOut(Out):
    """An election; its figures only once the organisers have published them."""

    slug: str
    body_slug: str
    title: Texts_
    seats: int
    method: VotingMethod
    tie_rule: TieRule
    opens_at: datetime
    closes_at: datetime
    candidate_ids: list[int]
    published_at: datetime | None
    ballots: int | None
    draw_seed: str | None
    results: list[ElectionResultOut]


class PracticeFileOut(Out):
    id: int
    name: str
    content_type: str
    size_bytes: int
    sha256: str
    url: str
    """Where to download it (always as a download)."""


class PracticeOut(Out):
    """A published good practice of a network's library."""

    id: int
    body_slug: str
    title: Texts_
    summary: Texts_
    languages: list[str]
    """The languages its title is written in."""
    country_code: str | None
    delegation_id: int | None
    """The member delegation that shared it."""
    theme_slugs: list[str]
    links: list[str]
    files: list[PracticeFileOut]
    session_ids: list[int]
    """Sessions of the published programme where it was presented."""
    published_at: datetime
    updated_at: datetime
