"""Checks on input that several contexts share: slugs, languages, countries, texts, URLs."""

from __future__ import annotations

import re
from functools import cache
from typing import Annotated
from urllib.parse import urlsplit

from babel import Locale
from pydantic import AfterValidator, BaseModel, ConfigDict

from summit.settings import LANGUAGES

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


class Input(BaseModel):
    """Base of every validated input: unknown fields are mistakes, not extras."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


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


def _country(value: str) -> str:
    value = value.upper()
    if value not in _territories():
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return value


def _language(value: str) -> str:
    if not LANGUAGE_CODE.match(value):
        raise ValueError(f"{value!r} is not an ISO 639-1 language code")
    return value


def _texts(value: dict[str, str]) -> dict[str, str]:
    cleaned = {key: text.strip() for key, text in value.items() if text and text.strip()}
    unknown = set(cleaned) - set(LANGUAGES)
    if unknown:
        raise ValueError(f"texts in unsupported languages: {', '.join(sorted(unknown))}")
    return cleaned


def _required_texts(value: dict[str, str]) -> dict[str, str]:
    cleaned = _texts(value)
    if not cleaned:
        raise ValueError("give the text in at least one language")
    return cleaned


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
WebURL = Annotated[str, AfterValidator(_web_url)]
