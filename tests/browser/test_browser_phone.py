"""Every main page at every size: at 360x740, 390x844, 768x1024 and 1280x800, in English and
Arabic, for the public, a delegate, a juror and an organiser, no page scrolls sideways, nothing
in the header overlaps, no schedule-editor card clips, and axe-core finds nothing serious. The
other pages each role reaches are read at 360px for sideways scrolling. The header folds into a
menu button on a phone and fits on one row at 1280px. Screenshots are kept as test artefacts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import axe_violations, sign_in

pytestmark = pytest.mark.browser

ARTEFACTS = Path(
    os.environ.get("SUMMIT_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts")
)
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
SIZES = [PHONE, {"width": 390, "height": 844}, {"width": 768, "height": 1024}, DESKTOP]
AWARD = "/ogp2021/manage/awards/open-gov-award-local-innovation-2021"
LIBRARY = "/ogp2021/bodies/african-open-government-network/practices"

# The main pages, by name, that each role reaches.
PUBLIC_MAIN = {
    "home": "/ogp2021/",
    "programme": "/ogp2021/programme",
    "grid": "/ogp2021/programme/grid?day=2021-12-15",
    "session": "/ogp2021/sessions/1",
    "speaker": "/ogp2021/speakers/aziz-akhannouch",
    "delegation": "/ogp2021/delegations/morocco",
    "changes": "/ogp2021/changes",
}
SIGNED_IN_MAIN = {**PUBLIC_MAIN, "agenda": "/ogp2021/agenda"}
MAIN = {
    "public": PUBLIC_MAIN,
    "delegate": SIGNED_IN_MAIN,
    "juror": {
        **SIGNED_IN_MAIN,
        "jury-queue": "/ogp2021/jury",
        "scoresheet": "/ogp2021/jury/{submission}",
    },
    "organiser": {
        **SIGNED_IN_MAIN,
        "schedule-editor": "/ogp2021/manage/schedule?day=2021-12-15",
        "award-admin": AWARD,
        "people": "/ogp2021/manage/people",
    },
    # A speaker's own page (their profile, availability, sessions and slides).
    "speaker": {"speaker-portal": "/ogp2021/me"},
}
# The other pages each role reaches, read at 360px only.
OTHERS = {
    "public": [
        "/ogp2021/now",
        "/ogp2021/speakers",
        "/ogp2021/delegations",
        "/ogp2021/bodies",
        LIBRARY,
        f"{LIBRARY}?q=منصة",
        f"{LIBRARY}/1",
        "/signin",
    ],
    "delegate": ["/preferences", "/account/password", f"{LIBRARY}/new", f"{LIBRARY}/mine"],
    "juror": [],
    "speaker": ["/ogp2021/sessions/1/slides"],
    "organiser": [
        "/ogp2021/manage/",
        "/ogp2021/manage/sessions/new",
        "/ogp2021/manage/sessions/1",
        "/ogp2021/manage/publish",
        "/ogp2021/manage/streams",
        "/ogp2021/manage/members",
        "/ogp2021/manage/invitations",
        "/ogp2021/manage/audit",
        "/ogp2021/manage/tokens",
        "/ogp2021/manage/awards",
        f"{AWARD}/rubric",
        f"{AWARD}/rounds",
        f"{AWARD}/submissions",
        f"{AWARD}/jury",
        f"{AWARD}/results",
        f"{LIBRARY}/moderation",
        f"{LIBRARY}/5/moderation",
        "/ogp2021/_design",
    ],
}
ACCOUNTS = {
    "public": None,
    "delegate": "delegate@example.org",
    "juror": "juror1@example.org",
    "organiser": "organiser@example.org",
    "speaker": "speaker@example.org",
}

# Boxes that scroll inside themselves on purpose (tabs, the editor's grid): what they hold may
# run past the screen's edge without the page scrolling sideways.
INSIDE = ".table-scroll, .day-grid--editor, .tabs, .view-tabs, .day-tabs, .jump-links"
SIDEWAYS = """() => {
  if (document.documentElement.scrollWidth <= innerWidth) { return []; }
  const skipped = "[hidden], .visually-hidden, INSIDE";
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((element) => {
      const box = element.getBoundingClientRect();
      return box.width > 0 && (box.right > width + 1 || box.left < -1)
        && element.checkVisibility() && !element.matches(".skip-link")
        && !element.closest(skipped);
    })
    .slice(0, 4)
    .map((element) => element.tagName + "." + element.className);
  return [`scrolls sideways: ${document.documentElement.scrollWidth} > ${innerWidth}`, ...wide];
}""".replace("INSIDE", INSIDE)
# The header's items as a reader sees them: the name, the menu button, and each link of its
# navigation, account and language rows (a row holds its links, so rows are not compared).
HEADER_OVERLAPS = """() => {
  const items = [...document.querySelectorAll(
    ".site-header .brand, .site-menu__button, .site-nav > *, .account-menu__name,"
    + " .account-menu > a, .language-switcher > *")]
    .filter((item) => item.checkVisibility() && item.getBoundingClientRect().width > 0
      && !item.closest(".site-menu__panel .dropdown__panel"));
  const found = [];
  items.forEach((one, index) => {
    const a = one.getBoundingClientRect();
    for (const other of items.slice(index + 1)) {
      const b = other.getBoundingClientRect();
      if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1
          && b.top < a.bottom - 1) {
        found.push(`header: ${one.textContent.trim()} overlaps ${other.textContent.trim()}`);
      }
    }
  });
  return found;
}"""
# A card clips when its body's content runs past the body (the title may be clamped to its
# lines on purpose, so the clamp's own overflow does not count), when its time does not fit,
# or when its title, time or menu button is outside the card.
CLIPPED_CARDS = """() => {
  const found = [];
  for (const card of document.querySelectorAll(".day-grid--editor .editor-session")) {
    const box = card.getBoundingClientRect();
    const body = card.querySelector(".editor-session__body");
    const when = card.querySelector(".editor-session__when");
    const title = card.querySelector(".editor-session__title");
    if (body.scrollHeight > body.clientHeight + 1 || body.scrollWidth > body.clientWidth + 1) {
      found.push(`${card.id}: its content overflows`);
    }
    if (when.scrollWidth > when.offsetWidth + 1 || title.scrollWidth > title.clientWidth + 1) {
      found.push(`${card.id}: its time or title is cut sideways`);
    }
    for (const part of [title, when, card.querySelector(".editor-session__menu-button")]) {
      const inner = part.getBoundingClientRect();
      if (inner.height === 0 || inner.bottom > box.bottom + 1 || inner.top < box.top - 1
          || inner.right > box.right + 1 || inner.left < box.left - 1) {
        found.push(`${card.id}: ${part.className} is clipped`);
      }
    }
  }
  return found;
}"""


def _address(base: str, path: str, language: str) -> str:
    return f"{base}{path}{'&' if '?' in path else '?'}lang={language}"


def _problems(page: Any) -> list[str]:
    found: list[str] = []
    for check in (SIDEWAYS, HEADER_OVERLAPS, CLIPPED_CARDS):
        found += page.evaluate(check)
    return found + axe_violations(page)


_SESSIONS: dict[tuple[str, str], Any] = {}


def _signed_in(chromium: Any, base: str, email: str) -> Any:
    """The cookies of one sign-in per account and server, shared by the contexts of every size
    and language: signing in eight times a minute from one address is refused (5 a minute,
    docs/security.md), as it should be."""
    key = (base, email)
    if key not in _SESSIONS:
        context = chromium.new_context()
        sign_in(context.new_page(), base, email, "/ogp2021/")
        _SESSIONS[key] = context.storage_state()
        context.close()
    return _SESSIONS[key]


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size['width']}x{size['height']}")
@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("role", list(MAIN))
def test_every_main_page_fits_and_passes_axe(
    chromium: Any,
    reading_server: tuple[str, int],
    role: str,
    language: str,
    size: dict[str, int],
) -> None:
    base, submission = reading_server
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    # Axe is added by the test, not served by the app: the context bypasses the CSP for it.
    email = ACCOUNTS[role]
    context = chromium.new_context(
        viewport=size,
        timezone_id="Asia/Seoul",
        bypass_csp=True,
        storage_state=_signed_in(chromium, base, email) if email else None,
    )
    page = context.new_page()
    label = f"{size['width']}x{size['height']}"
    found: dict[str, list[str]] = {}
    for name, path in MAIN[role].items():
        page.goto(_address(base, path.format(submission=submission), language))
        page.screenshot(path=str(ARTEFACTS / f"{label}-{role}-{language}-{name}.png"))
        problems = _problems(page)
        if problems:
            found[name] = problems
    for path in OTHERS[role] if size == PHONE else []:
        page.goto(_address(base, path, language))
        name = path.strip("/").replace("/", "-")
        page.screenshot(path=str(ARTEFACTS / f"{label}-{role}-{language}-{name}.png"))
        problems = page.evaluate(SIDEWAYS)
        if problems:
            found[path] = problems
    context.close()

    assert found == {}


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
@pytest.mark.parametrize(
    "email", ["organiser@example.org", "juror2@example.org", "speaker@example.org"]
)
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
