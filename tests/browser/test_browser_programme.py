"""An organiser builds the programme in a real browser; delegates read it in their zone and
language."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.helpers import sign_in, wait_until_live

pytestmark = pytest.mark.browser


def test_an_organiser_drags_a_session_publishes_and_delegates_see_it(
    chromium: Any, live_server: str
) -> None:
    problems: list[str] = []
    organiser = chromium.new_context(timezone_id="Asia/Seoul", locale="en-GB").new_page()
    organiser.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(organiser, live_server, "organiser@example.org", "/ogp2021/manage/schedule")

    opening = organiser.locator(".editor-session", has_text="Official opening")
    session_id = opening.get_attribute("data-session-id")
    # A delegate in New York has the programme open before the change, and keeps it open.
    watcher = chromium.new_context(timezone_id="America/New_York", locale="en-US").new_page()
    watcher.on("pageerror", lambda error: problems.append(str(error)))
    watcher.goto(f"{live_server}/ogp2021/programme")
    watcher.wait_for_function("() => window.htmx !== undefined")
    watcher.evaluate("() => { window.__noReload = 9; }")
    wait_until_live(watcher)
    target = organiser.locator('.slot[data-stream-id="4"][data-start="09:15"]')
    opening.drag_to(target)
    organiser.wait_for_function(
        "id => document.querySelector('#draft-' + id)?.textContent.includes('9:15')",
        arg=session_id,
    )
    organiser.goto(f"{live_server}/ogp2021/manage/publish")
    organiser.fill("#comment", "The opening moves to the side events room")
    organiser.click("form.stack-form button[type=submit]")
    organiser.wait_for_url(f"{live_server}/ogp2021/changes")
    changes = organiser.content()
    # Without a reload, the open programme shows the opening in its new room and time.
    watcher.wait_for_function(
        "id => document.querySelector('#session-' + id)?.textContent.includes('Side Events Room')",
        arg=session_id,
        timeout=10_000,
    )
    moved_card = watcher.locator(f"#session-{session_id}").inner_text()

    delegate = chromium.new_context(timezone_id="America/New_York", locale="fr-FR").new_page()
    delegate.goto(f"{live_server}/ogp2021/sessions/{session_id}?lang=fr")
    session_page = delegate.content()

    assert "The opening moves to the side events room" in changes
    assert "moved" in changes and "new time" in changes
    # 09:15 in Seoul is 19:15 the day before in New York, and French shows 24-hour times.
    assert "19:15" in session_page
    assert "Salle des événements parallèles" in session_page
    assert 'lang="fr"' in session_page
    assert "7:15" in moved_card  # 09:15 in Seoul, as New York reads it
    assert watcher.evaluate("() => window.__noReload") == 9
    assert problems == []


def test_a_delegate_filters_the_programme_without_reloading(
    chromium: Any, live_server: str
) -> None:
    page = chromium.new_context(timezone_id="Asia/Seoul").new_page()
    page.goto(f"{live_server}/ogp2021/programme")
    marker = page.evaluate("() => { window.__noReload = 42; return window.__noReload; }")

    page.select_option("#kind", "ceremony")
    page.wait_for_function(
        "() => document.querySelectorAll('#programme-results article.session-card').length === 2"
    )

    assert page.evaluate("() => window.__noReload") == marker
    assert page.url.endswith("kind=ceremony") or "kind=ceremony" in page.url


def test_a_delegate_page_shows_a_session_going_live_without_a_reload(
    chromium: Any, live_server: str
) -> None:
    problems: list[str] = []
    delegate = chromium.new_context(timezone_id="Asia/Seoul").new_page()
    delegate.on("pageerror", lambda error: problems.append(str(error)))
    delegate.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    delegate.goto(f"{live_server}/ogp2021/programme")
    delegate.wait_for_function("() => window.htmx !== undefined")
    delegate.evaluate("() => { window.__noReload = 7; }")
    wait_until_live(delegate)

    organiser = chromium.new_context(timezone_id="Asia/Seoul").new_page()
    sign_in(organiser, live_server, "organiser@example.org", "/ogp2021/programme")
    listing = organiser.content()
    session_path = re.search(r'href="[^"]*(/ogp2021/sessions/\d+)"', listing)
    assert session_path is not None
    organiser.goto(f"{live_server}{session_path.group(1)}")
    organiser.fill("#delay_minutes", "10")
    organiser.click(".live-console form.inline-fields button[type=submit]")

    session_id = session_path.group(1).rsplit("/", 1)[1]
    delegate.wait_for_function(
        "id => document.querySelector('#session-' + id)?.textContent.includes('10 minutes late')",
        arg=session_id,
        timeout=10_000,
    )

    assert delegate.evaluate("() => window.__noReload") == 7
    assert problems == []
