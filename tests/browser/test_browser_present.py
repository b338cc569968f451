"""The presenter's view in real Chromium follows an upvote live, without a reload, in Arabic
(right to left)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from summit.agenda.models import ProgrammeSession, Summit
from summit.auth.models import Account
from summit.db import Database, create_db_engine
from summit.qa import services
from tests.browser.helpers import sign_in, wait_until_live, watch_for_problems
from tests.conftest import sqlite_settings

pytestmark = pytest.mark.browser


def _ask(database_file: Path, *bodies: str) -> tuple[int, list[int]]:
    database = Database(create_db_engine(sqlite_settings(database_file)))
    try:
        with database.write() as db:
            summit = db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()
            opening = db.exec(
                select(ProgrammeSession).where(ProgrammeSession.code == "OPENING")
            ).one()
            asker = db.exec(select(Account).where(Account.email == "speaker@example.org")).one()
            assert opening.id is not None and asker.id is not None
            ids = []
            for body in bodies:
                question, _ = services.ask(
                    db, summit=summit, session_id=opening.id, account_id=asker.id, body=body
                )
                ids.append(question.id or 0)
            return opening.id, ids
    finally:
        database.dispose()


def test_the_presenter_view_follows_an_upvote(
    chromium: Any, live_server: str, tmp_path: Path
) -> None:
    opening, (first, second, *_more) = _ask(
        tmp_path / "live.db",
        "What comes first for open budgets?",
        "And for open contracts?",
        *[f"Another question, number {n}?" for n in range(3, 9)],
    )
    presenter = chromium.new_context(
        locale="ar", viewport={"width": 1280, "height": 800}
    ).new_page()
    problems = watch_for_problems(presenter)
    presenter.goto(f"{live_server}/ogp2021/sessions/{opening}/present?lang=ar")
    wait_until_live(presenter)
    presenter.evaluate("() => { window.__noReload = 1; }")
    bodies = presenter.locator(f"#questions-{opening} .question__body")
    assert bodies.all_inner_texts()[:2] == [
        "What comes first for open budgets?",
        "And for open contracts?",
    ]

    delegate = chromium.new_context(timezone_id="Asia/Seoul").new_page()
    sign_in(delegate, live_server, "delegate2@example.org", f"/ogp2021/sessions/{opening}")
    delegate.click(f"[data-vote-for='{second}']")
    presenter.wait_for_function(
        f"() => document.querySelector('#questions-{opening} .question').id === 'question-{second}'"
    )

    assert bodies.first.inner_text() == "And for open contracts?"
    assert presenter.locator("html").get_attribute("dir") == "rtl"
    assert presenter.evaluate("() => window.__noReload") == 1
    assert presenter.locator(f"#question-{second} .question__count").inner_text() == "صوت واحد"
    assert presenter.locator(f"#question-{first} .question__count").inner_text() == "لا أصوات"
    # Large type, read from the back of a room: at least 32 px on a 1280-pixel screen share.
    sizes = presenter.eval_on_selector_all(
        f"#questions-{opening} .question__body",
        "bodies => bodies.map((body) => parseFloat(getComputedStyle(body).fontSize))",
    )
    assert min(sizes) >= 32
    # Only the top six of the eight are on the screen: a room reads no further from afar.
    shown = presenter.eval_on_selector_all(
        f"#questions-{opening} .question",
        "items => items.filter((q) => q.checkVisibility()).length",
    )
    assert shown == 6

    # Full screen holds the questions only: the site's header and footer stay out of the share.
    presenter.click("[data-fullscreen=presenter]")
    presenter.wait_for_function("() => document.fullscreenElement?.id === 'presenter'")
    assert problems == []
