"""The demo award judged end to end in real browsers, before its ceremony: the organiser opens
scoring and assigns the jury, two jurors score, the chair's casting vote settles a tie, the
places are set and revealed one by one on a delegate's open page, and the results published."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from summit.db import Database, create_db_engine
from tests.browser.helpers import sign_in, watch_for_problems
from tests.conftest import sqlite_settings
from tests.jury import AWARD_SLUG, before_judging

pytestmark = pytest.mark.browser

MANAGE = f"/ogp2021/manage/awards/{AWARD_SLUG}"


@pytest.fixture
def before_the_ceremony(live_server: str, tmp_path: Path) -> str:
    """The demo as it stood before its jury began: nothing assigned or scored, no place
    decided or published yet (the seed holds the jury's finished work)."""
    database = Database(create_db_engine(sqlite_settings(tmp_path / "live.db")))
    with database.write() as db:
        before_judging(db)
    database.dispose()
    return live_server


def _score(juror: Any, base: str, submission_id: str, value: str) -> None:
    juror.goto(f"{base}/ogp2021/jury/{submission_id}")
    inputs = juror.locator("#scoresheet input[type=number]")
    for index in range(inputs.count()):
        inputs.nth(index).fill(value)
        inputs.nth(index).dispatch_event("change")
        juror.locator("#save-status .form-success").wait_for()
    juror.click("#scoresheet button[value=final]")
    juror.locator("#save-status .form-success").wait_for()


def test_the_demo_award_is_judged_and_revealed_in_the_browser(
    chromium: Any, before_the_ceremony: str
) -> None:
    base = before_the_ceremony
    organiser = chromium.new_context(locale="en-GB", timezone_id="Asia/Seoul").new_page()
    problems = watch_for_problems(organiser)
    sign_in(organiser, base, "organiser@example.org", MANAGE)
    # Scoring closed in 2021 by the demo's dates: the organiser moves the deadline.
    organiser.fill("#scoring_closes_at", "2099-12-31T12:00")
    organiser.click("form.stack-form button[type=submit]:has-text('Save')")
    organiser.wait_for_load_state()
    organiser.goto(f"{base}{MANAGE}/jury")
    organiser.fill("#per_submission", "4")
    organiser.click("text=Assign automatically")
    organiser.locator("main", has_text="assignments added").wait_for()

    jurors = []
    for email in ("juror1@example.org", "juror2@example.org"):
        juror = chromium.new_context(locale="en-GB").new_page()
        problems += watch_for_problems(juror)
        sign_in(juror, base, email, "/ogp2021/jury")
        links = juror.locator("table a[href*='/ogp2021/jury/']")
        ids = [links.nth(i).get_attribute("href").rsplit("/", 1)[1] for i in range(links.count())]
        jurors.append((juror, ids))
    common = [found for found in jurors[0][1] if found in jurors[1][1]][:3]
    assert len(common) == 3
    first, second, third = common
    for juror, _ in jurors:
        for submission_id, value in ((first, "8"), (second, "8"), (third, "5")):
            _score(juror, base, submission_id, value)

    board = f"{MANAGE}/results"
    organiser.goto(f"{base}{board}")
    # Equal on every criterion and in first places: only the chair's casting vote can settle it.
    organiser.select_option("#vote-1", second)
    organiser.click("text=Record the casting vote")
    organiser.wait_for_url(f"{base}{board}")
    suggested = [organiser.input_value(f"#place-{place}") for place in (1, 2, 3)]
    organiser.click("text=Save the places")
    organiser.wait_for_url(f"{base}{board}")

    delegate = chromium.new_context(locale="en-GB").new_page()
    problems += watch_for_problems(delegate)
    delegate.goto(f"{base}/ogp2021/")
    delegate.wait_for_function("() => window.htmx !== undefined")
    delegate.evaluate("() => { window.__noReload = 3; }")
    delegate.wait_for_timeout(500)  # the socket connects
    shown = []
    for place in ("third", "second", "first"):
        organiser.click(f"text=Reveal the {place} place")
        organiser.wait_for_url(f"{base}{board}")
        delegate.locator("#award-reveal", has_text=f"{place.capitalize()} place").wait_for(
            timeout=10_000
        )
        shown.append(delegate.locator("#award-reveal").inner_text())
    organiser.click("text=Publish the results")
    organiser.wait_for_url(f"{base}{board}")
    public = delegate.context.new_page()
    public.goto(f"{base}/ogp2021/awards/{AWARD_SLUG}")
    results = public.locator("main").inner_text()

    assert suggested == [second, first, third]  # the casting vote put the second one first
    assert delegate.evaluate("() => window.__noReload") == 3
    assert ["Third place" in shown[0], "Second place" in shown[1], "First place" in shown[2]] == [
        True
    ] * 3
    assert "First place" in results and "Third place" in results
    assert problems == []
