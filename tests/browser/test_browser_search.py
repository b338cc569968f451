"""A delegate types into the programme's search, in English and in Arabic."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.helpers import watch_for_problems

pytestmark = pytest.mark.browser

FIRST_TITLE = (
    "() => document.querySelector('#programme-results .session-card__title')?.textContent.trim()"
)


def test_typing_african_network_finds_the_launch_of_the_network(
    chromium: Any, live_server: str
) -> None:
    page = chromium.new_context(timezone_id="Europe/Paris", locale="en-GB").new_page()
    problems = watch_for_problems(page)
    page.goto(f"{live_server}/ogp2021/programme")
    marker = page.evaluate("() => { window.__noReload = 7; return window.__noReload; }")

    page.locator("#q").press_sequentially("african network", delay=20)
    page.wait_for_function(
        f"() => ({FIRST_TITLE})() === 'Launch of the African Open Government Network'"
    )

    assert page.evaluate("() => window.__noReload") == marker
    assert parse_qs(urlsplit(page.url).query)["q"] == ["african network"]  # in the history
    assert "best matches first" in page.locator("#programme-results").inner_text()
    assert problems == []


def test_an_arabic_query_in_other_spellings_finds_its_session(
    chromium: Any, live_server: str
) -> None:
    page = chromium.new_context(timezone_id="Africa/Casablanca", locale="ar-MA").new_page()
    problems = watch_for_problems(page)
    page.goto(f"{live_server}/ogp2021/programme?lang=ar")

    # Taa marbuta written as haa, alef without its hamza, a shadda: the title is written
    # "إطلاق الشبكة الإفريقية للحكومة المفتوحة".
    page.locator("#q").press_sequentially("الشبكه الافريقيّة", delay=20)
    page.wait_for_function(f"() => ({FIRST_TITLE})() === 'إطلاق الشبكة الإفريقية للحكومة المفتوحة'")

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert problems == []
