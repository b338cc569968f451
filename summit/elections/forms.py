"""Validated input for opening an election."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from summit.elections.models import TieRule, VotingMethod
from summit.validation import WHOLE, CalendarMoment, Input, RequiredTexts, RowId, Slug


class ElectionInput(Input):
    slug: Slug
    body_id: RowId
    title: RequiredTexts
    seats: Annotated[int, WHOLE, Field(ge=1, le=1000)]
    method: VotingMethod
    tie_rule: TieRule
    opens_at: CalendarMoment
    closes_at: CalendarMoment
    candidates: list[RowId] = Field(min_length=1, max_length=500)
    electorate: list[RowId] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _a_window_and_enough_candidates(self) -> ElectionInput:
        if self.closes_at <= self.opens_at:
            raise ValueError("the election must close after it opens")
        if self.seats > len(set(self.candidates)):
            raise ValueError("there must be at least as many candidates as seats")
        return self
