"""Accessibility in real Chromium: axe-core finds no serious or critical violation on the main
pages, in English and in Arabic; the Arabic interface is right-to-left and mirrored, with Arabic
dates. Screenshots of the Arabic pages are kept as test artefacts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import axe_violations as _violations
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

ARTEFACTS = Path(
    os.environ.get("SUMMIT_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts")
)

PUBLIC_PAGES = {
    "home": "/ogp2021/",
    "programme": "/ogp2021/programme?day=2021-12-15",
    "grid": "/ogp2021/programme/grid?day=2021-12-15",
    "session": "/ogp2021/sessions/1",
    "changes": "/ogp2021/changes",
    "preferences": "/preferences?next=/ogp2021/",
}
ORGANISER_PAGES = {"editor": "/ogp2021/manage/schedule?day=2021-12-15"}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_axe_finds_nothing_serious_on_the_public_pages(
    chromium: Any, live_server: str, language: str
) -> None:
    page = chromium.new_context(bypass_csp=True, timezone_id="Asia/Seoul").new_page()
    found = {}
    for name, path in PUBLIC_PAGES.items():
        page.goto(f"{live_server}{path}{'&' if '?' in path else '?'}lang={language}")
        found[name] = _violations(page)

    assert found == dict.fromkeys(PUBLIC_PAGES, [])


@pytest.mark.parametrize("language", ["en", "ar"])
def test_axe_finds_nothing_serious_on_the_organisers_pages(
    chromium: Any, live_server: str, language: str
) -> None:
    page = chromium.new_context(bypass_csp=True, timezone_id="Asia/Seoul").new_page()
    sign_in(page, live_server, "organiser@example.org", "/ogp2021/manage/")
    found = {}
    for name, path in ORGANISER_PAGES.items():
        page.goto(f"{live_server}{path}&lang={language}")
        found[name] = _violations(page)

    assert found == dict.fromkeys(ORGANISER_PAGES, [])


def test_the_arabic_interface_is_mirrored_with_arabic_dates(
    chromium: Any, live_server: str
) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page = chromium.new_context(
        timezone_id="Asia/Riyadh", locale="ar", viewport={"width": 1280, "height": 900}
    ).new_page()
    shots = {}
    for name, path in (("home", "/ogp2021/"), ("grid", "/ogp2021/programme/grid?day=2021-12-15")):
        page.goto(f"{live_server}{path}{'&' if '?' in path else '?'}lang=ar")
        shot = ARTEFACTS / f"arabic-{name}.png"
        page.screenshot(path=str(shot), full_page=True)
        shots[name] = shot
    page.goto(f"{live_server}/ogp2021/programme/grid?day=2021-12-15&lang=ar")
    direction = page.evaluate("() => document.documentElement.dir")
    brand = page.locator(".brand").bounding_box()
    navigation = page.locator(".site-nav").bounding_box()
    text = page.locator("main").inner_text()

    assert direction == "rtl"
    # Mirrored: the summit's name, first in reading order, sits at the right.
    assert brand is not None and navigation is not None
    assert brand["x"] > navigation["x"]
    assert "ديسمبر" in text  # December, as Babel writes it in Arabic
    assert all(shot.stat().st_size > 10_000 for shot in shots.values())


@pytest.mark.parametrize("language", ["en", "ar"])
def test_axe_finds_nothing_serious_on_a_scoresheet(
    chromium: Any, judging_server: tuple[str, int], language: str
) -> None:
    base, submission_id = judging_server
    page = chromium.new_context(bypass_csp=True, locale="en-GB").new_page()
    sheet = f"/ogp2021/jury/{submission_id}"
    sign_in(page, base, "juror1@example.org", sheet)
    page.goto(f"{base}{sheet}?lang={language}")
    found = _violations(page)
    if language == "ar":
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / "arabic-scoresheet.png"), full_page=True)
        assert page.evaluate("() => document.documentElement.dir") == "rtl"

    assert found == []
