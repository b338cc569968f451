"""Checks on input that several contexts share: slugs, languages, countries, texts, URLs."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import Annotated, Any
from urllib.parse import urlsplit

from babel import Locale
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from summit.parsing import MAX_ID, in_calendar, is_whole_number
from summit.settings import LANGUAGES

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


MAX_TEXT = 20_000
MAX_SHORT_TEXT = 300


class Input(BaseModel):
    """Base of every validated input: unknown fields are mistakes, not extras, and no text may
    hold a NUL (PostgreSQL cannot store one, and nothing legitimate needs it)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, values: Any) -> Any:
        if _holds_nul(values):
            raise ValueError("text may not contain NUL characters")
        return values


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    return False


def _slug(value: str) -> str:
    if not SLUG.match(value) or len(value) > 96:
        raise ValueError("use lower-case letters, digits and single hyphens")
    return value


def _code(value: str) -> str:
    if not CODE.match(value) or len(value) > 64:
        raise ValueError("use upper-case letters, digits and single hyphens")
    return value


@cache
def _territories() -> frozenset[str]:
    return frozenset(
        code for code in Locale("en").territories if isinstance(code, str) and code.isalpha()
    )


def country_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code that input may use."""
    return _territories()


def _country(value: str) -> str:
    value = value.upper()
    if value not in _territories():
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return value


def _language(value: str) -> str:
    if not LANGUAGE_CODE.match(value):
        raise ValueError(f"{value!r} is not an ISO 639-1 language code")
    return value


def _texts(value: dict[str, str], limit: int = MAX_TEXT) -> dict[str, str]:
    cleaned = {key: text.strip() for key, text in value.items() if text and text.strip()}
    unknown = set(cleaned) - set(LANGUAGES)
    if unknown:
        raise ValueError(f"texts in unsupported languages: {', '.join(sorted(unknown))}")
    too_long = sorted(key for key, text in cleaned.items() if len(text) > limit)
    if too_long:
        raise ValueError(f"use at most {limit} characters ({', '.join(too_long)})")
    return cleaned


def _required_texts(value: dict[str, str]) -> dict[str, str]:
    cleaned = _texts(value, MAX_SHORT_TEXT)
    if not cleaned:
        raise ValueError("give the text in at least one language")
    return cleaned


def _short_texts(value: dict[str, str]) -> dict[str, str]:
    return _texts(value, MAX_SHORT_TEXT)


def _whole(value: Any) -> Any:
    if isinstance(value, str) and not is_whole_number(value):
        raise ValueError("give a whole number")
    return value


WHOLE = BeforeValidator(_whole)
"""Text counts as a whole number only in ASCII digits (see ``summit.parsing``): pydantic alone
also reads "1_000" and "1.0". Bounds still go in a ``Field``."""


def _in_calendar(value: datetime) -> datetime:
    if not in_calendar(value):
        raise ValueError("give a date between 1900 and 2999")
    return value


def _web_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError("give an http(s) address")
    return value


Slug = Annotated[str, AfterValidator(_slug)]
Code = Annotated[str, AfterValidator(_code)]
CountryCode = Annotated[str, AfterValidator(_country)]
LanguageCode = Annotated[str, AfterValidator(_language)]
Texts = Annotated[dict[str, str], AfterValidator(_texts)]
RequiredTexts = Annotated[dict[str, str], AfterValidator(_required_texts)]
"""A name or title: at least one language, each at most 300 characters."""
ShortTexts = Annotated[dict[str, str], AfterValidator(_short_texts)]
WebURL = Annotated[str, AfterValidator(_web_url)]
RowId = Annotated[int, WHOLE, Field(ge=1, le=MAX_ID)]
"""The id of another row: bounded, so that no value overflows the database's integer."""
Position = Annotated[int, WHOLE, Field(ge=0, le=10_000)]
"""Where a row comes in its list (streams, themes, criteria)."""
CalendarMoment = Annotated[AwareDatetime, AfterValidator(_in_calendar)]
"""A date and time with its zone, within the years ``summit.parsing`` accepts, so that adding a
session's length or converting it to UTC cannot overflow."""
