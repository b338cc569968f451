"""Validated input for bodies and their members."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from summit.bodies.models import BodyKind, MemberRole, SeatKind
from summit.parsing import FIRST_DAY, LAST_DAY
from summit.validation import WHOLE, Input, Position, RequiredTexts, RowId, ShortTexts, Slug, Texts


def _in_calendar(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError("a day from 1900 to 2999")
    return value


Day = Annotated[date, AfterValidator(_in_calendar)]


class BodyInput(Input):
    slug: Slug
    kind: BodyKind
    name: RequiredTexts
    description: Texts = Field(default_factory=dict)
    seats: Annotated[int, WHOLE, Field(ge=1, le=1000)] | None = None


class MemberInput(Input):
    """A seat: a delegation's, or an organisation's named in its own words."""

    delegation_id: RowId | None = None
    organisation: ShortTexts = Field(default_factory=dict)
    seat_kind: SeatKind
    role: MemberRole = MemberRole.MEMBER
    term_from: Day
    term_to: Day | None = None
    is_placeholder: bool = False
    position: Position = 0

    @model_validator(mode="after")
    def _one_holder_and_a_term_in_order(self) -> MemberInput:
        named = any(text.strip() for text in self.organisation.values())
        if (self.delegation_id is None) == (not named):
            raise ValueError("choose a delegation, or name an organisation (not both)")
        if self.term_to is not None and self.term_to < self.term_from:
            raise ValueError("the term must end on or after the day it starts")
        return self
