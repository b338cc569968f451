"""Error pages in real Chromium: inside a summit they keep its header and navigation, and a
refusal tells the person what to do."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import choose_english, sign_in, watch_for_problems

pytestmark = pytest.mark.browser


def test_a_missing_page_keeps_the_summits_navigation(chromium: Any, live_server: str) -> None:
    page = chromium.new_context(locale="en-GB").new_page()
    problems = watch_for_problems(page)

    answer = page.goto(f"{live_server}/ogp2021/sessions/999999")
    heading = page.locator("main h1").inner_text()
    page.locator(".site-nav a", has_text="Programme").click()
    page.wait_for_url(f"{live_server}/ogp2021/programme")

    assert answer is not None and answer.status == 404
    assert heading == "Page not found"
    # The browser reports the 404 itself as a console error; nothing else may go wrong.
    assert [problem for problem in problems if "404" not in problem] == []


def test_a_refused_delegate_is_told_what_to_do_and_may_switch_account(
    chromium: Any, live_server: str
) -> None:
    page = chromium.new_context(locale="en-GB").new_page()
    choose_english(page, live_server)  # the account speaks Arabic
    sign_in(page, live_server, "delegate@example.org", "/ogp2021/")

    answer = page.goto(f"{live_server}/ogp2021/manage/")
    advice = page.locator("main").inner_text()
    brand = page.locator(".brand").inner_text()
    page.locator("main a", has_text="Sign in with another account").click()
    page.fill("#email", "organiser@example.org")
    page.fill("#password", "summit-demo-2021")
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_url(f"{live_server}/ogp2021/manage/")

    assert answer is not None and answer.status == 403
    assert brand == "OGP Global Summit 2021"
    assert "You are signed in as Dina Delegate (demo)" in advice
    assert "ask an organiser of the summit" in advice
