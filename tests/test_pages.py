from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from starlette.testclient import TestClient

from summit.app import create_app
from summit.db import Database
from summit.seeding import load_summit
from summit.settings import Settings
from tests.conftest import DEMO_FOLDER, DURING_THE_SUMMIT, make_client


def _plain(page: str) -> str:
    """Babel separates with thin and narrow no-break spaces; compare with plain ones."""
    return page.replace("\u2009", " ").replace("\u202f", " ").replace("\xa0", " ")


def test_root_leads_to_the_only_summit(client: TestClient) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert response.url.path == "/ogp2021/"
    assert '<h1 dir="auto">OGP Global Summit 2021</h1>' in response.text


def test_home_shows_dates_host_and_themes(client: TestClient) -> None:
    page = _plain(client.get("/ogp2021/").text)

    assert "Dec 15 – 17, 2021" in page
    assert "Hosted by Republic of Korea" in page
    for theme in ("Civic space", "Anti-corruption", "Inclusive digital innovation", "Integrity"):
        assert theme.lower() in page.lower()


def test_home_links_to_pages_that_exist(client: TestClient) -> None:
    page = client.get("/ogp2021/").text
    links = set(re.findall(r'href="(/ogp2021/[^"#?]*)"', page))

    statuses = {link: client.get(link).status_code for link in links}

    assert {"/ogp2021/programme", "/ogp2021/speakers", "/ogp2021/delegations"} <= set(statuses)
    assert set(statuses.values()) == {200}


def test_arabic_page_is_right_to_left(client: TestClient) -> None:
    response = client.get("/ogp2021/?lang=ar")

    assert '<html lang="ar" dir="rtl">' in response.text
    assert "البرنامج" in response.text  # "Programme" in the navigation
    assert "2021" in response.text


def test_french_page_is_french(client: TestClient) -> None:
    page = _plain(client.get("/ogp2021/?lang=fr").text)

    assert '<html lang="fr" dir="ltr">' in page
    assert "Programme" in page
    assert "15–17 déc. 2021" in page


def test_language_choice_is_remembered(client: TestClient) -> None:
    client.get("/ogp2021/?lang=ar")

    response = client.get("/ogp2021/speakers")

    assert '<html lang="ar" dir="rtl">' in response.text


def test_browser_language_is_used_when_nothing_was_chosen(client: TestClient) -> None:
    response = client.get("/ogp2021/", headers={"accept-language": "de-DE, fr;q=0.8, en;q=0.5"})

    assert '<html lang="fr" dir="ltr">' in response.text


def test_unsupported_language_falls_back_to_the_default(client: TestClient) -> None:
    response = client.get("/ogp2021/?lang=xx")

    assert '<html lang="en" dir="ltr">' in response.text
    assert "summit_lang" not in response.headers.get("set-cookie", "")


def test_times_are_shown_in_the_viewer_zone_with_summit_time_beside(client: TestClient) -> None:
    page = _plain(client.get("/ogp2021/programme?tz=Europe/Paris").text)

    # The opening starts at 09:00 in Seoul, 01:00 in Paris.
    assert '<time datetime="2021-12-15T00:00:00+00:00">1:00 AM</time>' in page
    assert "summit time" in page
    assert "Times are shown in Europe/Paris." in page


def test_summit_zone_viewers_see_no_second_time(client: TestClient) -> None:
    page = _plain(client.get("/ogp2021/programme?tz=Asia/Seoul").text)

    assert '<time datetime="2021-12-15T00:00:00+00:00">9:00 AM</time>' in page
    assert "summit time)" not in page


def test_programme_lists_sessions_by_day(client: TestClient) -> None:
    page = client.get("/ogp2021/programme").text

    assert page.count('class="programme-day"') == 3
    assert "Future challenges of inclusion, equality and participation" in page


def test_speakers_and_delegations_are_listed(client: TestClient) -> None:
    speakers = client.get("/ogp2021/speakers").text
    delegations = client.get("/ogp2021/delegations").text

    assert "Aziz Akhannouch" in speakers and "Ghita Mezzour" in speakers
    assert "Government · Morocco" in delegations and "(MA)" not in delegations


def test_unknown_summit_is_a_404_page(client: TestClient) -> None:
    response = client.get("/no-such-summit/")

    assert response.status_code == 404
    assert "Page not found" in response.text


def test_pages_carry_a_strict_content_security_policy(client: TestClient) -> None:
    response = client.get("/ogp2021/")

    policy = response.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"


def test_pages_have_no_inline_scripts_or_styles(client: TestClient) -> None:
    for path in ("/ogp2021/", "/ogp2021/programme", "/ogp2021/speakers", "/ogp2021/delegations"):
        page = client.get(path).text
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == [], path
        assert " style=" not in page and "<style" not in page, path


def test_home_fragment_for_htmx_is_the_live_block_only(client: TestClient) -> None:
    response = client.get("/ogp2021/", headers={"hx-request": "true"})

    assert response.text.lstrip().startswith('<section id="live-strip"')
    assert "<html" not in response.text
    assert "HX-Request" in response.headers["vary"]


def test_boosted_navigation_gets_the_whole_page(client: TestClient) -> None:
    response = client.get("/ogp2021/", headers={"hx-request": "true", "hx-boosted": "true"})

    assert "<html" in response.text


def test_theme_colours_come_from_a_stylesheet(client: TestClient) -> None:
    response = client.get("/ogp2021/themes.css")

    assert response.headers["content-type"].startswith("text/css")
    assert re.findall(r"\.theme-[a-z0-9-]+\{--theme-color:#[0-9a-fA-F]{6}\}", response.text)


def test_home_says_what_comes_next_during_the_summit(client: TestClient) -> None:
    page = client.get("/ogp2021/").text

    live_strip = page.split('id="live-strip"', 1)[1].split("</section>", 1)[0]
    assert "Coming next" in live_strip
    assert live_strip.count('<article class="session-card') == 5


def test_home_highlights_tell_the_summits_story(client: TestClient) -> None:
    page = client.get("/ogp2021/").text
    highlights = page.split('id="highlights-heading"', 1)[1].split("</section>", 1)[0]
    titles = [
        re.sub(r"<[^>]+>", "", title).strip()
        for title in re.findall(r'<h3 class="highlight__title">(.*?)</h3>', highlights)
    ]
    linked = re.findall(r'href="(/ogp2021/[^"]+)"', highlights)

    assert titles == [
        "Official opening of the OGP Global Summit 2021",
        "African Open Government Network",
        "OGP Steering Committee",
        "Open Gov Award for local innovation",
        "High-level dialogues",
    ]
    assert "Launch of the African Open Government Network" in highlights
    assert "Welcoming the new members of the OGP Steering Committee" in highlights
    assert "Open Gov Awards ceremony" in highlights
    assert "Future challenges of inclusion, equality and participation" in highlights  # MENA
    assert {
        "/ogp2021/bodies/steering-committee",
        "/ogp2021/bodies/african-open-government-network",
        "/ogp2021/awards/open-gov-award-local-innovation-2021",
    } <= set(linked)
    assert {client.get(link).status_code for link in linked} == {200}


def test_home_live_cards_have_their_stream_buttons(
    demo_settings: Settings, demo_database: Database
) -> None:
    # The demo's moment: the second day, mid-morning in Seoul, three sessions live.
    moment = datetime(2021, 12, 16, 1, 15, tzinfo=UTC)
    with demo_database.write() as db:
        load_summit(db, DEMO_FOLDER, now=moment)
    app = create_app(demo_settings, clock=lambda: moment)
    with make_client(app) as client:
        page = client.get("/ogp2021/").text
    live = page.split('id="live-heading"', 1)[1].split("Coming next", 1)[0]

    assert live.count('<article class="session-card') == live.count('class="watch-links"') > 0
    assert "Watch the stream" in live or "Watch live" in live
    assert "Join the room" in live


def test_home_says_the_summit_has_ended_afterwards(demo_settings: Settings) -> None:
    app = create_app(demo_settings, clock=lambda: DURING_THE_SUMMIT.replace(year=2022))
    with make_client(app) as client:
        page = client.get("/ogp2021/").text

    assert "This summit has ended" in page


@pytest.mark.parametrize("path", ["/ogp2021/", "/ogp2021/programme", "/ogp2021/speakers"])
def test_arabic_pages_render_in_arabic(client: TestClient, path: str) -> None:
    page = client.get(path + "?lang=ar").text

    assert 'dir="rtl"' in page
    assert "Skip to content" not in page


def test_a_chosen_time_zone_is_remembered(client: TestClient) -> None:
    chosen = client.get("/preferences?tz=America/Sao_Paulo&lang=fr&next=/ogp2021/programme")

    later = client.get("/ogp2021/programme").text

    assert '<option value="America/Sao_Paulo" selected>' in chosen.text
    assert 'href="/ogp2021/programme"' in chosen.text
    assert '<html lang="fr" dir="ltr">' in later
    assert "America/Sao_Paulo" in later


def test_organisers_see_the_way_to_manage_the_summit(client: TestClient) -> None:
    from tests.conftest import sign_in

    assert ">Manage</a>" not in client.get("/ogp2021/").text
    sign_in(client, "organiser@example.org")

    assert ">Manage</a>" in client.get("/ogp2021/?lang=en").text
