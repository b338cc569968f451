"""Delegates follow the summit as it happens, in real Chromium: notices about the sessions they
follow, the "live now" strip, shifted times, and a page that lost its connection catching up."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from summit.agenda.lifecycle import set_status
from summit.agenda.models import ProgrammeSession, SessionStatus, Summit
from summit.db import Database, create_db_engine
from summit.eventlog import record
from tests.browser.helpers import choose_english, sign_in, wait_until_live, watch_for_problems
from tests.conftest import sqlite_settings
from tests.servers import free_port, serving

pytestmark = pytest.mark.browser


def _opening_id(live_server_database: str) -> int:
    database = Database(create_db_engine(sqlite_settings(Path(live_server_database))))
    try:
        with database.read() as db:
            found = db.exec(
                select(ProgrammeSession.id).where(ProgrammeSession.code == "OPENING")
            ).one()
    finally:
        database.dispose()
    assert found is not None
    return found


def test_a_follower_sees_the_live_strip_a_notice_and_the_shifted_times(
    chromium: Any, live_server: str
) -> None:
    delegate = chromium.new_context(timezone_id="Asia/Seoul", locale="en-GB").new_page()
    problems = watch_for_problems(delegate)
    choose_english(delegate, live_server)  # the demo delegate's account speaks Arabic
    sign_in(delegate, live_server, "delegate@example.org", "/ogp2021/programme?day=2021-12-15")
    opening = delegate.locator(".session-card-wrap", has_text="Official opening")
    opening.locator("button.follow-button").click()
    opening.locator("button.follow-button[aria-pressed=true]").wait_for()
    session_id = opening.locator("article").get_attribute("id").removeprefix("session-")
    delegate.goto(f"{live_server}/ogp2021/")
    delegate.wait_for_function("() => window.htmx !== undefined")
    delegate.evaluate("() => { window.__noReload = 1; }")
    wait_until_live(delegate)

    organiser = chromium.new_context(timezone_id="Asia/Seoul").new_page()
    sign_in(organiser, live_server, "organiser@example.org", f"/ogp2021/sessions/{session_id}")
    organiser.click(".live-console form:has(input[value=live]) button")
    delegate.locator("#live-strip #session-" + session_id).wait_for(timeout=10_000)
    delegate.locator("#live-notices .live-notice", has_text="is live now").wait_for()

    organiser.fill("#delay_minutes", "10")
    organiser.click(".live-console form.inline-fields button[type=submit]")
    delegate.locator("#live-notices .live-notice", has_text="10 minutes late").wait_for(
        timeout=10_000
    )
    strip = delegate.locator("#live-strip #session-" + session_id).inner_text()
    notices_region = delegate.locator("#live-notices")

    # The opening was at 09:00 in Seoul; ten minutes late, it is shown from 09:10.
    assert "9:10" in strip and "Running 10 minutes late" in strip
    assert notices_region.get_attribute("aria-live") == "polite"
    assert notices_region.get_attribute("role") == "status"
    assert delegate.evaluate("() => window.__noReload") == 1
    assert problems == []


def test_a_page_whose_connection_drops_shows_what_happened_meanwhile(
    chromium: Any, tmp_path: Path, demo_database_file: Path
) -> None:
    path = tmp_path / "summit.db"
    shutil.copyfile(demo_database_file, path)
    settings = sqlite_settings(path)
    opening = _opening_id(str(path))
    port = free_port()
    page = chromium.new_context(timezone_id="Asia/Seoul", locale="en-GB").new_page()
    problems = watch_for_problems(page, ignore_connection_errors=True)

    addresses: list[str] = []
    page.on("websocket", lambda socket: addresses.append(socket.url))

    with serving(settings.database_url, tmp_path / "first.log", port=port) as address:
        page.goto(f"{address}/ogp2021/sessions/{opening}")
        page.wait_for_function("() => window.htmx !== undefined")
        page.evaluate("() => { window.__noReload = 2; }")
        wait_until_live(page)
        organiser = chromium.new_context().new_page()
        sign_in(organiser, address, "organiser@example.org", f"/ogp2021/sessions/{opening}")
        organiser.click(".live-console form:has(input[value=live]) button")
        page.locator("#session-page .badge--live").wait_for(timeout=10_000)
        seen = page.locator("#live-last-event").get_attribute("data-event-id")
    # The server is gone, and with it the page's socket. Meanwhile the opening runs late and
    # then later still (written as the app writes it: the change and its events together).
    database = Database(create_db_engine(settings))
    with database.write() as db:
        summit = db.exec(select(Summit)).one()
        for delay in (10, 25):
            events = set_status(
                db,
                summit=summit,
                session_id=opening,
                status=SessionStatus.LATE,
                delay_minutes=delay,
            )
            record(db, events, at=datetime.now(UTC))
    database.dispose()
    with serving(settings.database_url, tmp_path / "second.log", port=port):
        page.wait_for_function(
            "() => document.querySelector('#session-page').textContent"
            ".includes('Running 25 minutes late')",
            timeout=60_000,
        )

    assert seen and int(seen) > 0
    # Reconnections asked for what came after the last event the page had seen.
    assert addresses[0].endswith("last=0")
    assert addresses[-1].endswith(f"last={seen}")
    assert page.evaluate("() => window.__noReload") == 2
    assert problems == []
