"""Bodies and elections in real Chromium: the Arabic election journey (an organiser opens it,
two heads of delegation vote, the results appear live on a delegate's open page, a voter checks
the receipt), and the public pages' accessibility and phone width."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from summit.db import Database, create_db_engine
from summit.elections.models import Election
from summit.people.models import Delegation
from tests.browser.helpers import axe_violations, confirm, sign_in, submit_and_wait, wait_until_live
from tests.conftest import sqlite_settings

pytestmark = pytest.mark.browser

SEOUL = ZoneInfo("Asia/Seoul")
PUBLIC = ["/ogp2021/bodies", "/ogp2021/bodies/steering-committee"]
PUBLIC += ["/ogp2021/bodies/african-open-government-network", "/ogp2021/delegations/morocco"]
PUBLIC += ["/ogp2021/elections"]


def _delegation_ids(database: Database) -> dict[str, int]:
    with database.read() as db:
        return {row.slug: int(row.id or 0) for row in db.exec(select(Delegation))}


def _vote(chromium: Any, base: str, email: str, mine: int, choice: int) -> tuple[Any, str]:
    page = chromium.new_context(locale="ar", timezone_id="Asia/Riyadh").new_page()
    page.context.add_cookies([{"name": "summit_lang", "value": "ar", "url": base}])
    sign_in(page, base, email, "/ogp2021/elections/sc-demo")
    page.check(f"#choice-{mine}-{choice}")
    page.click("#ballot-heading ~ form button[type=submit]")
    with page.expect_navigation():
        confirm(page)
    code = page.locator("#receipt code").inner_text()
    return page, code


def test_an_election_is_held_and_revealed_live_in_arabic(
    chromium: Any, live_server: str, tmp_path: Path
) -> None:
    base = live_server
    database = Database(create_db_engine(sqlite_settings(tmp_path / "live.db")))
    ids = _delegation_ids(database)
    organiser = chromium.new_context(locale="ar", timezone_id="Asia/Seoul").new_page()
    organiser.context.add_cookies([{"name": "summit_lang", "value": "ar", "url": base}])
    sign_in(organiser, base, "organiser@example.org", "/ogp2021/manage/elections")
    now = datetime.now(UTC).astimezone(SEOUL)
    organiser.select_option("#body_id", label="اللجنة التوجيهية لشراكة الحكومة المفتوحة")
    organiser.fill("#slug", "sc-demo")
    organiser.fill("#title_ar", "انتخاب مقعد في اللجنة التوجيهية (تجريبي)")
    organiser.fill("#seats", "1")
    organiser.select_option("#tie_rule", "name")
    organiser.fill("#opens_at", (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    organiser.fill("#closes_at", (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    for slug in ("tunisia", "kenya"):
        organiser.check(f"#candidates-{ids[slug]}")
    for slug in ("morocco", "kenya"):
        organiser.check(f"#electorate-{ids[slug]}")
    submit_and_wait(organiser, lambda: organiser.click("#election-form button[type=submit]"))
    assert organiser.locator("#election-sc-demo").count() == 1

    morocco, code = _vote(chromium, base, "delegate@example.org", ids["morocco"], ids["tunisia"])
    _vote(chromium, base, "delegate2@example.org", ids["kenya"], ids["tunisia"])
    # The window ends now, rather than in a day: tests wait for conditions, not for time.
    with database.write() as db:
        election = db.exec(select(Election)).one()
        election.closes_at = datetime.now(UTC) - timedelta(seconds=1)
        election_id = election.id
    database.dispose()

    morocco.goto(f"{base}/ogp2021/elections/sc-demo")
    wait_until_live(morocco)
    organiser.goto(f"{base}/ogp2021/manage/elections/{election_id}")
    organiser.click("form[action$='/publish'] button[type=submit]")
    with organiser.expect_navigation():
        confirm(organiser)

    reveal = morocco.locator("#award-reveal.award-reveal--shown")
    reveal.wait_for()
    assert "تونس" in reveal.inner_text()
    morocco.fill("#receipt-code", code)
    submit_and_wait(morocco, lambda: morocco.click("form[role=search] button[type=submit]"))
    assert morocco.locator("#receipt-answer").inner_text().strip() == (
        "احتُسبت ورقة تصويت تحمل رمز الإيصال هذا."
    )
    assert morocco.locator("#result-tunisia").count() == 1
    morocco.set_viewport_size({"width": 390, "height": 844})
    assert morocco.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("language", ["en", "ar"])
def test_body_pages_are_accessible_and_fit_a_phone(
    chromium: Any, live_server: str, language: str
) -> None:
    page = chromium.new_context(
        bypass_csp=True, timezone_id="Asia/Seoul", viewport={"width": 390, "height": 844}
    ).new_page()
    found = {}
    widths = {}
    for path in PUBLIC:
        page.goto(f"{live_server}{path}?lang={language}")
        found[path] = axe_violations(page)
        widths[path] = page.evaluate("document.documentElement.scrollWidth")

    assert found == dict.fromkeys(PUBLIC, [])
    assert widths == dict.fromkeys(PUBLIC, 390)
