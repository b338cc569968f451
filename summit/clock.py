"""What time the app runs on: the real clock, or a demo's clock that started at a chosen moment
and runs forward in real time from there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from summit.columns import utcnow
from summit.settings import Settings

Clock = Callable[[], datetime]


def shifted(*, shows: datetime, at: datetime, real: Clock = utcnow) -> Clock:
    """A clock that showed ``shows`` at the real moment ``at`` and has run since as real time
    does. Every process given the same two moments tells the same time."""
    offset = shows - at

    def clock() -> datetime:
        return real() + offset

    return clock


def app_clock(settings: Settings, *, real: Clock = utcnow) -> Clock:
    """The clock ``settings`` ask for: the real one, or the demo's (``SUMMIT_DEMO_NOW_AT``,
    started at ``SUMMIT_DEMO_STARTED_AT``, or else now)."""
    if settings.demo_now_at is None:
        return real
    return shifted(shows=settings.demo_now_at, at=settings.demo_started_at or real(), real=real)
