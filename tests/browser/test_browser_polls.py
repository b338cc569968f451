"""A poll in real Chromium, live on every open page of the session without a reload: the
moderator makes and opens it, three accounts vote, everyone sees the results, the moderator
closes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from summit.agenda.models import ProgrammeSession
from summit.db import Database, create_db_engine
from tests.browser.helpers import choose_english, sign_in, wait_until_live, watch_for_problems
from tests.conftest import sqlite_settings

pytestmark = pytest.mark.browser

VOTERS = ("delegate@example.org", "delegate2@example.org", "juror1@example.org")


def _opening(database_file: Path) -> int:
    database = Database(create_db_engine(sqlite_settings(database_file)))
    try:
        with database.read() as db:
            found = db.exec(
                select(ProgrammeSession.id).where(ProgrammeSession.code == "OPENING")
            ).one()
    finally:
        database.dispose()
    assert found is not None
    return found


def _session_page(chromium: Any, base: str, email: str, session_id: int) -> Any:
    page = chromium.new_context(timezone_id="Asia/Seoul").new_page()
    choose_english(page, base)
    sign_in(page, base, email, f"/ogp2021/sessions/{session_id}")
    wait_until_live(page)
    page.locator(f"#polls-{session_id}").wait_for()
    page.evaluate("() => { window.__noReload = 1; }")
    return page


def test_a_poll_opens_three_accounts_vote_everyone_sees_the_results_and_it_closes(
    chromium: Any, live_server: str, tmp_path: Path
) -> None:
    opening = _opening(tmp_path / "live.db")
    moderator = _session_page(chromium, live_server, "organiser@example.org", opening)
    voters = [_session_page(chromium, live_server, email, opening) for email in VOTERS]
    pages = [moderator, *voters]
    problems = [watch_for_problems(page) for page in pages]

    moderator.click(f"#poll-create-{opening} summary")
    moderator.fill("#question_en", "Which should come first?")
    moderator.fill("#option_0_en", "Open budgets")
    moderator.fill("#option_1_en", "Open contracts")
    moderator.click(f"#poll-create-{opening} button[type=submit]")
    draft = moderator.locator(f"#polls-drafts-{opening} article.poll")
    draft.wait_for()
    poll_id = draft.get_attribute("data-poll")
    moderator.click(f"#polls-drafts-{opening} #poll-{poll_id} button[value=open]")

    for page in voters:
        page.locator(f"#polls-{opening} #poll-{poll_id} .poll__vote").wait_for()
    for index, page in enumerate(voters):
        poll = page.locator(f"#polls-{opening} #poll-{poll_id}")
        poll.locator("input[name=option]").nth(0 if index < 2 else 1).check()
        poll.locator(".poll__vote button[type=submit]").click()
        page.locator(f"#polls-{opening} #poll-{poll_id}.poll--voted").wait_for()

    for page in pages:
        page.locator(f"#poll-{poll_id}", has_text="3 people voted").wait_for()
        counts = page.locator(f"#poll-{poll_id} .poll__count").all_inner_texts()
        assert counts == ["2 votes · 67%", "1 vote · 33%"]
    # The pushed block is the same for everyone: each voter's own choice is ticked by their page.
    chosen = [
        page.locator(f"#poll-{poll_id} input[name=option]:checked").get_attribute("value")
        for page in voters
    ]
    options = voters[0].locator(f"#poll-{poll_id} input[name=option]")
    first, second = options.nth(0).get_attribute("value"), options.nth(1).get_attribute("value")
    assert chosen == [first, first, second]

    moderator.click(f"#polls-{opening} #poll-{poll_id} button[value=closed]")
    for page in pages:
        page.locator(f"#poll-{poll_id}.poll--closed").wait_for()
        assert page.locator(f"#poll-{poll_id} .poll__vote").count() == 0
        assert page.evaluate("() => window.__noReload") == 1
    assert problems == [[], [], [], []]
