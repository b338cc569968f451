"""Dates, times and localized texts in the viewer's language and zone (Babel does the work)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import (
    format_date,
    format_interval,
    format_skeleton,
    format_time,
    format_timedelta,
    get_datetime_format,
    get_timezone_name,
)
from babel.numbers import format_decimal, format_percent

from summit.i18n.viewer import current_viewer


def pick(texts: dict[str, str], fallback: str | None = None) -> str:
    """The text in the viewer's language, else the fallback language, else any there is."""
    language = current_viewer().language
    for key in (language, fallback, "en"):
        if key and texts.get(key):
            return texts[key]
    return next((value for value in texts.values() if value), "")


def isolate(text: str) -> str:
    """User-written text set apart from the words around it (Unicode's first-strong isolate), for
    places no element can isolate it: a page's title, an attribute, a dialog filled by script."""
    return f"\u2068{text}\u2069"


def picked_language(texts: dict[str, str], fallback: str | None = None) -> str:
    """The language ``pick`` chose, so the page can mark text shown in another language."""
    language = current_viewer().language
    for key in (language, fallback, "en"):
        if key and texts.get(key):
            return key
    return next((key for key, value in texts.items() if value), language)


def from_iso(value: str | None) -> datetime | None:
    """A moment stored as ISO text (in change logs) back as a datetime."""
    return datetime.fromisoformat(value) if value else None


# A programme page shows the same few dozen start and end times on hundreds of cards: each
# distinct (moment, zone, language) is formatted by Babel once per process, not once per card.
# The results depend on nothing else (aware moments compare and hash by their instant, which is
# all the formatting reads, since the zone is given).
FORMATTED = 8192


def local_time(moment: datetime, zone: str | None = None, fmt: str = "short") -> str:
    viewer = current_viewer()
    return _local_time(moment, zone or viewer.timezone, fmt, viewer.language)


@lru_cache(maxsize=FORMATTED)
def _local_time(moment: datetime, zone: str, fmt: str, language: str) -> str:
    return format_time(moment, fmt, tzinfo=ZoneInfo(zone), locale=language)


def local_datetime(
    moment: datetime,
    zone: str | None = None,
    fmt: Literal["full", "long", "medium", "short"] = "medium",
) -> str:
    """A date (in ``fmt``) and a time to the minute: Babel's own medium and long datetimes
    carry seconds, which mean nothing to a reader."""
    viewer = current_viewer()
    local = moment.astimezone(ZoneInfo(zone or viewer.timezone))
    time = format_time(local, "short", tzinfo=local.tzinfo, locale=viewer.language)
    day = format_date(local.date(), fmt, locale=viewer.language)
    # The locale's own way of joining a date and a time (as Babel's format_datetime does).
    pattern = str(get_datetime_format(fmt, locale=viewer.language)).replace("'", "")
    return pattern.replace("{0}", time).replace("{1}", day)


def weekday_date(moment: datetime, zone: str | None = None) -> str:
    """The weekday and date, short ("Wed, Dec 15"), for lists whose sessions span days."""
    viewer = current_viewer()
    return _weekday_date(moment, zone or viewer.timezone, viewer.language)


@lru_cache(maxsize=FORMATTED)
def _weekday_date(moment: datetime, zone: str, language: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    return format_skeleton("MMMEd", local, tzinfo=local.tzinfo, locale=language)


def local_day(moment: datetime, zone: str | None = None, fmt: str = "full") -> str:
    viewer = current_viewer()
    return format_date(
        moment.astimezone(ZoneInfo(zone or viewer.timezone)).date(), fmt, locale=viewer.language
    )


def time_until(moment: datetime, now: datetime) -> str:
    """``in 3 days`` or ``2 hours ago``, in the viewer's language; never in seconds."""
    return format_timedelta(
        moment - now, granularity="minute", add_direction=True, locale=current_viewer().language
    )


def percent(share: float) -> str:
    """A share of 1 as a whole percentage, written as the language does (``30 %`` in French)."""
    return format_percent(share, locale=current_viewer().language)


def decimal(value: float, digits: int = 1) -> str:
    """A number with ``digits`` decimals, in the viewer's language."""
    return format_decimal(
        round(value, digits), format="#,##0." + "0" * digits, locale=current_viewer().language
    )


def short_date(day: date) -> str:
    """A calendar day with its weekday, short ("Wed, Dec 15"): jump links and tabs."""
    return _short_date(day, current_viewer().language)


@lru_cache(maxsize=FORMATTED)
def _short_date(day: date, language: str) -> str:
    return format_skeleton("MMMEd", day, locale=language)


def long_date(day: date, fmt: str = "long") -> str:
    return _long_date(day, fmt, current_viewer().language)


@lru_cache(maxsize=FORMATTED)
def _long_date(day: date, fmt: str, language: str) -> str:
    return format_date(day, fmt, locale=language)


def date_range(first: date, last: date) -> str:
    """``15–17 December 2021`` in the viewer's language."""
    return format_interval(first, last, "yMMMd", locale=current_viewer().language)


def zone_name(zone: str) -> str:
    """A time zone's name in the viewer's language. Zones of no region (UTC, ``Etc/GMT``, and
    their aliases) have no generic name in CLDR: Babel would call UTC "Unknown Region (UTC)
    Time", so those take their standard name ("Coordinated Universal Time")."""
    viewer = current_viewer()
    regionless = "/" not in zone or zone.startswith("Etc/")
    return get_timezone_name(
        ZoneInfo(zone),
        locale=viewer.language,
        zone_variant="standard" if regionless else None,
    )


def language_name(code: str) -> str:
    """A language's name in the viewer's language (``fr`` → "French", "français", "الفرنسية")."""
    name: str = Locale.parse(current_viewer().language).languages.get(code, code)
    return name
