"""What a person sees: the confirmation dialogs, and mixed Arabic and Latin lines read in order
(screenshots kept in test-artifacts/)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from summit.agenda.models import ProgrammeSession, PublishedSession, Stream
from summit.awards.models import Submission
from summit.db import Database, create_db_engine
from summit.people.models import Person
from tests.browser.helpers import (
    confirm,
    place_third,
    sign_in,
    wait_until_live,
    watch_for_problems,
)
from tests.conftest import sqlite_settings
from tests.jury import demo_award

pytestmark = pytest.mark.browser

ARTIFACTS = Path(os.environ.get("SUMMIT_TEST_ARTIFACTS", "test-artifacts"))


def _ids(tmp_path: Path) -> tuple[int, int]:
    database = Database(create_db_engine(sqlite_settings(tmp_path / "live.db")))
    with database.read() as db:
        opening = db.exec(select(ProgrammeSession).where(ProgrammeSession.code == "OPENING")).one()
        dialogue = db.exec(select(Stream.id).where(Stream.slug == "dialogue")).one()
    database.dispose()
    assert opening.id is not None and dialogue is not None
    return opening.id, dialogue


def _status(tmp_path: Path, session_id: int) -> str:
    database = Database(create_db_engine(sqlite_settings(tmp_path / "live.db")))
    with database.read() as db:
        row = db.get(PublishedSession, session_id)
        status = str(row.status) if row else ""
    database.dispose()
    return status


def test_cancelling_a_session_asks_in_a_dialog(
    chromium: Any, live_server: str, tmp_path: Path
) -> None:
    opening, _dialogue = _ids(tmp_path)
    before = _status(tmp_path, opening)
    page = chromium.new_context(locale="en-GB", timezone_id="Asia/Seoul").new_page()
    problems = watch_for_problems(page)
    sign_in(page, live_server, "organiser@example.org", f"/ogp2021/sessions/{opening}")
    cancel = page.locator("form[data-hx-confirm] button")

    cancel.click()
    dialog = page.locator("#confirm-dialog")
    dialog.wait_for(state="visible")
    title = page.locator("#confirm-dialog-title").inner_text()
    detail = page.locator("#confirm-dialog-detail").inner_text()
    focused_in_dialog = page.evaluate("() => document.activeElement.closest('dialog') !== null")
    page.get_by_role("button", name="Cancel", exact=True).click()
    dialog.wait_for(state="hidden")
    focus_back = page.evaluate("() => document.activeElement.textContent.trim()")
    kept = _status(tmp_path, opening)

    cancel.click()
    dialog.wait_for(state="visible")
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    still_kept = _status(tmp_path, opening)

    cancel.click()
    page.locator("#confirm-dialog-confirm").click()
    page.locator(".cancelled-notice").wait_for()

    assert title == "Cancel “\u2068Official opening of the OGP Global Summit 2021\u2069”?"
    assert "everyone following it is told at once" in detail
    assert focused_in_dialog
    assert focus_back == "Cancel the session"
    assert before != "cancelled"
    assert (kept, still_kept, _status(tmp_path, opening)) == (before, before, "cancelled")
    assert page.locator("a[type='text/calendar']").count() == 0
    assert problems == []


def test_publishing_with_conflicts_lists_them_in_the_dialog(
    chromium: Any, live_server: str, tmp_path: Path
) -> None:
    opening, dialogue = _ids(tmp_path)
    page = chromium.new_context(locale="en-GB", timezone_id="Asia/Seoul").new_page()
    problems = watch_for_problems(page)
    sign_in(page, live_server, "organiser@example.org", f"/ogp2021/manage/sessions/{opening}")
    page.select_option("#stream_id", str(dialogue))
    page.fill("#start_time", "10:30")
    page.click("#session-form button[type=submit]")
    page.wait_for_url(f"{live_server}/ogp2021/manage/schedule?day=2021-12-15")

    page.goto(f"{live_server}/ogp2021/manage/publish")
    page.click("form[data-confirm] button[type=submit]")
    page.locator("#confirm-dialog").wait_for(state="visible")
    listed = page.locator("#confirm-dialog-detail li").all_inner_texts()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "publish-conflicts-dialog.png"))
    page.locator("#confirm-dialog-confirm").click()
    page.wait_for_url(f"{live_server}/ogp2021/changes")

    assert any("Two sessions in one stream at once" in item for item in listed)
    assert any("Official opening" in item for item in listed)
    assert problems == []


def _reads_left_to_right(page: Any, selector: str, text: str) -> bool:
    """Whether ``text`` inside ``selector`` is laid out from left to right: its last character
    (a closing bracket, whose side an unisolated line gets wrong) right of its first."""
    return _x_of(page, selector, text, at=len(text) - 1) > _x_of(page, selector, text)


def _rename(tmp_path: Path) -> None:
    """Names that end in brackets (the worst case), and Arabic names for the English page."""
    database = Database(create_db_engine(sqlite_settings(tmp_path / "live.db")))
    with database.write() as db:
        person = db.exec(select(Person).where(Person.slug == "layla-placeholder")).one()
        person.full_name = "ليلى مثال (تجريبي)"
        submission = db.exec(select(Submission).where(Submission.code == "TTA-REGION")).one()
        submission.entity_name = "Regional Council of Tanger-Tétouan-Al Hoceïma (Morocco)"
        # The demo starts before its ceremony: publish the places it decided.
        award = demo_award(db)
        award.results_published_at = datetime(2021, 12, 17, 9, 0, tzinfo=UTC)
    database.dispose()


def test_arabic_pages_with_latin_names_read_in_order(
    chromium: Any, live_server: str, tmp_path: Path
) -> None:
    _rename(tmp_path)
    context = chromium.new_context(
        locale="ar", timezone_id="Asia/Riyadh", viewport={"width": 390, "height": 900}
    )
    page = context.new_page()
    problems = watch_for_problems(page)
    sign_in(page, live_server, "organiser@example.org", "/ogp2021/")
    page.goto(f"{live_server}/ogp2021/awards/open-gov-award-local-innovation-2021?lang=ar")

    award = _reads_left_to_right(page, ".places-list", "Al Hoceïma (Morocco)")
    menu = _reads_left_to_right(page, ".account-menu", "Olivia Organiser (demo)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "arabic-latin-names-award.png"), full_page=True)
    page.goto(f"{live_server}/ogp2021/delegations?lang=ar")
    page.screenshot(path=str(ARTIFACTS / "arabic-latin-names-delegations.png"), full_page=True)
    page.goto(f"{live_server}/ogp2021/manage/members?lang=ar")
    members = _reads_left_to_right(page, "table", "Jules Juror (demo)")
    page.screenshot(path=str(ARTIFACTS / "arabic-latin-names-members.png"), full_page=True)

    assert (award, menu, members) == (True, True, True)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert problems == []


def test_english_pages_with_arabic_names_read_in_order(
    chromium: Any, live_server: str, tmp_path: Path
) -> None:
    _rename(tmp_path)
    database = Database(create_db_engine(sqlite_settings(tmp_path / "live.db")))
    with database.write() as db:
        submission = db.exec(select(Submission).where(Submission.code == "TTA-REGION")).one()
        submission.entity_name = "مجلس جهة طنجة تطوان الحسيمة"
        submission.title = "منصة لتتبع برامج التنمية الجهوية"
    database.dispose()
    page = chromium.new_context(
        locale="en-GB", timezone_id="Europe/London", viewport={"width": 1280, "height": 900}
    ).new_page()
    problems = watch_for_problems(page)

    page.goto(f"{live_server}/ogp2021/speakers?lang=en")
    speakers = _reads_left_to_right(page, "#person-layla-placeholder", "ليلى مثال (تجريبي)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "english-arabic-names-speakers.png"), full_page=True)
    page.goto(f"{live_server}/ogp2021/awards/open-gov-award-local-innovation-2021?lang=en")
    # "Entity — Title", both Arabic, in an English line: isolated, the line reads left to
    # right, the entity first; unisolated, the two would make one Arabic run, title first.
    entity = _x_of(page, ".places-list", "مجلس جهة")
    title = _x_of(page, ".places-list", "منصة لتتبع")
    page.screenshot(path=str(ARTIFACTS / "english-arabic-names-award.png"), full_page=True)

    assert speakers is False  # an Arabic name is laid out from right to left
    assert entity < title
    assert problems == []


def _x_of(page: Any, selector: str, text: str, *, at: int = 0) -> float:
    """Where character ``at`` of ``text`` inside ``selector`` is laid out, from the left."""
    return float(
        page.evaluate(
            """([selector, text, offset]) => {
              const root = document.querySelector(selector);
              const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
              let node;
              while ((node = walker.nextNode())) {
                const at = node.data.indexOf(text);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at + offset);
                range.setEnd(node, at + offset + 1);
                return range.getBoundingClientRect().left;
              }
              throw new Error("not found: " + text);
            }""",
            [selector, text, at],
        )
    )


def test_the_reveal_banner_reads_in_order_in_arabic(
    chromium: Any, judging_server: tuple[str, int]
) -> None:
    base, submission_id = judging_server
    organiser = place_third(chromium, base, submission_id)
    # Wide enough for the winner's line not to wrap: both names are on one line.
    visitor = chromium.new_context(
        locale="ar", timezone_id="Asia/Riyadh", viewport={"width": 1280, "height": 800}
    ).new_page()
    problems = watch_for_problems(visitor)
    visitor.goto(f"{base}/ogp2021/?lang=ar")
    wait_until_live(visitor)

    organiser.click("text=Reveal the third place")
    confirm(organiser)
    visitor.locator("#award-reveal .award-reveal__winner").wait_for()
    # "Name — Title", both Latin, in an Arabic line: isolated, each reads left to right and
    # the line reads right to left, the name first; unisolated, the whole line would read as
    # one English sentence, the name on the left.
    winner = "#award-reveal .award-reveal__winner"
    name, title = _x_of(visitor, winner, "Riverside"), _x_of(visitor, winner, "Participatory")
    name_in_order = _reads_left_to_right(visitor, winner, "Council (fictional)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    visitor.screenshot(path=str(ARTIFACTS / "arabic-latin-names-reveal.png"))

    assert visitor.locator("#award-reveal .award-reveal__place").inner_text() == "المرتبة الثالثة"
    assert name > title
    assert name_in_order
    assert visitor.locator("html").get_attribute("dir") == "rtl"
    assert problems == []
