"""The session's room: players from allowed providers only (and the CSP that frames them), the
viewer's channel first, a countdown before, the player live, the recording after, on open pages
too, and no inline script or style."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from summit.agenda.models import PublishedSession, SessionStatus
from summit.agenda.players import DEFAULT_PLAYERS, PlayerPolicy, channel_for
from summit.app import create_app
from summit.columns import utcnow
from summit.db import Database
from summit.settings import Settings
from tests.conftest import (
    BASE_URL,
    DURING_THE_SUMMIT,
    another_browser,
    htmx_post,
    make_client,
    receive_until,
    sqlite_settings,
)
from tests.room_support import MENA_AR, MENA_EN, MENA_FLOOR, MENA_FR, _session_id

WS = BASE_URL.replace("http://", "ws://")


def _frame(page: str) -> str | None:
    found = re.search(r'<iframe class="player__frame" src="([^"]+)"', page)
    return found.group(1) if found else None


def _set_status(organiser: TestClient, session_id: int, status: str) -> None:
    answer = htmx_post(
        organiser, f"/ogp2021/manage/sessions/{session_id}/status", {"status": status}
    )
    assert answer.status_code == 204


@pytest.mark.parametrize(
    ("url", "src"),
    [
        (
            "https://www.youtube.com/watch?v=abcDEF12345",
            "https://www.youtube-nocookie.com/embed/abcDEF12345",
        ),
        ("https://youtu.be/abcDEF12345", "https://www.youtube-nocookie.com/embed/abcDEF12345"),
        (
            "https://www.youtube.com/live/abcDEF12345",
            "https://www.youtube-nocookie.com/embed/abcDEF12345",
        ),
        (
            "https://www.youtube-nocookie.com/embed/abcDEF12345",
            "https://www.youtube-nocookie.com/embed/abcDEF12345",
        ),
        ("https://vimeo.com/123456", "https://player.vimeo.com/video/123456"),
        ("https://player.vimeo.com/video/123456", "https://player.vimeo.com/video/123456"),
    ],
)
def test_allowed_addresses_play_through_their_embed(url: str, src: str) -> None:
    embed = DEFAULT_PLAYERS.embed(url)

    assert embed is not None
    assert (embed.src, embed.kind) == (src, "frame")


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/embed/abcDEF12345",
        "http://www.youtube.com/watch?v=abcDEF12345",
        "https://www.youtube.com.evil.example/embed/abcDEF12345",
        "https://user@www.youtube-nocookie.com/embed/abcDEF12345",
        "https://www.youtube.com/watch?v=<script>",
        "https://vimeo.com/channels/staff",
        "https://video.example.org/live/stream.m3u8",
        "javascript:alert(1)",
    ],
)
def test_addresses_of_other_providers_play_nowhere(url: str) -> None:
    assert DEFAULT_PLAYERS.embed(url) is None


def test_an_hls_stream_plays_only_from_the_origins_allowed() -> None:
    players = PlayerPolicy.parse("hls", "https://video.example.org")

    embed = players.embed("https://video.example.org/live/stream.m3u8")

    assert embed is not None and embed.kind == "hls"
    assert players.embed("https://other.example.org/live/stream.m3u8") is None
    assert players.embed("https://www.youtube.com/watch?v=abcDEF12345") is None
    assert players.frame_sources == []
    assert players.media_sources == ["https://video.example.org", "blob:"]


def test_the_viewer_hears_their_language_else_the_floor() -> None:
    channels = {"floor": "a", "fr": "b", "ar": "c"}

    assert channel_for(channels, "fr") == "fr"
    assert channel_for(channels, "ar") == "ar"
    assert channel_for(channels, "en") == "floor"
    assert channel_for({"es": "d"}, "en") == "es"


def _policy(header: str) -> dict[str, str]:
    return {
        name: value
        for name, _, value in (part.strip().partition(" ") for part in header.split(";"))
    }


def test_the_csp_frames_the_allowed_providers_and_nothing_else(client: TestClient) -> None:
    policy = _policy(client.get("/ogp2021/").headers["content-security-policy"])

    assert policy["frame-src"] == "https://www.youtube-nocookie.com https://player.vimeo.com"
    assert policy["media-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["script-src"] == "'self'"


def test_the_csp_follows_the_settings(tmp_path: Path) -> None:
    settings: Settings = sqlite_settings(
        tmp_path / "summit.db", stream_providers="hls", hls_origins="https://video.example.org"
    )
    with TestClient(create_app(settings), base_url=BASE_URL) as client:
        policy = _policy(client.get("/healthz").headers["content-security-policy"])

    assert policy["frame-src"] == "'none'"
    assert policy["media-src"] == "'self' https://video.example.org blob:"
    assert policy["connect-src"] == "'self' https://video.example.org blob:"


HLS = "https://video.example.org/live/mena-floor.m3u8"


def test_a_self_hosted_hls_channel_plays_in_the_pages_own_video_through_hls_js(
    demo_settings: Settings, demo_database: Database
) -> None:
    mena = _session_id(demo_database, "MENA-DIALOGUE")
    with demo_database.write() as db:
        published = db.get(PublishedSession, mena)
        assert published is not None
        published.channels = {"floor": HLS, "fr": MENA_FR}
        published.status = SessionStatus.LIVE
        db.add(published)
    settings = demo_settings.model_copy(
        update={
            "stream_providers": "youtube-nocookie,vimeo,hls",
            "hls_origins": "https://video.example.org",
        }
    )

    with make_client(create_app(settings, clock=lambda: DURING_THE_SUMMIT)) as visitor:
        page = visitor.get(f"/ogp2021/sessions/{mena}?lang=en").text
        script = re.search(r'data-hls-script="([^"]+)"', page)
        assert script is not None
        served = visitor.get(script.group(1))

    # The floor plays in the page's own <video> (hls.js attaches it: no src of its own); the
    # French channel's button can turn it back into a frame.
    assert re.findall(r"<video [^>]*>", page) == [
        f'<video class="player__frame" controls playsinline data-hls-src="{HLS}" '
        'aria-label="Live stream">'
    ]
    assert re.findall(r'data-channel="([a-z]+)" data-src="[^"]+" data-kind="([a-z]+)"', page) == [
        ("floor", "hls"),
        ("fr", "frame"),
    ]
    assert script.group(1).startswith("/static/vendor/hls.js/hls.light.min.js")
    assert (served.status_code, served.headers["content-type"].split(";")[0]) == (
        200,
        "text/javascript",
    )


@pytest.mark.parametrize("providers", ["youtube", "youtube-nocookie,flash"])
def test_an_unknown_provider_is_refused_at_start(providers: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown stream provider"):
        sqlite_settings(tmp_path / "summit.db", stream_providers=providers)


def test_before_the_session_a_countdown_and_no_player(
    client: TestClient, demo_database: Database
) -> None:
    mena = _session_id(demo_database, "MENA-DIALOGUE")

    page = client.get(f"/ogp2021/sessions/{mena}?lang=en&tz=Europe/Paris").text

    # 09:00 UTC is 18:00 in Seoul, the summit's zone; a viewer in Paris reads their own time
    # (the time's space is a narrow no-break one, hence the spaces made plain).
    assert (
        "The stream appears here when the session starts, on Thursday, December 16, 2021 at "
        "10:00 AM (Central European Time)." in re.sub(r"\s+", " ", page)
    )
    assert 'data-countdown="2021-12-16T09:00:00+00:00"' in page
    assert _frame(page) is None
    # The countdown runs on the app's clock (here, the summit's first day), not the browser's.
    offset = re.search(r'data-clock-offset="(-?[0-9]+)"', page)
    assert offset is not None
    assert abs(int(offset.group(1)) - (DURING_THE_SUMMIT - utcnow()).total_seconds()) < 60


@pytest.mark.parametrize(("language", "src"), [("fr", MENA_FR), ("ar", MENA_AR), ("en", MENA_EN)])
def test_a_live_session_plays_the_viewers_channel(
    organiser: TestClient, demo_database: Database, language: str, src: str
) -> None:
    mena = _session_id(demo_database, "MENA-DIALOGUE")
    _set_status(organiser, mena, "live")

    page = another_browser(organiser).get(f"/ogp2021/sessions/{mena}?lang={language}").text

    assert _frame(page) == src
    channels = re.findall(r'data-channel="([a-z]+)" data-src="([^"]+)"', page)
    assert channels == [
        ("floor", MENA_FLOOR),
        ("en", MENA_EN),
        ("fr", MENA_FR),
        ("es", "https://www.youtube-nocookie.com/embed/demo-mena-es"),
        ("ar", MENA_AR),
    ]
    assert page.count('aria-pressed="true"') == 1
    assert 'href="https://captions.example.org/ogp2021/mena-dialogue"' in page


def test_a_viewer_without_a_channel_in_their_language_hears_the_floor(
    organiser: TestClient, demo_database: Database
) -> None:
    mena = _session_id(demo_database, "MENA-DIALOGUE")
    with demo_database.write() as db:
        published = db.get(PublishedSession, mena)
        assert published is not None
        published.channels = {"floor": MENA_FLOOR, "fr": MENA_FR}
        db.add(published)
    _set_status(organiser, mena, "live")

    visitor = another_browser(organiser)
    heard = {
        language: _frame(visitor.get(f"/ogp2021/sessions/{mena}?lang={language}").text)
        for language in ("en", "fr", "ar")
    }

    assert heard == {"en": MENA_FLOOR, "fr": MENA_FR, "ar": MENA_FLOOR}


def test_the_player_appears_on_open_pages_when_the_session_goes_live(
    organiser: TestClient, demo_database: Database
) -> None:
    mena = _session_id(demo_database, "MENA-DIALOGUE")
    with organiser.websocket_connect(
        f"{WS}/ogp2021/live?page=session&session={mena}", headers={"origin": BASE_URL}
    ) as socket:
        _set_status(organiser, mena, "live")
        pushed = socket.receive_text()

    # The player comes inside a live region: a screen reader hears that it arrived.
    assert '<article id="session-page" data-live-region aria-live="polite"' in pushed
    assert _frame(pushed) is not None


def test_a_live_session_without_channels_links_to_its_streams_room(
    organiser: TestClient, demo_database: Database
) -> None:
    session_id = _session_id(demo_database, "CIVIC-SPACE-PLENARY")
    _set_status(organiser, session_id, "live")

    page = organiser.get(f"/ogp2021/sessions/{session_id}").text

    assert _frame(page) is None
    assert 'href="https://stream.example.org/ogp2021/plenary"' in page


def test_after_the_session_the_recording_replaces_the_player(
    organiser: TestClient, demo_database: Database
) -> None:
    opening = _session_id(demo_database, "OPENING")
    _set_status(organiser, opening, "live")
    assert _frame(organiser.get(f"/ogp2021/sessions/{opening}").text) == (
        "https://www.youtube-nocookie.com/embed/demo-opening-en"
    )

    _set_status(organiser, opening, "ended")
    page = organiser.get(f"/ogp2021/sessions/{opening}").text

    assert _frame(page) == "https://player.vimeo.com/video/100000001"
    assert "data-channel=" not in page


def test_the_recording_replaces_the_player_on_open_pages_when_the_session_ends(
    organiser: TestClient, demo_database: Database
) -> None:
    opening = _session_id(demo_database, "OPENING")
    _set_status(organiser, opening, "live")
    with organiser.websocket_connect(
        f"{WS}/ogp2021/live?page=session&session={opening}", headers={"origin": BASE_URL}
    ) as socket:
        _set_status(organiser, opening, "ended")
        pushed = receive_until(socket, lambda message: 'id="session-page"' in message)

    assert _frame(pushed) == "https://player.vimeo.com/video/100000001"
    assert "data-channel=" not in pushed and ">Recording</h2>" in pushed


def _inline(html: str) -> list[str]:
    """Inline scripts, styles and event handlers: what the strict CSP would block."""
    return [
        *re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html),
        *re.findall(r"<style\b[^>]*>", html),
        *re.findall(r"<[a-z][^>]*\s(?:style|on[a-z]+)=[^>]*>", html),
    ]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_rooms_pages_and_pushes_have_no_inline_script_or_style(
    organiser: TestClient, demo_database: Database, language: str
) -> None:
    mena = _session_id(demo_database, "MENA-DIALOGUE")
    opening = _session_id(demo_database, "OPENING")
    _set_status(organiser, opening, "ended")  # the recording
    with organiser.websocket_connect(
        f"{WS}/ogp2021/live?page=session&session={mena}", headers={"origin": BASE_URL}
    ) as socket:
        _set_status(organiser, mena, "live")
        pushed = receive_until(socket, lambda message: 'id="session-page"' in message)
    paths = [
        f"/ogp2021/sessions/{mena}",
        f"/ogp2021/sessions/{opening}",
        f"/ogp2021/sessions/{mena}/polls",
        f"/ogp2021/sessions/{mena}/present",
        f"/ogp2021/manage/sessions/{mena}",
    ]

    pages = {path: organiser.get(f"{path}?lang={language}") for path in paths}

    assert {path: answer.status_code for path, answer in pages.items()} == dict.fromkeys(paths, 200)
    assert _frame(pages[paths[0]].text) is not None and _frame(pushed) is not None
    assert {path: _inline(answer.text) for path, answer in pages.items()} == dict.fromkeys(
        paths, []
    )
    assert _inline(pushed) == []
