"""A delegate's account speaks Arabic: signing in shows Arabic; choosing French and New York
time on the preferences page changes every page, and follows the account to another device."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import sign_in, watch_for_problems

pytestmark = pytest.mark.browser


def _opening_time(page: Any) -> str:
    """The viewer's start time of the opening session, as the programme shows it."""
    card = page.locator(".session-card", has_text="Ouverture officielle")
    return str(card.locator(".session-time time").first.inner_text())


def test_a_delegate_signs_in_to_arabic_and_chooses_french_and_new_york(
    chromium: Any, live_server: str
) -> None:
    # A browser in English, in Paris: what it says loses to the account once signed in.
    laptop = chromium.new_context(locale="en-GB", timezone_id="Europe/Paris").new_page()
    problems = watch_for_problems(laptop)
    laptop.goto(f"{live_server}/ogp2021/")
    assert laptop.get_attribute("html", "lang") == "en"

    sign_in(laptop, live_server, "delegate@example.org", "/ogp2021/programme")
    arabic = (laptop.get_attribute("html", "lang"), laptop.get_attribute("html", "dir"))
    laptop.click(".account-menu summary")  # the account's menu opens first
    laptop.click(".account-menu a[href^='/preferences']")
    laptop.wait_for_url(f"{live_server}/preferences?next=/ogp2021/programme")
    laptop.select_option("#language", "fr")
    laptop.select_option("#timezone", "America/New_York")
    laptop.click("#preferences-form button[type=submit]")
    laptop.wait_for_url(f"{live_server}/ogp2021/programme")
    footer = laptop.locator(".site-footer").inner_text()
    # 09:00 in Seoul is 19:00 the evening before in New York.
    opening = _opening_time(laptop)
    laptop.goto(f"{live_server}/ogp2021/speakers")
    speakers_language = laptop.get_attribute("html", "lang")

    # Another device, another browser language and zone: the account's choice follows.
    phone = chromium.new_context(
        locale="ar", timezone_id="Asia/Seoul", viewport={"width": 390, "height": 844}
    ).new_page()
    problems += watch_for_problems(phone)
    sign_in(phone, live_server, "delegate@example.org", "/ogp2021/programme")
    phone_language = phone.get_attribute("html", "lang")
    phone_opening = _opening_time(phone)

    assert arabic == ("ar", "rtl")
    assert laptop.get_attribute("html", "lang") == "fr"
    assert "America/New_York" in footer
    assert opening == "19:00"
    assert speakers_language == "fr"
    assert (phone_language, phone_opening) == ("fr", "19:00")
    assert problems == []


def test_a_wrong_zone_is_shown_beside_its_field(chromium: Any, live_server: str) -> None:
    page = chromium.new_context(locale="en-GB", timezone_id="UTC").new_page()
    problems = watch_for_problems(page)
    sign_in(page, live_server, "organiser@example.org", "/preferences")
    # A zone the list does not offer (an old bookmark, a tampered form).
    page.evaluate(
        "() => { const o = document.createElement('option'); o.value = 'Mars/Base';"
        " o.textContent = 'Mars'; document.querySelector('#timezone').append(o); }"
    )
    page.select_option("#timezone", "Mars/Base")
    page.click("#preferences-form button[type=submit]")
    error = page.locator("#timezone-error")
    error.wait_for()

    assert error.inner_text() == "Choose a time zone from the list."
    assert page.get_attribute("#timezone", "aria-describedby") == "timezone-error"
    # 422 is the expected answer; the browser logs the status, nothing else.
    assert [problem for problem in problems if "422" not in problem] == []
