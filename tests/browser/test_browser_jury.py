"""A juror scores in a real browser: autosave, a second tab's conflict; then an organiser
reveals a place and an open page of a visitor shows it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from summit.awards.models import Criterion, Score
from summit.db import Database, create_db_engine
from summit.settings import Settings
from tests.browser.helpers import (
    choose_english,
    confirm,
    place_third,
    sign_in,
    wait_until_live,
    watch_for_problems,
)
from tests.conftest import sqlite_settings

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
    organiser = place_third(chromium, base, submission_id)
    visitor = chromium.new_context(locale="en-GB").new_page()
    visitor.goto(f"{base}/ogp2021/programme")
    visitor.wait_for_function("() => document.querySelector('#live-socket') !== null")
    wait_until_live(visitor)

    organiser.click("text=Reveal the third place")
    confirm(organiser)
    visitor.wait_for_selector("#award-reveal .award-reveal__place")
    shown = visitor.locator("#award-reveal").inner_text()

    assert "Third place" in shown
    assert "Riverside Example County Council" in shown


def test_a_dismissed_reveal_stays_dismissed_in_this_browser(
    chromium: Any, judging_server: tuple[str, int]
) -> None:
    base, submission_id = judging_server
    organiser = place_third(chromium, base, submission_id)
    visitor = chromium.new_context(locale="en-GB").new_page()
    problems = watch_for_problems(visitor)
    visitor.goto(f"{base}/ogp2021/")
    wait_until_live(visitor)
    organiser.click("text=Reveal the third place")
    confirm(organiser)
    banner = visitor.locator("#award-reveal.award-reveal--shown")
    banner.wait_for()

    visitor.get_by_role("button", name="Dismiss").click()
    banner.wait_for(state="hidden")
    # The same reveal again, as a page that reconnects replays it: it stays hidden.
    visitor.evaluate(
        "() => { const shown = document.getElementById('award-reveal');"
        " shown.hidden = false; shown.outerHTML = shown.outerHTML; }"
    )
    remembered = visitor.evaluate("() => localStorage.getItem('summit.dismissedReveals')")

    assert banner.is_hidden()
    assert remembered is not None and banner.get_attribute("data-reveal") in remembered
    assert problems == []


REFUSED = (
    "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
)
"""What Chromium logs for a refused save (a 422 the page then shows): expected here."""


def _scores(database_url: str) -> dict[str, float]:
    """What is stored of every scoresheet of the demo award, by criterion."""
    database = Database(create_db_engine(Settings(database_url=database_url, environment="test")))
    try:
        with database.read() as db:
            rows = db.exec(
                select(Criterion.slug, Score.value).join(
                    Criterion, col(Criterion.id) == Score.criterion_id
                )
            ).all()
    finally:
        database.dispose()
    return dict(rows)


def test_a_score_off_its_scale_shows_its_error_beside_it_and_is_not_saved(
    chromium: Any, judging_server: tuple[str, int], tmp_path: Path
) -> None:
    base, submission_id = judging_server
    page = chromium.new_context(locale="en-GB").new_page()
    problems = watch_for_problems(page)
    choose_english(page, base)  # juror1's account speaks French
    sign_in(page, base, "juror1@example.org", f"/ogp2021/jury/{submission_id}")
    impact_fieldset = page.locator("#scoresheet fieldset.criterion").first
    impact = impact_fieldset.locator("input[type=number]")
    beside = impact_fieldset.locator(".field-error")
    impact.fill("7")
    page.locator("#comment").click()
    page.locator("#save-status .form-success").wait_for()

    impact.fill("42")
    page.locator("#comment").click()
    page.locator("#save-status .form-error").wait_for()
    # The field is marked once htmx has settled the swap (static/js/scoresheet.js).
    impact_fieldset.locator("input[type=number][aria-invalid=true]").wait_for()
    shown = (beside.is_visible(), beside.inner_text(), impact.get_attribute("aria-invalid"))
    status = page.locator("#save-status").inner_text()
    typed = impact.input_value()

    impact.fill("9")
    page.locator("#comment").click()
    page.locator("#save-status .form-success").wait_for()
    impact_fieldset.locator("input[type=number]:not([aria-invalid])").wait_for()
    cleared = (beside.is_visible(), impact.get_attribute("aria-invalid"))

    assert shown == (True, "Give a score from 0 to 10.", "true")
    assert "Not saved" in status and "Saved" not in status.replace("Not saved", "")
    assert typed == "42"
    assert cleared == (False, None)
    assert _scores(sqlite_settings(tmp_path / "live.db").database_url) == {"impact": 9.0}
    assert [problem for problem in problems if problem != REFUSED] == []


def test_keeping_my_values_keeps_what_the_other_tab_saved(
    chromium: Any, judging_server: tuple[str, int], tmp_path: Path
) -> None:
    base, submission_id = judging_server
    context = chromium.new_context(locale="en-GB")
    first = context.new_page()
    problems = watch_for_problems(first)
    sheet = f"/ogp2021/jury/{submission_id}"
    choose_english(first, base)  # juror1's account speaks French
    sign_in(first, base, "juror1@example.org", sheet)
    second = context.new_page()
    problems += watch_for_problems(second)
    second.goto(f"{base}{sheet}")

    first.locator("#scoresheet input[type=number]").nth(3).fill("8")  # transparency
    first.locator("#comment").click()
    first.locator("#save-status .form-success").wait_for()
    second.locator("#scoresheet input[type=number]").first.fill("3")  # impact
    second.locator("#comment").click()
    second.locator("#save-status .form-warning").wait_for()
    second.click("text=Keep my values")
    second.locator("#save-status .form-success").wait_for()
    merged = [
        second.locator("#scoresheet input[type=number]").nth(index).input_value()
        for index in range(5)
    ]
    first.reload()
    reloaded = [
        first.locator("#scoresheet input[type=number]").nth(index).input_value()
        for index in range(5)
    ]

    assert merged == reloaded == ["3", "", "", "8", ""]
    assert _scores(sqlite_settings(tmp_path / "live.db").database_url) == {
        "impact": 3.0,
        "transparency": 8.0,
    }
    assert [problem for problem in problems if problem != REFUSED] == []


def test_the_sheet_shows_its_deadline_weights_and_a_total_that_follows_each_save(
    chromium: Any, judging_server: tuple[str, int]
) -> None:
    base, submission_id = judging_server
    page = chromium.new_context(locale="en-GB", timezone_id="Asia/Seoul").new_page()
    problems = watch_for_problems(page)
    sheet = f"/ogp2021/jury/{submission_id}"
    choose_english(page, base)  # juror1's account speaks French
    sign_in(page, base, "juror1@example.org", sheet)
    page.goto(f"{base}{sheet}?tz=Asia/Seoul")
    deadline = " ".join(page.locator(".sheet-deadline").inner_text().split())
    weights = page.locator(".criterion__weight").all_inner_texts()
    before = page.locator("#sheet-total").inner_text()

    inputs = page.locator("#scoresheet input[type=number]")
    inputs.first.fill("8")
    inputs.nth(1).click()
    page.locator("#sheet-total", has_text="24.0 of 100").wait_for()
    inputs.nth(1).fill("5")
    page.locator("#comment").click()
    page.locator("#sheet-total", has_text="36.5 of 100").wait_for()
    after = page.locator("#sheet-total").inner_text()

    # judging_server moves the deadline to 1 January 2100, 00:00 UTC: 09:00 in Seoul.
    assert re.fullmatch(
        r"Scoring closes on Friday, January 1, 2100 at 9:00 AM · in \d+ years", deadline
    )
    assert weights == ["weight 30%", "weight 25%", "weight 20%", "weight 15%", "weight 10%"]
    assert "0.0 of 100" in before and "0 of 5 criteria scored" in before
    assert "2 of 5 criteria scored" in after
    assert problems == []
