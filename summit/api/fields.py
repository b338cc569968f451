"""The kinds of value the API's bodies hold, each checked by the server exactly as its JSON
Schema in the OpenAPI document says, so that a client (or schemathesis) can trust the document:
what it allows is accepted, what it forbids is refused with 422.

Patterns are written with explicit classes only (no ``\\s``, ``\\d`` or ``\\w``, whose meaning
differs between ECMA-262, Python and Rust) and checked whole (``re.fullmatch``), so the server
reads each pattern as the document's ``^(?:...)$`` reads in ECMA-262.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Strict,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from summit.settings import LANGUAGES
from summit.validation import MAX_SHORT_TEXT, MAX_TEXT, country_codes

# What Python's str.strip() takes away (a superset of Unicode's White_Space): a text made only
# of these is blank for the services that receive it.
_SPACE = "".join(chr(code) for code in range(0x10000) if chr(code).isspace())


def _escape(characters: str) -> str:
    return "".join(f"\\u{ord(character):04x}" for character in characters)


ANY_TEXT = "[^\\u0000]*"
"""Anything but NUL, which PostgreSQL cannot store and nothing legitimate needs."""
SOME_TEXT = f"[^\\u0000]*[^\\u0000{_escape(_SPACE)}][^\\u0000]*"
"""At least one character that is not white space (and no NUL)."""
SLUG = "[a-z0-9]+(?:-[a-z0-9]+)*"
CODE = "[A-Z0-9]+(?:-[A-Z0-9]+)*"
COLOUR = "#[0-9a-fA-F]{6}"
LANGUAGE = "[a-z]{2}"
WEB_URL = "https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?"
"""An http(s) address in ASCII: a host, maybe a port, then anything printable without spaces
(anything else is percent-encoded)."""
_SPECIAL_USE = ("arpa", "invalid", "local", "localhost", "onion", "test")
EMAIL = (
    "[A-Za-z0-9_+-]{1,20}(?:[.][A-Za-z0-9_+-]{1,20}){0,2}"
    "@(?:[A-Za-z0-9]{1,20}(?:-[A-Za-z0-9]{1,20}){0,2}[.]){1,4}"
    "(?!(?:"
    + "|".join("".join(f"[{c.upper()}{c}]" for c in name) for name in _SPECIAL_USE)
    + ")$)[A-Za-z]{2,20}"
)
"""A plain address: letters, digits, ``_+-`` and single dots before the @, a host name after,
and no special-use top-level domain (``.test``, ``.local``...), which mail cannot reach."""
_DATE_TIME = (
    "(?:19[7-9][0-9]|2[0-9]{3})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
    "T(?:[01][0-9]|2[0-3]):MINUTES:SECONDS"
    "(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
)
MOMENT = _DATE_TIME.replace("MINUTES", "[0-5][0-9]").replace(
    "SECONDS", "[0-5][0-9](?:[.][0-9]{1,6})?"
)
"""RFC 3339 with an upper-case ``T`` and ``Z``, between the years 1970 and 2999 (so that no
offset carries it past what a date can hold), to the microsecond."""
GRID_MOMENT = _DATE_TIME.replace("MINUTES", "[0-5][05]").replace("SECONDS", "00")
"""A start on the schedule's grid: minutes in steps of five, no seconds."""


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


class Described:
    """An annotation that checks a value and says the same in the document's JSON Schema."""

    def check(self, value: Any) -> Any:
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        raise NotImplementedError

    @property
    def before(self) -> bool:
        """Whether the check runs before the type's own (on the text as sent)."""
        return False

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        if self.before:
            return core_schema.no_info_before_validator_function(self.check, handler(source))
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.update(self.describe())
        return json_schema


@dataclass(frozen=True)
class Matching(Described):
    """A string that matches ``pattern`` whole; the document says ``^(?:pattern)$``."""

    pattern: str
    message: str
    convert: Callable[[str], object] | None = None
    """Turns the matched text into what the type then checks (a date and time); without it,
    the type's own value is matched. A value that is not text is refused either way."""

    @property
    def before(self) -> bool:
        return self.convert is not None

    def check(self, value: Any) -> Any:
        if not isinstance(value, str) or _compiled(self.pattern).fullmatch(value) is None:
            raise PydanticCustomError("pattern", self.message)
        if self.convert is None:
            return value
        try:
            return self.convert(value)
        except ValueError:  # a day the month does not have
            raise PydanticCustomError("pattern", self.message) from None

    def describe(self) -> dict[str, Any]:
        return {"pattern": f"^(?:{self.pattern})$"}


def _whole(value: object) -> object:
    """JSON Schema's integer is a number without a fraction: ``30.0`` is one, ``"30"`` and
    ``true`` are not."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


WHOLE = BeforeValidator(_whole)
RowId = Annotated[int, Strict(), Field(ge=1, le=2**31 - 1), WHOLE]
"""The id of a row: bounded, so that no value overflows the database's integer."""
Position = Annotated[int, Strict(), Field(ge=0, le=10_000), WHOLE]
Minutes = Annotated[int, Strict(), Field(ge=5, le=24 * 60, multiple_of=5), WHOLE]
"""A session's length: five minutes to a day, in steps of five."""
Delay = Annotated[int, Strict(), Field(ge=0, le=240), WHOLE]
"""How late a session runs, in minutes."""


# Text only: pydantic alone would also read a number as seconds after 1970.
Moment = Annotated[
    AwareDatetime,
    Matching(
        MOMENT,
        "give the time in RFC 3339, between the years 1970 and 2999, "
        "e.g. 2021-12-15T09:00:00+09:00",
        convert=datetime.fromisoformat,
    ),
]
"""A date and time with its offset."""
GridMoment = Annotated[
    AwareDatetime,
    Matching(
        GRID_MOMENT,
        "give a time between the years 1970 and 2999 in steps of five minutes, "
        "e.g. 2021-12-15T09:05:00+09:00",
        convert=datetime.fromisoformat,
    ),
]
"""A start on the schedule's grid."""

Name = Annotated[str, Matching(SOME_TEXT, "write something"), Field(min_length=1, max_length=200)]
Comment = Annotated[str, Matching(ANY_TEXT, "text may not contain NUL characters")]
Slug = Annotated[str, Matching(SLUG, "use lower-case letters, digits and single hyphens")]
Code = Annotated[
    str,
    Matching(CODE, "use upper-case letters, digits and single hyphens"),
    Field(max_length=64),
]
Email = Annotated[str, Matching(EMAIL, "give an e-mail address, e.g. pat@example.org")]
Colour = Annotated[str, Matching(COLOUR, "give a colour as #rrggbb")]
LanguageCode = Annotated[str, Matching(LANGUAGE, "give an ISO 639-1 code, e.g. en")]
WebUrl = Annotated[
    str,
    Matching(WEB_URL, "give an http(s) address, e.g. https://example.org/live"),
    Field(max_length=500),
]


@dataclass(frozen=True)
class TextsBy(Described):
    """A text by language code: only the summit's languages, each with a text (leave a
    language out rather than send it blank), each at most ``limit`` characters."""

    limit: int
    required: bool

    def check(self, value: dict[str, str]) -> dict[str, str]:
        if self.required and not value:
            raise PydanticCustomError("texts", "give the text in at least one language")
        unknown = sorted(set(value) - set(LANGUAGES))
        if unknown:
            raise PydanticCustomError(
                "texts",
                "texts in unsupported languages: {languages}",
                {"languages": ", ".join(unknown)},
            )
        for text in value.values():
            if _compiled(SOME_TEXT).fullmatch(text) is None:
                raise PydanticCustomError("texts", "leave a language out rather than blank")
            if len(text) > self.limit:
                raise PydanticCustomError(
                    "texts", "use at most {limit} characters", {"limit": self.limit}
                )
        return value

    def describe(self) -> dict[str, Any]:
        text = {"type": "string", "maxLength": self.limit, "pattern": f"^(?:{SOME_TEXT})$"}
        described = {"propertyNames": {"enum": list(LANGUAGES)}, "additionalProperties": text}
        return {**described, "minProperties": 1} if self.required else described


Texts = Annotated[dict[str, str], TextsBy(MAX_TEXT, required=False)]
ShortTexts = Annotated[dict[str, str], TextsBy(MAX_SHORT_TEXT, required=False)]
RequiredTexts = Annotated[dict[str, str], TextsBy(MAX_SHORT_TEXT, required=True)]
"""A name or title: at least one language."""


@dataclass(frozen=True)
class Among(Described):
    """A string from a list the document gives whole (``enum``)."""

    values: Callable[[], frozenset[str]]
    message: str

    def check(self, value: str) -> str:
        if value not in self.values():
            raise PydanticCustomError("enum", self.message)
        return value

    def describe(self) -> dict[str, Any]:
        return {"enum": sorted(self.values())}


CountryCode = Annotated[
    str, Among(country_codes, "give an ISO 3166-1 alpha-2 country code in capitals, e.g. KR")
]
