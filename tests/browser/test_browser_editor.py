"""The schedule editor as an organiser sees it: no card clips its title, time or menu, however
short its session; a long stream name stays inside its heading; a short card's actions open
from its menu above the other cards; the unscheduled shelf stays in view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from summit.agenda.models import Stream
from summit.db import Database, create_db_engine
from tests.browser.helpers import sign_in
from tests.conftest import sqlite_settings

pytestmark = pytest.mark.browser

EDITOR = "/ogp2021/manage/schedule?day=2021-12-15"
LONG_NAME = (
    "Dialogue room of the heads of state and government, with interpretation in six languages"
)

CLIPPED = """() => {
  const clipped = [];
  for (const card of document.querySelectorAll(".day-grid--editor .editor-session")) {
    const box = card.getBoundingClientRect();
    const parts = ".editor-session__title, .editor-session__when, .editor-session__menu-button";
    for (const part of card.querySelectorAll(parts)) {
      const inner = part.getBoundingClientRect();
      const outside = inner.bottom > box.bottom + 1 || inner.right > box.right + 1
        || inner.left < box.left - 1;
      if (inner.height === 0 || outside) {
        clipped.push(card.id + " " + part.className);
      }
    }
  }
  return clipped;
}"""
HEADINGS_OVERLAP = """() => {
  const first = Math.min(...[...document.querySelectorAll(".day-grid--editor .editor-session")]
    .map((card) => card.getBoundingClientRect().top));
  return [...document.querySelectorAll(".day-grid--editor .day-grid__stream")]
    .filter((heading) => heading.getBoundingClientRect().bottom > first + 1)
    .map((heading) => heading.textContent.trim());
}"""


def _editor(chromium: Any, live_server: str, *, width: int = 1280) -> Any:
    """The organiser's schedule editor, in Seoul's time, ``width`` pixels wide."""
    page = chromium.new_context(
        viewport={"width": width, "height": 800}, timezone_id="Asia/Seoul", locale="en-GB"
    ).new_page()
    sign_in(page, live_server, "organiser@example.org", EDITOR)
    return page


def _lengthen_a_stream_name(tmp_path: Path) -> None:
    database = Database(create_db_engine(sqlite_settings(tmp_path / "live.db")))
    with database.write() as db:
        stream = db.exec(select(Stream).where(Stream.slug == "dialogue")).one()
        stream.name = {"en": LONG_NAME}
    database.dispose()


@pytest.mark.parametrize("width", [1280, 390])
def test_no_editor_card_clips_and_long_stream_names_stay_in_their_heading(
    chromium: Any, live_server: str, tmp_path: Path, width: int
) -> None:
    _lengthen_a_stream_name(tmp_path)
    page = _editor(chromium, live_server, width=width)

    assert page.locator(".editor-session--short").count() > 0
    assert page.evaluate(CLIPPED) == []
    assert page.evaluate(HEADINGS_OVERLAP) == []
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")


def test_a_short_cards_actions_open_from_its_menu_and_the_shelf_stays_in_view(
    chromium: Any, live_server: str
) -> None:
    page = _editor(chromium, live_server)
    card = page.locator(".editor-session--short").first
    card_id = card.get_attribute("id")
    before = card.locator(".editor-session__when").inner_text()

    card.locator(".editor-session__menu-button").click()
    longer = card.get_by_role("button", name="15 minutes longer")
    longer.scroll_into_view_if_needed()
    box = longer.bounding_box()
    assert box is not None
    # Nothing covers the menu: the point at its middle belongs to the menu's own button.
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y)?.textContent.trim()",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    longer.click()
    page.wait_for_function(
        "([id, before]) => document.querySelector('#' + id + ' .editor-session__when')"
        "?.textContent !== before",
        arg=[card_id, before],
    )
    page.mouse.wheel(0, 2000)
    page.wait_for_function("() => scrollY > 500")
    shelf = page.locator(".editor-sidebar").bounding_box()

    assert on_top == "15 minutes longer"
    assert shelf is not None and 0 <= shelf["y"] < 100


def test_a_card_moves_by_its_handle_with_pointer_events(chromium: Any, live_server: str) -> None:
    page = _editor(chromium, live_server)
    card = page.locator(".editor-session", has_text="Official opening")
    card_id = card.get_attribute("id")
    slot = page.locator('.slot[data-stream-id="4"][data-start="09:15"]')
    slot.scroll_into_view_if_needed()
    handle = card.locator(".editor-session__handle").bounding_box()
    target = slot.bounding_box()
    assert handle is not None and target is not None

    # What a finger does, with the pointer events a touch screen sends: no drag and drop.
    page.evaluate("() => document.addEventListener('drop', () => { window.nativeDrop = true; })")
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + 2, steps=8)
    page.mouse.up()
    page.wait_for_function(
        "id => document.querySelector('#' + id + ' .editor-session__when')"
        "?.textContent.includes('9:15')",
        arg=card_id,
    )

    moved = page.locator(f"#{card_id} .editor-session__when").inner_text()
    assert moved.startswith("9:15")
    assert page.evaluate("() => window.nativeDrop === undefined")


def test_after_a_keyboard_move_focus_stays_on_the_moved_card(
    chromium: Any, live_server: str
) -> None:
    page = _editor(chromium, live_server)
    card = page.locator(".editor-session", has_text="Official opening")
    card_id = card.get_attribute("id")
    menu = card.locator(".editor-session__menu-button")

    # The keyboard's way: focus the card's menu, open it, go to "15 minutes later", press it.
    menu.focus()
    page.keyboard.press("Enter")
    later = card.get_by_role("button", name="15 minutes later")
    later.wait_for()
    later.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "id => document.querySelector('#' + id + ' .editor-session__when')"
        "?.textContent.startsWith('9:15')",
        arg=card_id,
    )
    page.wait_for_function(
        "id => document.activeElement?.closest('.editor-session')?.id === id", arg=card_id
    )
    page.keyboard.press("Enter")  # the focused menu button opens the moved card's menu again

    assert card.locator(".editor-session__menu").get_attribute("open") is not None


def test_a_session_is_resized_by_dragging_its_end_edge(chromium: Any, live_server: str) -> None:
    page = _editor(chromium, live_server)
    card = page.locator(".editor-session", has_text="Official opening")
    card_id = card.get_attribute("id")
    before = card.locator(".editor-session__when").inner_text()
    edge = card.locator(".editor-session__resize").bounding_box()
    # The slot of the same stream that starts at 10:45: dropping in its lower half ends the
    # session at 11:00 (it ran from 9:00 to 10:30).
    slot = page.locator('.slot[data-stream-id="1"][data-start="10:45"]').bounding_box()
    assert edge is not None and slot is not None

    page.mouse.move(edge["x"] + edge["width"] / 2, edge["y"] + edge["height"] / 2)
    page.mouse.down()
    page.mouse.move(edge["x"] + edge["width"] / 2, slot["y"] + slot["height"] * 0.75, steps=8)
    page.mouse.up()
    page.wait_for_function(
        "id => document.querySelector('#' + id + ' .editor-session__when')"
        "?.textContent.includes('11:00')",
        arg=card_id,
    )

    assert before.startswith("9:00") and "10:30" in before
    assert page.locator(f"#{card_id} .editor-session__when").inner_text().startswith("9:00")
