"""The session's room in real Chromium: the player appears when the session goes live, in the
delegate's language, and a delegate switches channel, all without a reload and under the CSP.

The providers' players are stood in for by the test (no network): each answers with a page
naming the address it was asked for."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from summit.agenda.models import ProgrammeSession, PublishedSession, SessionStatus
from summit.db import Database, create_db_engine
from tests.browser.helpers import axe_violations, sign_in, wait_until_live, watch_for_problems
from tests.conftest import sqlite_settings
from tests.servers import serving

pytestmark = pytest.mark.browser

EMBED = "https://www.youtube-nocookie.com/embed/"


def _session_id(database_file: Path, code: str) -> int:
    database = Database(create_db_engine(sqlite_settings(database_file)))
    try:
        with database.read() as db:
            found = db.exec(select(ProgrammeSession.id).where(ProgrammeSession.code == code)).one()
    finally:
        database.dispose()
    assert found is not None
    return found


@pytest.fixture
def demo_clock_server(tmp_path: Path, demo_database_file: Path) -> Iterator[str]:
    """The demo on its own clock, at the start ``summit demo`` gives it: the second day at
    10:15 in Seoul, seven hours and three quarters before the MENA dialogue."""
    database = tmp_path / "live.db"
    shutil.copyfile(demo_database_file, database)
    with serving(
        sqlite_settings(database).database_url,
        tmp_path / "server.log",
        environment={"SUMMIT_DEMO_NOW_AT": "2021-12-16T10:15:00+09:00"},
    ) as address:
        yield address


def _page(chromium: Any, **options: Any) -> Any:
    """A page whose YouTube player is a stand-in that shows the address it was loaded from."""
    context = chromium.new_context(timezone_id="Europe/Paris", **options)

    def stand_in(route: Any) -> None:
        route.fulfill(
            content_type="text/html",
            body=f"<!doctype html><title>player</title><p>{route.request.url}</p>",
        )

    context.route(f"{EMBED}**", stand_in)
    return context.new_page()


def _start(chromium: Any, base: str, session_id: int) -> Any:
    organiser = chromium.new_context(timezone_id="Asia/Seoul").new_page()
    sign_in(organiser, base, "organiser@example.org", f"/ogp2021/sessions/{session_id}")
    organiser.click(".live-console form:has(input[value=live]) button")
    return organiser


def test_a_french_delegate_sees_the_player_appear_on_the_french_channel(
    chromium: Any, demo_clock_server: str, tmp_path: Path
) -> None:
    mena = _session_id(tmp_path / "live.db", "MENA-DIALOGUE")
    delegate = _page(chromium, locale="fr-FR")
    problems = watch_for_problems(delegate)
    delegate.goto(f"{demo_clock_server}/ogp2021/sessions/{mena}?lang=fr")
    wait_until_live(delegate)
    delegate.evaluate("() => { window.__noReload = 1; }")
    countdown = delegate.locator(f"#player-{mena} [data-countdown]")
    countdown.wait_for()
    assert delegate.locator("iframe.player__frame").count() == 0
    # Counted on the demo's clock, not the browser's (which is years after the summit).
    assert countdown.inner_text() == "(dans 8 heures)"

    _start(chromium, demo_clock_server, mena)
    frame = delegate.locator(f"#player-{mena} iframe.player__frame")
    frame.wait_for(timeout=10_000)

    assert frame.get_attribute("src") == f"{EMBED}demo-mena-fr"
    assert delegate.locator("[data-channel=fr]").get_attribute("aria-pressed") == "true"
    assert delegate.frame_locator(f"#player-{mena} iframe").locator("p").inner_text() == (
        f"{EMBED}demo-mena-fr"
    )
    assert delegate.evaluate("() => window.__noReload") == 1
    assert problems == []


def test_an_arabic_delegate_switches_to_the_floor_and_keeps_it_through_a_push(
    chromium: Any, live_server: str, tmp_path: Path
) -> None:
    mena = _session_id(tmp_path / "live.db", "MENA-DIALOGUE")
    organiser = _start(chromium, live_server, mena)
    delegate = _page(chromium, locale="ar")
    problems = watch_for_problems(delegate)
    # The demo delegate's account speaks Arabic.
    sign_in(delegate, live_server, "delegate@example.org", f"/ogp2021/sessions/{mena}")
    wait_until_live(delegate)
    delegate.evaluate("() => { window.__noReload = 1; }")
    frame = delegate.locator(f"#player-{mena} iframe.player__frame")
    assert delegate.locator("html").get_attribute("dir") == "rtl"
    assert frame.get_attribute("src") == f"{EMBED}demo-mena-ar"

    delegate.click(f"#player-{mena} [data-channel=floor]")
    delegate.wait_for_function(
        f"() => document.querySelector('#player-{mena} iframe').src.endsWith('demo-mena-fl')"
    )
    assert delegate.locator("[data-channel=floor]").get_attribute("aria-pressed") == "true"
    assert delegate.locator("[data-channel=ar]").get_attribute("aria-pressed") == "false"
    assert "القاعة" in delegate.locator("[data-channel-now]").inner_text()

    # The organiser announces a delay: the session's block is pushed again, and the choice holds.
    organiser.fill("#delay_minutes", "10")
    organiser.click(".live-console form.inline-fields button[type=submit]")
    delegate.locator("#session-page .badge--late").wait_for(timeout=10_000)
    delegate.wait_for_function(
        f"() => document.querySelector('#player-{mena} iframe').src.endsWith('demo-mena-fl')"
    )
    assert delegate.evaluate("() => window.__noReload") == 1
    assert problems == []


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_room_its_form_polls_and_presenter_view_pass_axe_and_fit_a_phone(
    chromium: Any, live_server: str, tmp_path: Path, language: str
) -> None:
    mena = _session_id(tmp_path / "live.db", "MENA-DIALOGUE")
    organiser = _start(chromium, live_server, mena)
    organiser.context.close()
    page = _page(chromium, bypass_csp=True, viewport={"width": 390, "height": 844})
    sign_in(page, live_server, "organiser@example.org", "/ogp2021/")
    found = {}
    for name, path in (
        ("room", f"/ogp2021/sessions/{mena}"),
        ("form", f"/ogp2021/manage/sessions/{mena}"),
        ("polls", f"/ogp2021/sessions/{mena}/polls"),
        ("present", f"/ogp2021/sessions/{mena}/present"),
    ):
        page.goto(f"{live_server}{path}?lang={language}")
        page.locator("main").wait_for()
        sideways = page.evaluate(
            "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        found[name] = (axe_violations(page), sideways)

    assert found == dict.fromkeys(("room", "form", "polls", "present"), ([], False))


HLS = "https://video.example.org/live/mena-floor.m3u8"
PLAYLIST = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nsegment0.ts\n"


@pytest.fixture
def hls_server(tmp_path: Path, demo_database_file: Path) -> Iterator[tuple[str, int]]:
    """A server that allows the summit's own HLS origin, with the MENA dialogue live and its
    floor on it (the French channel stays on YouTube)."""
    database_file = tmp_path / "live.db"
    shutil.copyfile(demo_database_file, database_file)
    mena = _session_id(database_file, "MENA-DIALOGUE")
    database = Database(create_db_engine(sqlite_settings(database_file)))
    with database.write() as db:
        for row in (db.get(ProgrammeSession, mena), db.get(PublishedSession, mena)):
            assert row is not None
            row.channels = {"floor": HLS, "fr": f"{EMBED}demo-mena-fr"}
            row.status = SessionStatus.LIVE
            db.add(row)
    database.dispose()
    with serving(
        sqlite_settings(database_file).database_url,
        tmp_path / "server.log",
        environment={
            "SUMMIT_STREAM_PROVIDERS": "youtube-nocookie,vimeo,hls",
            "SUMMIT_HLS_ORIGINS": "https://video.example.org",
        },
    ) as address:
        yield address, mena


def test_a_self_hosted_hls_stream_plays_through_the_vendored_hls_js_under_the_csp(
    chromium: Any, hls_server: tuple[str, int]
) -> None:
    base, mena = hls_server
    page = _page(chromium)
    asked: list[str] = []

    def stream(route: Any) -> None:
        asked.append(route.request.url)
        if route.request.url == HLS:
            route.fulfill(content_type="application/vnd.apple.mpegurl", body=PLAYLIST)
        else:  # a segment: nothing to play, which hls.js takes quietly
            route.fulfill(content_type="video/mp2t", body=b"")

    page.context.route("https://video.example.org/**", stream)
    # This Chromium plays HLS itself (as Safari does, and the page then lets it); pretend it
    # cannot, as Firefox and older Chromiums cannot, so that the page turns to hls.js.
    page.add_init_script("HTMLMediaElement.prototype.canPlayType = () => '';")
    problems = watch_for_problems(page)
    page.goto(f"{base}/ogp2021/sessions/{mena}?lang=en")

    # hls.js (loaded only now, from static/vendor) fetches the playlist and hands the video
    # to the page's <video> through a blob: address: the CSP allows both, and nothing else.
    video = f"#player-{mena} video.player__frame"
    page.wait_for_function(
        f"() => {{ const v = document.querySelector('{video}');"
        " return !!v && [v.src, v.currentSrc].some((src) => (src || '').startsWith('blob:')); }"
    )
    assert asked[0] == HLS
    assert page.evaluate("() => typeof window.Hls") == "function"
    assert page.locator("script[src*='/static/vendor/hls.js/hls.light.min.js']").count() == 1

    page.click(f"#player-{mena} [data-channel=fr]")
    page.locator(f"#player-{mena} iframe.player__frame[src='{EMBED}demo-mena-fr']").wait_for()
    page.click(f"#player-{mena} [data-channel=floor]")
    page.locator(video).wait_for()
    assert problems == []
