"""The session's room: players from allowed providers only (form, API, CSP), the viewer's
channel first, a countdown before, the player live, the recording after, and the exports."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession, PublishedSession, SessionStatus, Summit
from summit.agenda.players import CHANNELS, DEFAULT_PLAYERS, PlayerPolicy, channel_for
from summit.app import create_app
from summit.auth.api_tokens import ApiScope, issue_api_token
from summit.auth.models import Account
from summit.columns import utcnow
from summit.db import Database
from summit.settings import Settings
from tests.conftest import (
    BASE_URL,
    DURING_THE_SUMMIT,
    htmx_post,
    make_client,
    receive_until,
    sign_in,
    sqlite_settings,
)

API = "/api/v1/summits/ogp2021"
WS = BASE_URL.replace("http://", "ws://")
MENA_FR = "https://www.youtube-nocookie.com/embed/demo-mena-fr"
MENA_AR = "https://www.youtube-nocookie.com/embed/demo-mena-ar"
MENA_EN = "https://www.youtube-nocookie.com/embed/demo-mena-en"
MENA_FLOOR = "https://www.youtube-nocookie.com/embed/demo-mena-fl"


def _session_id(database: Database, code: str) -> int:
    with database.read() as db:
        found = db.exec(select(ProgrammeSession.id).where(ProgrammeSession.code == code)).one()
    assert found is not None
    return found


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
    organiser: TestClient, demo_app: Starlette, demo_database: Database, language: str, src: str
) -> None:
    mena = _session_id(demo_database, "MENA-DIALOGUE")
    _set_status(organiser, mena, "live")

    with make_client(demo_app) as visitor:
        page = visitor.get(f"/ogp2021/sessions/{mena}?lang={language}").text

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
    organiser: TestClient, demo_app: Starlette, demo_database: Database
) -> None:
    mena = _session_id(demo_database, "MENA-DIALOGUE")
    with demo_database.write() as db:
        published = db.get(PublishedSession, mena)
        assert published is not None
        published.channels = {"floor": MENA_FLOOR, "fr": MENA_FR}
        db.add(published)
    _set_status(organiser, mena, "live")

    with make_client(demo_app) as visitor:
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


def _form(organiser: TestClient, session_id: int) -> dict[str, str]:
    """The session form's fields as the page fills them."""
    page = organiser.get(f"/ogp2021/manage/sessions/{session_id}").text
    values = dict(re.findall(r'<input id="[^"]+" name="([^"]+)"[^>]*? value="([^"]*)"', page))
    values.update(
        re.findall(
            r'<select id="[^"]+" name="(kind|track_id|stream_id|day)"[^>]*>'
            r'.*?<option value="([^"]*)" selected',
            page,
            re.S,
        )
    )
    values["is_published"] = "on"
    return values


def test_the_form_refuses_every_address_no_allowed_provider_plays(
    organiser: TestClient, demo_database: Database
) -> None:
    mena = _session_id(demo_database, "MENA-DIALOGUE")
    values = _form(organiser, mena)
    values["channel_fr"] = "https://evil.example/live"
    values["channel_es"] = "not an address"
    values["recording_url"] = "https://evil.example/recording"

    answer = htmx_post(organiser, f"/ogp2021/manage/sessions/{mena}", values)

    assert answer.status_code == 422
    for field in ("channel_fr", "channel_es", "recording_url"):
        assert f'id="{field}-error"' in answer.text
    assert "No video provider allowed here plays this address" in answer.text
    with demo_database.read() as db:
        draft = db.get(ProgrammeSession, mena)
        assert draft is not None and draft.channels["fr"] == MENA_FR


def test_the_form_keeps_a_channel_as_its_player_loads_it(
    organiser: TestClient, demo_database: Database
) -> None:
    mena = _session_id(demo_database, "MENA-DIALOGUE")
    values = _form(organiser, mena)
    values["channel_fr"] = "https://youtu.be/newFrench01"

    answer = htmx_post(organiser, f"/ogp2021/manage/sessions/{mena}", values)

    assert answer.status_code == 204
    with demo_database.read() as db:
        draft = db.get(ProgrammeSession, mena)
        published = db.get(PublishedSession, mena)
        assert draft is not None and published is not None
        assert draft.channels["fr"] == "https://www.youtube-nocookie.com/embed/newFrench01"
        # The public sees it at the next publication.
        assert published.channels["fr"] == MENA_FR


@pytest.fixture
def api(demo_app: Starlette) -> Iterator[TestClient]:
    with make_client(demo_app) as client:
        yield client


@pytest.fixture
def bearer(demo_database: Database) -> dict[str, str]:
    with demo_database.write() as db:
        summit = db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()
        account = db.exec(select(Account).where(Account.email == "organiser@example.org")).one()
        token = issue_api_token(
            db,
            summit=summit,
            account=account,
            name="test",
            scopes=[ApiScope.PROGRAMME_WRITE],
            now=DURING_THE_SUMMIT,
            days=30,
        ).token
    return {"authorization": f"Bearer {token}"}


def test_the_api_refuses_a_channel_no_allowed_provider_plays(
    api: TestClient, bearer: dict[str, str], demo_database: Database
) -> None:
    mena = _session_id(demo_database, "MENA-DIALOGUE")

    refused = api.patch(
        f"{API}/sessions/{mena}",
        json={"channels": {"floor": MENA_FLOOR, "fr": "https://evil.example/live"}},
        headers=bearer,
    )

    assert refused.status_code == 409
    assert refused.json()["fields"] == {
        "channels.fr": "No video provider allowed here plays this address: give a YouTube "
        "video or a Vimeo video."
    }
    with demo_database.read() as db:
        draft = db.get(ProgrammeSession, mena)
        assert draft is not None and draft.channels["fr"] == MENA_FR


@pytest.mark.parametrize(
    ("language", "message", "hint"),
    [
        (
            "en",
            "No video provider allowed here plays this address: give a stream from this "
            "summit's own servers.",
            "For each channel the session has (the floor, and each interpretation), give a "
            "stream from this summit's own servers.",
        ),
        (
            "fr",
            "Aucun fournisseur vidéo autorisé ici ne lit cette adresse : indiquez un flux des "
            "serveurs de ce sommet.",
            "Pour chaque canal de la séance (la salle, et chaque interprétation), indiquez un "
            "flux des serveurs de ce sommet.",
        ),
    ],
)
def test_a_refusal_and_the_forms_hint_name_what_this_deployment_allows(
    demo_settings: Settings,
    demo_database: Database,
    bearer: dict[str, str],
    language: str,
    message: str,
    hint: str,
) -> None:
    mena = _session_id(demo_database, "MENA-DIALOGUE")
    settings = demo_settings.model_copy(
        update={"stream_providers": "hls", "hls_origins": "https://video.example.org"}
    )

    with make_client(create_app(settings, clock=lambda: DURING_THE_SUMMIT)) as client:
        client.cookies.set("summit_lang", language)
        refused = client.patch(
            f"{API}/sessions/{mena}",
            json={"channels": {"floor": MENA_FLOOR}},
            headers=bearer,
        )
        sign_in(client, "organiser@example.org")
        client.cookies.set("summit_lang", language)
        values = _form(client, mena)
        in_form = htmx_post(client, f"/ogp2021/manage/sessions/{mena}", values)

    assert refused.json()["fields"] == {"channels.floor": message}
    assert in_form.status_code == 422
    # Each of the session's five YouTube channels is refused, each with the same words.
    assert in_form.text.count(message.replace("'", "&#39;")) >= len(CHANNELS)
    assert hint.replace("'", "&#39;") in in_form.text


def test_the_api_sets_channels_and_the_recording(
    api: TestClient, bearer: dict[str, str], demo_database: Database
) -> None:
    mena = _session_id(demo_database, "MENA-DIALOGUE")

    answer = api.patch(
        f"{API}/sessions/{mena}",
        json={
            "channels": {"floor": "https://vimeo.com/42"},
            "recording_url": "https://vimeo.com/43",
        },
        headers=bearer,
    )

    assert answer.status_code == 200
    assert answer.json()["channels"] == {"floor": "https://player.vimeo.com/video/42"}
    assert answer.json()["recording_url"] == "https://player.vimeo.com/video/43"
    public = api.get(f"{API}/sessions/{mena}").json()
    assert public["channels"]["fr"] == MENA_FR


def test_the_exports_carry_the_players(api: TestClient, demo_database: Database) -> None:
    opening = _session_id(demo_database, "OPENING")

    frab = api.get("/ogp2021/schedule/export/schedule.json").json()
    events = [
        event
        for day in frab["schedule"]["conference"]["days"]
        for room in day["rooms"].values()
        for event in room
    ]
    links = next(event["links"] for event in events if event["id"] == opening)
    calendar = api.get(f"/ogp2021/schedule/export/sessions/{opening}.ics").text.replace("\r\n ", "")
    xml = ElementTree.fromstring(  # noqa: S314 - our own output
        api.get("/ogp2021/schedule/export/schedule.xml").content
    )
    event = next(found for found in xml.iter("event") if found.get("id") == str(opening))

    assert [link["url"] for link in links][-2:] == [
        "https://player.vimeo.com/video/100000001",
        "https://captions.example.org/ogp2021/opening",
    ]
    assert links[0] == {
        "type": "media",
        "url": "https://www.youtube-nocookie.com/embed/demo-opening-fl",
        "title": "Floor (original sound)",
    }
    assert (
        "CONFERENCE;FEATURE=VIDEO;LABEL=Floor (original sound);VALUE=URI:"
        "https://www.youtube-nocookie.com/embed/demo-opening-fl" in calendar
    )
    assert [(link.get("href"), link.text) for link in event.iter("link")][:2] == [
        ("https://www.youtube-nocookie.com/embed/demo-opening-fl", "Floor (original sound)"),
        ("https://www.youtube-nocookie.com/embed/demo-opening-en", "English"),
    ]
    # The event's one URL is the session's page, where the player and its switcher are.
    assert f"\r\nURL:{BASE_URL}/ogp2021/sessions/{opening}\r\n" in calendar


@pytest.mark.parametrize(
    ("language", "zone"),
    [
        ("en", "(Coordinated Universal Time)"),
        ("fr", "(temps universel coordonné)"),
        ("ar", "(التوقيت العالمي المنسق)"),
    ],
)
def test_a_viewer_in_utc_reads_its_name_not_an_unknown_region(
    client: TestClient, demo_database: Database, language: str, zone: str
) -> None:
    mena = _session_id(demo_database, "MENA-DIALOGUE")

    page = client.get(f"/ogp2021/sessions/{mena}?lang={language}&tz=UTC").text
    player = re.search(r'<section id="player-.*?</section>', page, re.S)

    assert player is not None and zone in player.group(0)
