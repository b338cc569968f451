"""The good-practice library in real Chromium: the French journey (a network member shares a
practice, a coordinator publishes it, a reader finds it by searching its Arabic title), and the
library's public pages' accessibility and phone width."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import axe_violations, sign_in, submit_and_wait, watch_for_problems

pytestmark = pytest.mark.browser

LIBRARY = "/ogp2021/bodies/african-open-government-network/practices"
TITLE_AR = "الميزانية التشاركية في البلديات"
TITLE_FR = "Le budget participatif des communes (exemple de test)"


def _french_page(chromium: Any, base: str) -> Any:
    page = chromium.new_context(locale="fr-FR", timezone_id="Africa/Casablanca").new_page()
    page.context.add_cookies([{"name": "summit_lang", "value": "fr", "url": base}])
    return page


def test_a_member_shares_a_practice_a_coordinator_publishes_it_and_arabic_search_finds_it(
    chromium: Any, live_server: str
) -> None:
    base = live_server
    member = _french_page(chromium, base)
    problems = watch_for_problems(member)
    sign_in(member, base, "delegate@example.org", LIBRARY)
    member.get_by_role("link", name="Partager une bonne pratique").click()
    member.fill("#title_fr", TITLE_FR)
    member.fill("#summary_fr", "Les habitants choisissent une part des investissements.")
    member.fill("#title_ar", TITLE_AR)
    member.fill("#summary_ar", "يختار السكان جزءًا من الاستثمارات.")
    member.select_option("#country_code", "MA")
    member.get_by_label("Espace civique et participation du public").check()
    submit_and_wait(member, lambda: member.click("#practice-form button[type=submit]"))
    assert member.url == f"{base}{LIBRARY}/mine"
    assert "En attente de modération" in member.locator("main").inner_text()

    coordinator = _french_page(chromium, base)
    sign_in(coordinator, base, "organiser@example.org", f"{LIBRARY}/moderation")
    coordinator.get_by_role("link", name=TITLE_FR).click()
    coordinator.get_by_label("La publier").check()
    submit_and_wait(coordinator, lambda: coordinator.click("#decision-form button[type=submit]"))
    assert coordinator.url == f"{base}{LIBRARY}/moderation"

    reader = _french_page(chromium, base)
    reader.goto(f"{base}{LIBRARY}")
    # Without the article and with another spelling of its last letter: the programme's rules.
    reader.fill("#q", "ميزانيه تشاركيه")
    submit_and_wait(reader, lambda: reader.click("form[role=search] button[type=submit]"))
    results = reader.locator(".practice-card")
    assert results.count() == 1
    assert TITLE_FR in results.inner_text()
    results.get_by_role("link").click()
    assert reader.locator("h1").inner_text() == TITLE_FR
    assert problems == []


@pytest.mark.parametrize("language", ["en", "ar"])
def test_library_pages_are_accessible_and_fit_a_phone(
    chromium: Any, live_server: str, language: str
) -> None:
    paths = [LIBRARY, f"{LIBRARY}?q=منصة", f"{LIBRARY}/1", f"{LIBRARY}/4"]
    page = chromium.new_context(
        bypass_csp=True, timezone_id="Asia/Seoul", viewport={"width": 390, "height": 844}
    ).new_page()
    found = {}
    widths = {}
    for path in paths:
        page.goto(f"{live_server}{path}{'&' if '?' in path else '?'}lang={language}")
        found[path] = axe_violations(page)
        widths[path] = page.evaluate("document.documentElement.scrollWidth")

    assert found == dict.fromkeys(paths, [])
    assert widths == dict.fromkeys(paths, 390)
