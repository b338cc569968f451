"""A juror scores in a real browser: autosave, a second tab's conflict; then an organiser
reveals a place and an open page of a visitor shows it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import choose_english, confirm, sign_in
from tests.jury import AWARD_SLUG

pytestmark = pytest.mark.browser


def test_a_juror_scores_and_a_second_tab_gets_a_conflict(
    chromium: Any, judging_server: tuple[str, int]
) -> None:
    base, submission_id = judging_server
    problems: list[str] = []
    context = chromium.new_context(locale="en-GB")
    first = context.new_page()
    first.on("pageerror", lambda error: problems.append(str(error)))
    sheet = f"/ogp2021/jury/{submission_id}"
    choose_english(first, base)  # juror1's account speaks French
    sign_in(first, base, "juror1@example.org", sheet)
    second = context.new_page()
    second.goto(f"{base}{sheet}")

    score = first.locator("input[type=number]").first
    score.fill("7")
    first.locator("#comment").click()  # leaving the field fires "change"
    first.wait_for_selector("#save-status .form-success")
    second.locator("input[type=number]").first.fill("3")
    second.locator("#comment").click()
    second.wait_for_selector("#save-status .form-warning")
    conflict = second.locator("#save-status").inner_text()
    typed = second.locator("input[type=number]").first.input_value()
    first.reload()
    saved = first.locator("input[type=number]").first.input_value()

    assert "changed in another tab" in conflict
    assert (typed, saved) == ("3", "7")
    assert problems == []


def test_a_reveal_appears_on_an_open_page(chromium: Any, judging_server: tuple[str, int]) -> None:
    base, submission_id = judging_server
    organiser = chromium.new_context(locale="en-GB").new_page()
    board = f"/ogp2021/manage/awards/{AWARD_SLUG}/results"
    sign_in(organiser, base, "organiser@example.org", board)
    organiser.select_option("#place-3", str(submission_id))
    organiser.fill("#reason", "Decided in the room")
    organiser.click("text=Save the places")
    organiser.wait_for_url(f"{base}{board}")
    visitor = chromium.new_context(locale="en-GB").new_page()
    visitor.goto(f"{base}/ogp2021/programme")
    visitor.wait_for_function("() => document.querySelector('#live-socket') !== null")
    visitor.wait_for_timeout(500)  # let the socket open

    organiser.click("text=Reveal the third place")
    confirm(organiser)
    visitor.wait_for_selector("#award-reveal .award-reveal__place")
    shown = visitor.locator("#award-reveal").inner_text()

    assert "Third place" in shown
    assert "Riverside Example County Council" in shown
