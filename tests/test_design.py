"""The design system's page (summit/web/design_routes.py): every component, in each language."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

SECTIONS = ["tokens", "buttons", "badges", "navigation", "cards", "notices", "forms", "tables"]
SECTIONS += ["menus", "empty"]


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_the_design_page_shows_every_component(
    organiser: TestClient, language: str, direction: str
) -> None:
    page = organiser.get(f"/ogp2021/_design?lang={language}")

    assert page.status_code == 200
    assert f'<html lang="{language}" dir="{direction}">' in page.text
    assert [
        name for name in SECTIONS if f'<section id="{name}" class="design-section"' in page.text
    ] == SECTIONS
    for component in ("error-summary", "language-fields", "field-row", "dropdown", "empty-state"):
        assert f'class="{component}' in page.text
    assert page.text.count('class="swatch"') == 15  # twelve colours and three radii


def test_the_console_leads_to_the_design_page(organiser: TestClient) -> None:
    console = organiser.get("/ogp2021/manage/")

    assert 'href="/ogp2021/_design"' in console.text
