"""A live status is not a programme change: only the cached pages and exports that show the
session render again; the others stay warm, and every page shows the status as it is."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import PublishedSession
from summit.db import Database
from summit.web.cache import ProgrammeCache
from tests.conftest import BASE_URL, another_browser, csrf_token, make_client, sign_in

EXPORT = "/ogp2021/schedule/export"


class Renderings:
    """The addresses the cache stores an answer for: one per rendering."""

    def __init__(self, cache: ProgrammeCache) -> None:
        self.addresses: list[str] = []
        store = cache.store_page

        def recording(key: tuple[object, ...], *args: object, **kwargs: object) -> None:
            self.addresses.append(str(key[2]))
            store(key, *args, **kwargs)  # type: ignore[arg-type]

        cache.store_page = recording  # type: ignore[method-assign]


@pytest.fixture
def two_days(demo_database: Database) -> tuple[PublishedSession, PublishedSession]:
    """The opening session, and a session of the last day."""
    with demo_database.read() as db:
        sessions = list(db.exec(select(PublishedSession).order_by(col(PublishedSession.starts_at))))
    first, last = sessions[0], sessions[-1]
    assert last.starts_at - first.starts_at > timedelta(days=1)
    return first, last


@pytest.fixture
def visitor(demo_app: Starlette) -> Iterator[TestClient]:
    with make_client(demo_app) as client:
        yield client


def _set_late(running: TestClient, session_id: int, delay_minutes: int = 10) -> None:
    """The organiser, in a browser of their own on the app that ``running`` runs, says the
    session runs late."""
    organiser = another_browser(running)
    sign_in(organiser, "organiser@example.org")
    answer = organiser.post(
        f"/ogp2021/manage/sessions/{session_id}/status",
        data={"status": "late", "delay_minutes": str(delay_minutes)},
        headers={
            "origin": BASE_URL,
            "hx-request": "true",
            "x-csrf-token": csrf_token(organiser, "/ogp2021/manage/"),
        },
    )
    assert answer.status_code == 204


def test_a_status_change_renders_again_only_what_shows_the_session(
    demo_app: Starlette,
    visitor: TestClient,
    two_days: tuple[PublishedSession, PublishedSession],
) -> None:
    changed, other = two_days
    first_day = changed.starts_at.date().isoformat()
    last_day = other.starts_at.date().isoformat()
    showing = [
        f"/ogp2021/programme/grid?day={first_day}",
        f"/ogp2021/programme?day={first_day}",
        f"/ogp2021/sessions/{changed.id}",
        f"{EXPORT}/sessions/{changed.id}.ics",
        f"{EXPORT}/schedule.json",
        "/ogp2021/programme",
    ]
    not_showing = [
        f"/ogp2021/programme/grid?day={last_day}",
        f"/ogp2021/programme?day={last_day}",
        f"/ogp2021/sessions/{other.id}",
        f"{EXPORT}/sessions/{other.id}.ics",
        "/ogp2021/speakers",
    ]
    before = {path: visitor.get(path).text for path in showing + not_showing}
    renderings = Renderings(demo_app.state.programme_cache)

    _set_late(visitor, changed.id or 0)
    after = {path: visitor.get(path) for path in showing + not_showing}

    assert all(after[path].status_code == 200 for path in after)
    assert len(renderings.addresses) == len(showing)  # one rendering each, no more
    assert [path for path in not_showing if after[path].text != before[path]] == []
    for path in (f"/ogp2021/programme/grid?day={first_day}", f"/ogp2021/sessions/{changed.id}"):
        assert "running 10 minutes late" in after[path].text.lower(), path
    assert "running 10 minutes late" not in before[f"/ogp2021/sessions/{changed.id}"].lower()
    assert after[f"{EXPORT}/schedule.json"].text != before[f"{EXPORT}/schedule.json"]
    assert (
        after[f"{EXPORT}/sessions/{changed.id}.ics"].text
        != before[f"{EXPORT}/sessions/{changed.id}.ics"]
    )


ZONES = ("UTC", "Asia/Seoul", "Europe/Paris", "America/New_York", "Pacific/Auckland")


def _late_evening(demo_database: Database) -> tuple[PublishedSession, str, int, date]:
    """A session, a zone where it starts less than four hours before midnight, the delay that
    moves its start into the next day there, and that day."""
    with demo_database.read() as db:
        sessions = list(db.exec(select(PublishedSession).order_by(col(PublishedSession.starts_at))))
    for zone in ZONES:
        for session in sessions:
            local = session.starts_at.astimezone(ZoneInfo(zone))
            midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0)
            to_midnight = int((midnight - local).total_seconds() // 60)
            if 5 <= to_midnight <= 230:
                return session, zone, to_midnight + 5, midnight.date()
    raise AssertionError("no session of the demo starts late in the evening in these zones")


def test_a_delay_into_the_next_day_renders_that_days_pages_again(
    demo_database: Database, visitor: TestClient
) -> None:
    session, zone, delay, next_day = _late_evening(demo_database)
    visitor.get(f"/ogp2021/?tz={zone}")  # this browser's zone from now on
    day = (next_day - timedelta(days=1)).isoformat()
    pages = {
        when: [f"/ogp2021/programme?day={when}", f"/ogp2021/programme/grid?day={when}"]
        for when in (day, next_day.isoformat())
    }
    card = f'session-{session.id}"'  # the list's card, the grid's block
    before = {path: visitor.get(path).text for paths in pages.values() for path in paths}
    assert all(card in before[path] for path in pages[day])
    assert not any(card in before[path] for path in pages[next_day.isoformat()])

    _set_late(visitor, session.id or 0, delay)
    after = {path: visitor.get(path).text for path in before}

    # The next day's pages never showed the session, and now must.
    for path in pages[next_day.isoformat()]:
        assert card in after[path], path
    assert card not in after[f"/ogp2021/programme?day={day}"]
