"""A room's channels and recording as organisers set them, through the form and the API: an address
no allowed provider plays is refused with a hint naming what this deployment allows, a channel
is kept as its player loads it, and the exports carry the players."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession, PublishedSession
from summit.agenda.players import CHANNELS
from summit.app import create_app
from summit.db import Database
from summit.settings import Settings
from tests.conftest import (
    BASE_URL,
    DURING_THE_SUMMIT,
    htmx_post,
    make_client,
    sign_in,
)
from tests.room_support import MENA_FLOOR, MENA_FR, _session_id

API = "/api/v1/summits/ogp2021"


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
