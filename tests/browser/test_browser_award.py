"""The demo award in real browsers. Judged end to end, from before its jury began: the
organiser opens scoring and assigns the jury, two jurors score, the chair's casting vote settles
a tie, the places are set and revealed one by one on a delegate's open page, and the results
published. And as ``summit demo`` serves it: judged, its ceremony still to run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from summit.db import Database, create_db_engine
from tests.browser.helpers import (
    choose_english,
    confirm,
    sign_in,
    submit_and_wait,
    wait_until_live,
    watch_for_problems,
)
from tests.conftest import sqlite_settings
from tests.jury import AWARD_SLUG, before_judging
from tests.servers import serving

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
        # Each save raises the card's revision ("Saved" may still show from the one before).
        juror.locator(f"#card-revision[value='{index + 1}']").wait_for(state="attached")
    juror.click("#scoresheet button[value=final]")
    juror.locator("#sheet", has_text="This scoresheet is final.").wait_for()


def test_the_demo_award_is_judged_and_revealed_in_the_browser(
    chromium: Any, before_the_ceremony: str
) -> None:
    base = before_the_ceremony
    organiser = chromium.new_context(locale="en-GB", timezone_id="Asia/Seoul").new_page()
    problems = watch_for_problems(organiser)
    sign_in(organiser, base, "organiser@example.org", MANAGE)
    # Scoring closed in 2021 by the demo's dates: the organiser moves the deadline.
    organiser.fill("#scoring_closes_at", "2099-12-31T12:00")
    submit_and_wait(
        organiser, lambda: organiser.click("form.stack-form button[type=submit]:has-text('Save')")
    )
    organiser.goto(f"{base}{MANAGE}/jury")
    organiser.fill("#per_submission", "4")
    organiser.click("text=Assign automatically")
    organiser.locator("main", has_text="assignments added").wait_for()

    jurors = []
    for email in ("juror1@example.org", "juror2@example.org"):
        juror = chromium.new_context(locale="en-GB").new_page()
        problems += watch_for_problems(juror)
        choose_english(juror, base)  # juror1's account speaks French
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
    submit_and_wait(organiser, lambda: organiser.click("text=Record the casting vote"))
    suggested = [organiser.input_value(f"#place-{place}") for place in (1, 2, 3)]
    submit_and_wait(organiser, lambda: organiser.click("text=Save the places"))

    delegate = chromium.new_context(locale="en-GB").new_page()
    problems += watch_for_problems(delegate)
    delegate.goto(f"{base}/ogp2021/")
    delegate.wait_for_function("() => window.htmx !== undefined")
    delegate.evaluate("() => { window.__noReload = 3; }")
    wait_until_live(delegate)
    shown = []
    for place in ("third", "second", "first"):
        organiser.click(f"text=Reveal the {place} place")
        submit_and_wait(organiser, lambda: confirm(organiser))
        delegate.locator("#award-reveal", has_text=f"{place.capitalize()} place").wait_for(
            timeout=10_000
        )
        shown.append(delegate.locator("#award-reveal").inner_text())
    submit_and_wait(organiser, lambda: organiser.click("text=Publish the results"))
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


@pytest.fixture
def summit_demo(tmp_path: Path) -> Iterator[str]:
    """``summit demo`` itself, on a database it creates: its clock and its seed."""
    with serving(
        f"sqlite:///{tmp_path / 'demo.db'}",
        tmp_path / "demo.log",
        command=("demo",),
        ready_within=180,
    ) as address:
        yield address


def test_a_newcomer_runs_the_awards_ceremony_of_the_demo(chromium: Any, summit_demo: str) -> None:
    base = summit_demo
    delegate = chromium.new_context(locale="en-GB").new_page()
    problems = watch_for_problems(delegate)
    delegate.goto(f"{base}/ogp2021/")
    live_now = delegate.locator("#live-strip .card-grid").first.locator("article").count()
    wait_until_live(delegate)
    organiser = chromium.new_context(locale="en-GB").new_page()
    problems += watch_for_problems(organiser)
    board = f"{MANAGE}/results"
    sign_in(organiser, base, "organiser@example.org", board)

    shown = []
    for button, place in (
        ("Reveal an honourable mention", "Honourable mention"),
        ("Reveal the third place", "Third place"),
        ("Reveal the second place", "Second place"),
        ("Reveal the first place", "First place"),
    ):
        organiser.click(f"text={button}")
        submit_and_wait(organiser, lambda: confirm(organiser))
        delegate.locator("#award-reveal", has_text=place).wait_for(timeout=10_000)
        shown.append(" ".join(delegate.locator("#award-reveal").inner_text().split()))
    submit_and_wait(organiser, lambda: organiser.click("text=Publish the results"))
    published = organiser.locator("main").inner_text()
    public = delegate.context.new_page()
    public.goto(f"{base}/ogp2021/awards/{AWARD_SLUG}")
    results = public.locator("main").inner_text()

    assert live_now == 3
    assert [entry.split("Open Gov Award for local innovation ")[1] for entry in shown] == [
        "Honourable mention Commune of Exempleville (fictional) — Registre citoyen des plaintes "
        "et suggestions municipales",
        "Third place Regional Council of Tanger-Tétouan-Al Hoceïma — Plateforme électronique de "
        "suivi et d'évaluation des programmes de développement régional",
        "Second place Sample Citizens' Partnership for Open Cities (fictional) — Neighbourhood "
        "budgets co-managed with residents",
        "First place Riverside Example County Council (fictional) — Participatory budgeting by "
        "SMS for ward projects",
    ]
    assert "Published on" in published
    assert "Regional Council of Tanger-Tétouan-Al Hoceïma" in results
    assert problems == []
