"""Phone first: at 360px no main page scrolls sideways, for the public, a delegate, an organiser
and a juror; the header folds into a menu button there, and a signed-in header fits on one row
at 1280px. Screenshots of the phone pages are kept as test artefacts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

ARTEFACTS = Path(
    os.environ.get("SUMMIT_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts")
)
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
AWARD = "/ogp2021/manage/awards/open-gov-award-local-innovation-2021"
LIBRARY = "/ogp2021/bodies/african-open-government-network/practices"

PUBLIC = [
    "/ogp2021/",
    "/ogp2021/programme",
    "/ogp2021/programme/grid?day=2021-12-15",
    "/ogp2021/now",
    "/ogp2021/changes",
    "/ogp2021/sessions/1",
    "/ogp2021/speakers",
    "/ogp2021/speakers/aziz-akhannouch",
    "/ogp2021/delegations",
    "/ogp2021/delegations/morocco",
    f"{LIBRARY}",
    f"{LIBRARY}?q=منصة",
    f"{LIBRARY}/1",
    "/signin",
]
DELEGATE = [
    "/ogp2021/agenda",
    "/ogp2021/sessions/1",
    "/preferences",
    "/account/password",
    f"{LIBRARY}/new",
    f"{LIBRARY}/mine",
]
ORGANISER = [
    "/ogp2021/manage/",
    "/ogp2021/manage/schedule?day=2021-12-15",
    "/ogp2021/manage/sessions/new",
    "/ogp2021/manage/sessions/1",
    "/ogp2021/manage/publish",
    "/ogp2021/manage/streams",
    "/ogp2021/manage/people",
    "/ogp2021/manage/members",
    "/ogp2021/manage/invitations",
    "/ogp2021/manage/audit",
    "/ogp2021/manage/tokens",
    "/ogp2021/manage/awards",
    AWARD,
    f"{AWARD}/rubric",
    f"{AWARD}/rounds",
    f"{AWARD}/submissions",
    f"{AWARD}/jury",
    f"{AWARD}/results",
    f"{LIBRARY}/moderation",
    f"{LIBRARY}/5/moderation",
    "/ogp2021/_design",
]
ROLES = {
    "public": (None, PUBLIC),
    "delegate": ("delegate@example.org", DELEGATE),
    "organiser": ("organiser@example.org", ORGANISER),
    "juror": ("juror1@example.org", ["/ogp2021/jury", "/ogp2021/jury/{submission}"]),
}

# Boxes that scroll inside themselves on purpose (tabs, the editor's grid): what they hold may
# run past the screen's edge without the page scrolling sideways.
INSIDE = ".table-scroll, .day-grid--editor, .tabs, .view-tabs, .day-tabs, .jump-links"
WIDER_THAN_THE_SCREEN = """() => {
  const skipped = "[hidden], .visually-hidden, INSIDE";
  const width = document.documentElement.clientWidth;
  const page = document.documentElement.scrollWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((element) => {
      const box = element.getBoundingClientRect();
      return box.width > 0 && (box.right > width + 1 || box.left < -1)
        && element.checkVisibility() && !element.matches(".skip-link")
        && !element.closest(skipped);
    })
    .slice(0, 4)
    .map((element) => element.tagName + "." + element.className);
  return {page, width: innerWidth, wide};
}""".replace("INSIDE", INSIDE)


def _visit(page: Any, base: str, path: str, language: str) -> dict[str, Any]:
    page.goto(f"{base}{path}{'&' if '?' in path else '?'}lang={language}")
    found: dict[str, Any] = page.evaluate(WIDER_THAN_THE_SCREEN)
    return found


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("role", list(ROLES))
def test_no_page_scrolls_sideways_at_360px(
    chromium: Any, judging_server: tuple[str, int], role: str, language: str
) -> None:
    base, submission = judging_server
    email, paths = ROLES[role]
    page = chromium.new_context(viewport=PHONE, timezone_id="Asia/Seoul").new_page()
    if email:
        sign_in(page, base, email, "/ogp2021/")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    overflowing = {}
    for path in paths:
        path = path.format(submission=submission)
        found = _visit(page, base, path, language)
        name = path.strip("/").replace("/", "-").split("?")[0] or "index"
        page.screenshot(path=str(ARTEFACTS / f"phone-{role}-{language}-{name}.png"))
        if found["page"] > found["width"]:
            overflowing[path] = found

    assert overflowing == {}


def test_the_header_folds_into_a_menu_on_a_phone(chromium: Any, live_server: str) -> None:
    page = chromium.new_context(viewport=PHONE).new_page()
    sign_in(page, live_server, "organiser@example.org", "/ogp2021/")
    programme_link = page.locator(".site-nav a", has_text="Programme")
    hidden_at_first = not programme_link.is_visible()
    header_height = page.locator(".site-header").bounding_box()["height"]

    page.locator(".site-menu__button").click()
    programme_link.wait_for(state="visible")
    sign_out_shown = page.locator(".account-menu button[type=submit]").is_visible()
    page.keyboard.press("Escape")

    assert hidden_at_first
    assert header_height < 80  # one row: the summit's name and the menu button
    assert sign_out_shown  # the account's actions need no second click on a phone
    programme_link.wait_for(state="hidden")


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
@pytest.mark.parametrize("email", ["organiser@example.org", "juror2@example.org"])
def test_a_signed_in_header_fits_on_one_row_at_1280px(
    chromium: Any, live_server: str, email: str, language: str
) -> None:
    page = chromium.new_context(viewport=DESKTOP).new_page()
    sign_in(page, live_server, email, "/ogp2021/")
    page.goto(f"{live_server}/ogp2021/?lang={language}")
    boxes = [
        page.locator(selector).bounding_box()
        for selector in (".brand", ".site-nav", ".account-menu", ".language-switcher")
    ]

    assert page.locator(".site-menu__button").is_hidden()
    tops = {round(box["y"] + box["height"] / 2) for box in boxes if box}
    assert len(boxes) == 4 and max(tops) - min(tops) <= 4, boxes
