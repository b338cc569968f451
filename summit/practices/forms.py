"""Validated input for a good practice."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from summit.validation import CountryCode, Input, RequiredTexts, RowId, Texts, WebURL

MAX_LINKS = 5
MAX_THEMES = 10
MAX_LINK = 500
MAX_SUMMARY = 5000

Link = Annotated[WebURL, Field(max_length=MAX_LINK)]


class PracticeInput(Input):
    """A practice as its submitter writes it: in one language or more."""

    title: RequiredTexts
    summary: Texts = Field(default_factory=dict)
    country_code: CountryCode | None = None
    track_ids: list[RowId] = Field(default_factory=list, max_length=MAX_THEMES)
    links: list[Link] = Field(default_factory=list, max_length=MAX_LINKS)

    @model_validator(mode="after")
    def _a_summary_in_each_language_of_the_title(self) -> PracticeInput:
        # A reader who finds the title in a language should be able to read what it is about.
        missing = sorted(set(self.title) - set(self.summary))
        if missing:
            raise ValueError(
                f"give the summary in each language of the title ({', '.join(missing)})"
            )
        if any(len(text) > MAX_SUMMARY for text in self.summary.values()):
            raise ValueError(f"use at most {MAX_SUMMARY} characters in a summary")
        return self
