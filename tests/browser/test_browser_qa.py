"""Live Q&A in real browsers: a question asked on one page appears on another, votes press the
voter's own button only, and the Content Security Policy holds (no console errors)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from summit.agenda.models import ProgrammeSession, Summit
from summit.auth.models import Account
from summit.db import Database, create_db_engine
from summit.qa import services
from tests.browser.helpers import choose_english, wait_until_live
from tests.conftest import DEMO_PASSWORD, sqlite_settings

pytestmark = pytest.mark.browser


def _delegate(chromium: Any, base: str, email: str, path: str, problems: list[str]) -> Any:
    page = chromium.new_context(timezone_id="Asia/Seoul", locale="en-GB").new_page()
    choose_english(page, base)  # the demo delegate's account speaks Arabic
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.goto(f"{base}/signin?next={path}")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_url(f"{base}{path}")
    page.wait_for_selector("#body")  # the panel has loaded (htmx)
    wait_until_live(page)
    return page


def test_a_question_and_its_votes_reach_another_delegate_live(
    chromium: Any, live_server: str
) -> None:
    problems: list[str] = []
    path = "/ogp2021/sessions/1"
    asker = _delegate(chromium, live_server, "delegate@example.org", path, problems)
    voter = _delegate(chromium, live_server, "delegate2@example.org", path, problems)
    voter.evaluate("() => { window.__noReload = 5; }")

    asker.fill("#body", "Who pays for the platform?")
    asker.click("#qa-ask-1 button[type=submit]")
    asker.wait_for_selector("#qa-ask-1 .form-success")
    voter.wait_for_function(
        "() => document.querySelector('#questions-1')?.textContent.includes('Who pays')",
        timeout=10_000,
    )
    voter.click("#questions-1 .vote-button")
    voter.wait_for_selector('#questions-1 .vote-button[aria-pressed="true"]')
    asker.wait_for_function(
        "() => document.querySelector('#questions-1 .question__count')?.textContent === '1 vote'",
        timeout=10_000,
    )

    # The asker did not vote: the pushed list leaves their button unpressed.
    assert asker.get_attribute("#questions-1 .vote-button", "aria-pressed") == "false"
    assert voter.evaluate("() => window.__noReload") == 5
    # Pressing again takes the vote back.
    voter.click("#questions-1 .vote-button")
    asker.wait_for_function(
        "() => document.querySelector('#questions-1 .question__count')?.textContent === '0 votes'",
        timeout=10_000,
    )
    voter.wait_for_selector('#questions-1 .vote-button[aria-pressed="false"]')
    assert problems == []


def test_an_organiser_hides_a_question_and_it_leaves_every_page(
    chromium: Any, live_server: str
) -> None:
    problems: list[str] = []
    path = "/ogp2021/sessions/1"
    delegate = _delegate(chromium, live_server, "delegate@example.org", path, problems)
    organiser = _delegate(chromium, live_server, "organiser@example.org", path, problems)

    delegate.fill("#body", "An offensive question")
    delegate.click("#qa-ask-1 button[type=submit]")
    organiser.wait_for_selector("#questions-1 .question", timeout=10_000)
    delegate_may_hide = delegate.is_visible("#questions-1 .question__moderation button")
    organiser.click("#questions-1 .question__moderation button[value=hide]")
    delegate.wait_for_selector("#questions-1 .question", state="detached", timeout=10_000)

    assert delegate_may_hide is False
    assert organiser.locator("#questions-1 .question").count() == 0
    assert problems == []


def test_votes_reorder_the_questions_on_every_open_page(chromium: Any, live_server: str) -> None:
    """A delegate asks on a live session; two others upvote a later question, and every open
    page moves it to the top."""
    problems: list[str] = []
    path = "/ogp2021/sessions/1"
    organiser = _delegate(chromium, live_server, "organiser@example.org", path, problems)
    organiser.click(".live-console form:has(input[value=live]) button")
    asker = _delegate(chromium, live_server, "delegate@example.org", path, problems)
    second = _delegate(chromium, live_server, "delegate2@example.org", path, problems)
    third = _delegate(chromium, live_server, "speaker@example.org", path, problems)
    pages = (organiser, asker, second, third)
    order = (
        "() => Array.from(document.querySelectorAll('#questions-1 .question__body'))"
        ".map(element => element.textContent.trim())"
    )

    for text in ("Who pays for the platform?", "How do citizens take part?"):
        asker.fill("#body", text)
        asker.click("#qa-ask-1 button[type=submit]")
        for page in pages:
            page.wait_for_function(
                "text => document.querySelector('#questions-1')?.textContent.includes(text)",
                arg=text,
                timeout=10_000,
            )
    before = [page.evaluate(order) for page in pages]
    for voter in (second, third):
        voter.locator("#questions-1 .question", has_text="take part").locator(
            ".vote-button"
        ).click()
    for page in pages:
        page.wait_for_function(
            f"() => ({order})()[0] === 'How do citizens take part?'", timeout=10_000
        )
    after = [page.evaluate(order) for page in pages]

    oldest_first = ["Who pays for the platform?", "How do citizens take part?"]
    assert before == [oldest_first] * 4
    assert after == [list(reversed(oldest_first))] * 4
    assert problems == []


def test_moderators_undo_hiding_and_answering_and_nobody_votes_for_their_own(
    chromium: Any, live_server: str
) -> None:
    problems: list[str] = []
    path = "/ogp2021/sessions/1"
    asker = _delegate(chromium, live_server, "delegate@example.org", path, problems)
    reader = _delegate(chromium, live_server, "delegate2@example.org", path, problems)
    organiser = _delegate(chromium, live_server, "organiser@example.org", path, problems)
    reader.evaluate("() => { window.__noReload = 9; }")
    mine = "#questions-1 .question:has-text('Is my own question votable?')"

    asker.fill("#body", "Is my own question votable?")
    asker.click("#qa-ask-1 button[type=submit]")
    reader.locator(f"{mine} .vote-button").wait_for(timeout=10_000)
    asker.locator(mine).wait_for(timeout=10_000)
    asker_may_vote = asker.locator(f"{mine} .vote-button").is_visible()

    # Hidden: it leaves the list for everyone and waits in the moderators' hidden section.
    organiser.locator(f"{mine} button[value=hide]").click()
    hidden = organiser.locator("#questions-hidden-1 .question", has_text="my own question")
    hidden.wait_for(timeout=10_000)
    reader.locator(mine).wait_for(state="detached", timeout=10_000)
    reader_sees_hidden = reader.locator("#questions-hidden-1").count()
    hidden.locator("button[value=unhide]").click()
    reader.locator(mine).wait_for(timeout=10_000)

    # Answered: its own section, for everyone; marked unanswered, back on the list.
    organiser.locator(f"{mine} button[value=answer]").click()
    answered = "#questions-answered-1 .question:has-text('Is my own question votable?')"
    reader.locator(answered).wait_for(timeout=10_000)
    reader_may_undo = reader.locator(f"{answered} button[value=unanswer]").is_visible()
    organiser.locator(f"{answered} button[value=unanswer]").click()
    reader.locator(mine).wait_for(timeout=10_000)
    reader.locator(answered).wait_for(state="detached", timeout=10_000)

    organiser.goto(f"{live_server}/ogp2021/manage/audit")
    audit = organiser.locator("main").inner_text()

    assert asker_may_vote is False
    assert reader_sees_hidden == 0
    assert reader_may_undo is False
    for words in (
        "Hid a question",
        "Unhid a question",
        "Marked a question answered",
        "Marked a question unanswered",
    ):
        assert words in audit
    assert reader.evaluate("() => window.__noReload") == 9
    assert problems == []


def _ask_unheard(database_file: Path, body: str) -> None:
    """A question written with no event (as if its news were lost), and a draft change to
    publish: the page hears of the question only by fetching its lists again."""
    database = Database(create_db_engine(sqlite_settings(database_file)))
    try:
        with database.write() as db:
            summit = db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()
            asker = db.exec(select(Account).where(Account.email == "delegate2@example.org")).one()
            assert asker.id is not None
            services.ask(db, summit=summit, session_id=1, account_id=asker.id, body=body)
            session = db.get(ProgrammeSession, 2)
            assert session is not None and session.ends_at is not None
            session.title = {**session.title, "en": "Retitled in the draft"}
            db.add(session)
    finally:
        database.dispose()


def test_a_page_told_to_refresh_fetches_its_questions_again(
    chromium: Any, live_server: str, tmp_path: Path
) -> None:
    problems: list[str] = []
    path = "/ogp2021/sessions/1"
    delegate = _delegate(chromium, live_server, "delegate@example.org", path, problems)
    delegate.evaluate("() => { window.__noReload = 9; }")
    organiser = _delegate(chromium, live_server, "organiser@example.org", path, problems)

    _ask_unheard(tmp_path / "live.db", "Which question did the socket never carry?")
    organiser.goto(f"{live_server}/ogp2021/manage/publish")
    organiser.click("form.stack-form button[type=submit]")  # a publication: pages refresh

    delegate.wait_for_function(
        "() => document.querySelector('#questions-1')?.textContent.includes('never carry')",
        timeout=10_000,
    )
    assert delegate.evaluate("() => window.__noReload") == 9
    assert problems == []
