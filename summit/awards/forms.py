"""Validated input for awards."""

from __future__ import annotations

from typing import Annotated

from pydantic import EmailStr, Field, field_validator, model_validator

from summit.awards.models import EntityKind, SubmissionStatus
from summit.validation import (
    WHOLE,
    CalendarMoment,
    Code,
    CountryCode,
    Input,
    LanguageCode,
    Position,
    RequiredTexts,
    RowId,
    Slug,
    Texts,
)

TIE_BREAKS = ("first_places", "chair")
MAX_ROUNDS = 10
ScalePoint = Annotated[int, WHOLE, Field(ge=-1000, le=1000)]
"""An end of a criterion's scale."""


class AwardInput(Input):
    slug: Slug
    category: Slug
    name: RequiredTexts
    description: Texts = Field(default_factory=dict)
    eligibility: Texts = Field(default_factory=dict)
    opens_at: CalendarMoment
    closes_at: CalendarMoment
    scoring_closes_at: CalendarMoment
    blind: bool = False
    normalise: bool = False
    tie_break: list[str] = Field(default_factory=list)
    ceremony_session_id: RowId | None = None

    @field_validator("tie_break")
    @classmethod
    def _known_rules(cls, value: list[str]) -> list[str]:
        for rule in value:
            if rule not in TIE_BREAKS and not rule.startswith("criterion:"):
                raise ValueError(f"unknown tie-break rule {rule!r}")
        if len(set(value)) != len(value):
            raise ValueError("a tie-break rule appears twice")
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> AwardInput:
        if self.closes_at <= self.opens_at:
            raise ValueError("the call must close after it opens")
        if self.scoring_closes_at < self.closes_at:
            raise ValueError("scoring cannot close before the call does")
        return self


class CriterionInput(Input):
    slug: Slug
    name: RequiredTexts
    description: Texts = Field(default_factory=dict)
    weight: float = Field(ge=0, le=1000)
    scale_min: ScalePoint = 0
    scale_max: ScalePoint = 10
    position: Position = 0

    @model_validator(mode="after")
    def _scale_in_order(self) -> CriterionInput:
        if self.scale_max <= self.scale_min:
            raise ValueError("the top of the scale must be above its bottom")
        return self


class RoundInput(Input):
    number: Annotated[int, WHOLE, Field(ge=1, le=MAX_ROUNDS)]
    name: RequiredTexts
    shortlist_size: Annotated[int, WHOLE, Field(ge=1, le=10_000)] | None = None


class SubmissionInput(Input):
    code: Code
    entity_name: str = Field(min_length=1, max_length=300)
    entity_kind: EntityKind
    country_code: CountryCode | None = None
    delegation_id: RowId | None = None
    organisation: str = Field(default="", max_length=300)
    contact_name: str = Field(default="", max_length=200)
    contact_email: EmailStr | None = None
    language: LanguageCode
    title: str = Field(min_length=1, max_length=300)
    summary: str = Field(min_length=1, max_length=5000)
    status: SubmissionStatus = SubmissionStatus.SUBMITTED


class ResultInput(Input):
    submission_id: RowId
    place: int | None = Field(default=None, ge=1, le=3)
    is_mention: bool = False
    reason: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _place_or_mention(self) -> ResultInput:
        if (self.place is None) != self.is_mention:
            raise ValueError("a result is either a place (1 to 3) or an honourable mention")
        return self
