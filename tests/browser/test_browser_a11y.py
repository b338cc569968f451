"""Accessibility in real Chromium: axe-core finds no serious or critical violation on the pages
that test_browser_phone.py does not read with it, in English and in Arabic; the Arabic interface
is right-to-left and mirrored, with Arabic dates. Screenshots of the Arabic pages are kept as
test artefacts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import axe_violations

pytestmark = pytest.mark.browser

ARTEFACTS = Path(
    os.environ.get("SUMMIT_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts")
)

# The main pages (home, programme, grid, session, changes, the editor, a scoresheet...) are read
# by axe at four sizes in test_browser_phone.py; these pages are not among them.
PAGES = {"preferences": "/preferences?next=/ogp2021/"}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_axe_finds_nothing_serious_on_the_other_public_pages(
    chromium: Any, live_server: str, language: str
) -> None:
    page = chromium.new_context(bypass_csp=True, timezone_id="Asia/Seoul").new_page()
    found = {}
    for name, path in PAGES.items():
        page.goto(f"{live_server}{path}&lang={language}")
        found[name] = axe_violations(page)

    assert found == dict.fromkeys(PAGES, [])


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
