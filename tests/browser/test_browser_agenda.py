"""A delegate's "My agenda", in real Chromium: sessions added from a session page and a speaker
page, then, without a reload, a followed session going live, running late and being cancelled,
a publication that moves one to another day and removes another, and a session unfollowed and
followed again in another tab, each shown as the programme shows it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from summit.agenda.models import ProgrammeSession
from summit.db import Database, create_db_engine
from tests.browser.helpers import (
    choose_english,
    confirm,
    sign_in,
    wait_until_live,
    watch_for_problems,
)
from tests.conftest import sqlite_settings

pytestmark = pytest.mark.browser

SPEAKER = "/ogp2021/speakers/ghita-mezzour"


def _ids(database_file: Path) -> dict[str, int]:
    database = Database(create_db_engine(sqlite_settings(database_file)))
    try:
        with database.read() as db:
            return {
                code: session_id
                for code, session_id in db.exec(select(ProgrammeSession.code, ProgrammeSession.id))
                if session_id is not None
            }
    finally:
        database.dispose()


def _draft(database_file: Path, moved: int, removed: int) -> None:
    """As the schedule editor would: ``moved`` a day later, ``removed`` off the programme."""
    database = Database(create_db_engine(sqlite_settings(database_file)))
    try:
        with database.write() as db:
            later = db.get(ProgrammeSession, moved)
            gone = db.get(ProgrammeSession, removed)
            assert later is not None and gone is not None
            assert later.starts_at is not None and later.ends_at is not None
            later.starts_at += timedelta(days=1)
            later.ends_at += timedelta(days=1)
            gone.is_published = False
            db.add_all([later, gone])
    finally:
        database.dispose()


def _follow_here(page: Any) -> None:
    """Press this page's first "Add to my agenda" and wait for it to say so."""
    control = page.locator("form.follow-control").first
    control.locator("button[aria-pressed=false]").click()
    control.locator("button[aria-pressed=true]").wait_for()


def _entry_text(page: Any, session_id: int) -> str:
    return str(page.locator(f"#agenda-session-{session_id}").inner_text())


def test_an_open_agenda_shows_every_change_without_a_reload(
    chromium: Any, live_server: str, tmp_path: Path
) -> None:
    ids = _ids(tmp_path / "live.db")
    opening, mena, closing = ids["OPENING"], ids["MENA-DIALOGUE"], ids["CLOSING"]
    delegate_context = chromium.new_context(timezone_id="Asia/Seoul", locale="en-GB")
    delegate = delegate_context.new_page()
    problems = watch_for_problems(delegate)
    choose_english(delegate, live_server)  # the account speaks Arabic
    sign_in(delegate, live_server, "delegate@example.org", f"/ogp2021/sessions/{opening}")
    _follow_here(delegate)
    delegate.goto(f"{live_server}/ogp2021/sessions/{closing}")
    _follow_here(delegate)
    delegate.goto(f"{live_server}{SPEAKER}")  # Ghita Mezzour speaks at the MENA dialogue
    delegate.locator(f"#session-{mena}").wait_for()
    delegate.locator(".session-card-wrap", has=delegate.locator(f"#session-{mena}")).locator(
        "button.follow-button"
    ).click()
    delegate.locator(
        f"form[action$='/sessions/{mena}/follow'] button[aria-pressed=true]"
    ).wait_for()

    delegate.goto(f"{live_server}/ogp2021/agenda")
    delegate.wait_for_function("() => window.htmx !== undefined")
    delegate.evaluate("() => { window.__noReload = 7; }")
    wait_until_live(delegate)  # what is pushed from here on reaches it
    mena_day = delegate.locator(f"#agenda-session-{mena}").get_attribute("data-day")
    organiser = chromium.new_context(timezone_id="Asia/Seoul", locale="en-GB").new_page()
    sign_in(organiser, live_server, "organiser@example.org", f"/ogp2021/sessions/{opening}")

    # On the day: live, then late (the new time), then cancelled.
    organiser.click(".live-console form:has(input[value=live]) button")
    delegate.locator(f"#agenda-session-{opening} .badge--live").wait_for(timeout=10_000)
    organiser.fill("#delay_minutes", "10")
    organiser.click(".live-console form.inline-fields button[type=submit]")
    delegate.locator(f"#agenda-session-{opening} .badge--late").wait_for(timeout=10_000)
    late = _entry_text(delegate, opening)
    programme = delegate_context.new_page()
    programme.goto(f"{live_server}/ogp2021/programme?day=2021-12-15")
    shown_on_programme = programme.locator(f"#session-{opening}").inner_text()
    programme.close()
    organiser.click(".live-console form:has(input[value=cancelled]) button")
    confirm(organiser)
    delegate.locator(f"#agenda-session-{opening} .badge--cancelled").wait_for(timeout=10_000)

    # A publication: the MENA dialogue a day later, the closing off the programme.
    _draft(tmp_path / "live.db", moved=mena, removed=closing)
    organiser.goto(f"{live_server}/ogp2021/manage/publish")
    organiser.click("form.stack-form button[type=submit]")
    delegate.locator(f"#agenda-entry-{closing}").wait_for(state="detached", timeout=10_000)
    moved_day = delegate.locator(f"#agenda-session-{mena}").get_attribute("data-day")
    section_day = delegate.locator(f"#agenda-entry-{mena}").evaluate(
        "entry => entry.closest('section.programme-day').dataset.day"
    )
    heading = delegate.locator(f"section[data-day='{moved_day}'] h2").inner_text()

    # Unfollowed in another tab, it leaves; followed again, it comes back in its day.
    other_tab = delegate_context.new_page()
    other_tab.goto(f"{live_server}/ogp2021/sessions/{mena}")
    other_tab.locator("form.follow-control button[aria-pressed=true]").click()
    delegate.locator(f"#agenda-entry-{mena}").wait_for(state="detached", timeout=10_000)
    other_tab.locator("form.follow-control button[aria-pressed=false]").click()
    delegate.locator(f"section[data-day='{moved_day}'] #agenda-entry-{mena}").wait_for(
        timeout=10_000
    )
    reloaded = delegate_context.new_page()
    reloaded.goto(f"{live_server}/ogp2021/agenda")

    assert "Running 10 minutes late" in late and "9:10" in late
    # The agenda shows the session as the programme does.
    assert late == shown_on_programme
    assert mena_day is not None and moved_day is not None and moved_day > mena_day
    assert section_day == moved_day
    assert heading.startswith(("Thursday", "Friday"))
    # The page ends as a reload shows it.
    live_days = delegate.locator("#agenda-days").inner_text()
    assert live_days == reloaded.locator("#agenda-days").inner_text()
    assert delegate.evaluate("() => window.__noReload") == 7
    assert problems == []


def test_add_to_my_agenda_on_a_session_page_and_a_speaker_page(
    chromium: Any, live_server: str, tmp_path: Path
) -> None:
    ids = _ids(tmp_path / "live.db")
    mena = ids["MENA-DIALOGUE"]
    delegate = chromium.new_context(locale="en-GB").new_page()
    problems = watch_for_problems(delegate)
    choose_english(delegate, live_server)  # the account speaks Arabic
    sign_in(delegate, live_server, "delegate@example.org", f"/ogp2021/sessions/{mena}")
    delegate.evaluate("() => { window.__noReload = 8; }")

    _follow_here(delegate)
    pressed_here = delegate.evaluate("() => window.__noReload")
    delegate.goto(f"{live_server}{SPEAKER}")
    on_speaker_page = delegate.locator(
        f"form[action$='/sessions/{mena}/follow'] button"
    ).get_attribute("aria-pressed")
    others = chromium.new_context(locale="en-GB").new_page()
    sign_in(others, live_server, "delegate2@example.org", f"/ogp2021/sessions/{mena}")
    theirs = others.locator("form.follow-control button").get_attribute("aria-pressed")
    visitor = chromium.new_context(locale="en-GB").new_page()
    visitor.goto(f"{live_server}/ogp2021/sessions/{mena}")
    offered = visitor.locator(".follow-control a").inner_text()

    assert pressed_here == 8  # pressed without a reload (htmx)
    assert on_speaker_page == "true"
    assert theirs == "false"
    assert offered == "☆ Sign in to add this session to your agenda"
    assert problems == []
