"""Whole numbers, days and times read from what people type or put in an address.

Every reader takes text and returns a value within its bounds, or raises a ``DomainError`` that
names the field, so that a form shows the problem beside it and nothing further on meets a
number the database cannot store or a day the calendar cannot add to. Only ASCII digits count:
``str.isdigit`` also accepts "²", and ``int`` also reads "٣" and "1_000".

Query strings use the same readers through ``or_none``: a filter that makes no sense is
dropped, not an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

from summit.errors import DomainError

MAX_ID = 2**31 - 1
"""The largest value of the database's integer columns (PostgreSQL ``integer``)."""
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
"""Days outside these are refused: far enough from the calendar's ends (years 1 and 9999) that
adding a day, a time zone's offset or a session's length to one never overflows."""

_WHOLE = re.compile(r"[+-]?[0-9]{1,10}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?")
_LOCAL = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9:]+)")

T = TypeVar("T")


def is_whole_number(text: str) -> bool:
    """Whether ``text`` is written as a whole number (ASCII digits, perhaps a sign), of any size
    the readers here would look at."""
    return _WHOLE.fullmatch(text.strip()) is not None


def whole_number(text: str, *, field: str, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high``, written with ASCII digits and an optional sign."""
    value = text.strip()
    if not is_whole_number(value) or not low <= int(value) <= high:
        raise DomainError(
            "Give a whole number from %(low)d to %(high)d.", field=field, low=low, high=high
        )
    return int(value)


def optional_whole_number(text: str, *, field: str, low: int, high: int) -> int | None:
    """Like ``whole_number``, but an empty field is None."""
    if not text.strip():
        return None
    return whole_number(text, field=field, low=low, high=high)


def row_id(text: str, *, field: str) -> int:
    """The id of a row chosen from a list: anything else is not one of the choices."""
    try:
        return whole_number(text, field=field, low=1, high=MAX_ID)
    except DomainError as error:
        raise DomainError("Choose from the list.", field=field) from error


def optional_row_id(text: str, *, field: str) -> int | None:
    """Like ``row_id``, but an empty field (nothing chosen) is None."""
    return row_id(text, field=field) if text.strip() else None


def calendar_day(text: str, *, field: str) -> date:
    """A day written ``YYYY-MM-DD`` (what a date input sends), from 1900 to 2999."""
    value = text.strip()
    try:
        if _DAY.fullmatch(value) is None:
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError as error:
        raise DomainError("Give a date as YYYY-MM-DD.", field=field) from error
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DomainError("Give a date between 1900 and 2999.", field=field)
    return day


def clock_time(text: str, *, field: str) -> time:
    """A time of day written ``HH:MM`` or ``HH:MM:SS`` (what a time input sends)."""
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        raise DomainError("Give the time as hours and minutes.", field=field)
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    if hours > 23 or minutes > 59 or seconds > 59:
        raise DomainError("Give the time as hours and minutes.", field=field)
    return time(hours, minutes, seconds)


def local_datetime(text: str, *, field: str) -> datetime:
    """A date and time without a zone, ``YYYY-MM-DDTHH:MM`` (what a datetime-local input sends,
    perhaps with seconds); the caller says in which zone it is meant."""
    match = _LOCAL.fullmatch(text.strip())
    if match is None:
        raise DomainError("Give a date and a time.", field=field)
    day = calendar_day(match.group(1), field=field)
    clock = or_none(clock_time, match.group(2), field=field)
    if clock is None:
        raise DomainError("Give a date and a time.", field=field)
    return datetime.combine(day, clock)


def in_calendar(moment: datetime) -> bool:
    """Whether ``moment`` falls within ``FIRST_DAY`` to ``LAST_DAY``, in its own zone and in UTC:
    a moment given with its offset (the API's) is checked before anything adds to it."""
    days = [moment.date()]
    if moment.tzinfo is not None:
        try:
            days.append(moment.astimezone(UTC).date())
        except OverflowError:
            return False
    return all(FIRST_DAY <= day <= LAST_DAY for day in days)


def calendar_moment(moment: datetime, *, field: str) -> datetime:
    """``moment`` itself, when ``in_calendar``; a field error otherwise."""
    if not in_calendar(moment):
        raise DomainError("Give a date between 1900 and 2999.", field=field)
    return moment


def or_none(read: Callable[..., T], text: str | None, **options: Any) -> T | None:
    """What ``read`` makes of ``text``, or None where it refuses it (or there is none): for
    query strings, whose nonsense is ignored."""
    if text is None:
        return None
    try:
        return read(text, **options)
    except DomainError:
        return None
