"""Lays sessions out on a day × streams grid: rows of five minutes, one column per stream.

Placement goes through CSS classes (``grid_stylesheet``), because the Content-Security-Policy
forbids inline styles. Positions come from real elapsed time, so days on which the clocks
change have 23 or 25 hours, as they should.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

SLOT_MINUTES = 5
MAX_ROWS = 25 * 60 // SLOT_MINUTES + 6
MAX_COLUMNS = 24
HEADER_ROWS = 4
"""Rows the column headings take (they span them in the stylesheet)."""


class Timed(Protocol):
    """What can be placed: a span of time in one column (a stream)."""

    @property
    def shown_start(self) -> datetime: ...

    @property
    def shown_end(self) -> datetime: ...

    @property
    def column_key(self) -> int | None: ...


class Column(Protocol):
    @property
    def id(self) -> int | None: ...


@dataclass(frozen=True)
class Placed:
    item: Timed
    column: int
    row_start: int
    row_end: int
    starts_before_day: bool
    ends_after_day: bool


@dataclass(frozen=True)
class HourMark:
    row: int
    moment: datetime


@dataclass(frozen=True)
class DayGrid:
    day: date
    zone: ZoneInfo
    columns: list[Column]
    placed: list[Placed]
    hours: list[HourMark]
    rows: int
    origin: datetime
    """The moment the first row starts."""

    def row_of(self, moment: datetime) -> int:
        return HEADER_ROWS + 1 + int(_elapsed_minutes(self.origin, moment) // SLOT_MINUTES)


def _elapsed_minutes(earlier: datetime, later: datetime) -> float:
    # In UTC: subtracting two times of the same zone in Python ignores a clock change between.
    return (later.astimezone(UTC) - earlier.astimezone(UTC)).total_seconds() / 60


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Local midnight to the next local midnight, as aware datetimes."""
    start = datetime.combine(day, time(0), zone)
    end = datetime.combine(day + timedelta(days=1), time(0), zone)
    return start, end


def day_grid(
    items: Sequence[Timed],
    *,
    streams: Sequence[Column],
    day: date,
    zone: ZoneInfo,
    default_hours: tuple[int, int] = (8, 20),
) -> DayGrid:
    """Place the ``items`` of ``day``, one column per stream."""
    day_start, day_end = day_bounds(day, zone)
    todays = [item for item in items if item.shown_start < day_end and item.shown_end > day_start]
    if todays:
        first = max(min(item.shown_start for item in todays), day_start)
        last = min(max(item.shown_end for item in todays), day_end)
    else:
        first = datetime.combine(day, time(default_hours[0]), zone)
        last = datetime.combine(day, time(default_hours[1]), zone)
    # Whole hours around what happens that day, in elapsed time.
    origin = first.astimezone(zone).replace(minute=0, second=0, microsecond=0)
    hours: list[HourMark] = []
    mark = origin
    while mark < last:
        hours.append(
            HourMark(
                row=HEADER_ROWS + 1 + int(_elapsed_minutes(origin, mark) // SLOT_MINUTES),
                moment=mark,
            )
        )
        mark = (mark.astimezone(UTC) + timedelta(hours=1)).astimezone(zone)
    rows = HEADER_ROWS + 1 + int(_elapsed_minutes(origin, mark) // SLOT_MINUTES)
    column_of = {stream.id: index + 2 for index, stream in enumerate(streams[: MAX_COLUMNS - 1])}
    placed: list[Placed] = []
    for item in todays:
        column = column_of.get(item.column_key)
        if column is None:
            continue
        start = max(item.shown_start, origin)
        end = min(item.shown_end, mark)
        row_start = HEADER_ROWS + 1 + int(_elapsed_minutes(origin, start) // SLOT_MINUTES)
        row_end = HEADER_ROWS + 1 + -int(-_elapsed_minutes(origin, end) // SLOT_MINUTES)
        placed.append(
            Placed(
                item=item,
                column=column,
                row_start=min(row_start, MAX_ROWS - 1),
                row_end=min(max(row_end, row_start + 1), MAX_ROWS),
                starts_before_day=item.shown_start < day_start,
                ends_after_day=item.shown_end > day_end,
            )
        )
    return DayGrid(
        day=day,
        zone=zone,
        columns=list(streams[: MAX_COLUMNS - 1]),
        placed=placed,
        hours=hours,
        rows=min(rows, MAX_ROWS),
        origin=origin,
    )


def grid_stylesheet() -> str:
    """Classes that place grid items: ``gr-s-N``/``gr-e-N`` rows, ``gc-N`` columns, and the
    column templates ``cols-N``."""
    rules = [
        f".gr-s-{n}{{grid-row-start:{n}}}.gr-e-{n}{{grid-row-end:{n}}}"
        for n in range(1, MAX_ROWS + 1)
    ]
    rules += [f".gc-{n}{{grid-column:{n}}}" for n in range(1, MAX_COLUMNS + 2)]
    rules += [
        f".cols-{n}{{grid-template-columns:4.5rem repeat({n},minmax(11rem,1fr))}}"
        for n in range(1, MAX_COLUMNS + 1)
    ]
    return "\n".join(rules) + "\n"
