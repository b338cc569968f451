"""The public programme: filters, search, the grid, time zones, and the pages around sessions."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from summit.agenda.grid import day_grid
from summit.agenda.models import ProgrammeSession, SessionStatus
from summit.app import create_app
from summit.db import Database
from tests.conftest import make_client, migrated_database, sqlite_settings
from tests.factories import make_summit


def _titles(page: str) -> list[str]:
    return re.findall(
        r'<h3 class="session-card__title"><a [^>]*>\s*<span[^>]*>([^<]+)</span>', page
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=Future+challenges", ["Future challenges of inclusion, equality and participation"]),
        ("q=akhannouch", ["Official opening of the OGP Global Summit 2021"]),
        ("q=GHITA", ["Future challenges of inclusion, equality and participation"]),
    ],
)
def test_search_looks_at_titles_and_names(
    client: TestClient, query: str, expected: list[str]
) -> None:
    assert _titles(client.get(f"/ogp2021/programme?{query}").text) == expected


def test_filters_narrow_the_programme(client: TestClient) -> None:
    everything = _titles(client.get("/ogp2021/programme").text)
    day_one = _titles(client.get("/ogp2021/programme?day=2021-12-15&tz=Asia/Seoul").text)
    ceremonies = _titles(client.get("/ogp2021/programme?kind=ceremony").text)
    plenary_hall = _titles(client.get("/ogp2021/programme?stream=plenary").text)
    integrity = _titles(client.get("/ogp2021/programme?theme=integrity").text)
    kenya = _titles(client.get("/ogp2021/programme?delegation=kenya").text)
    arabic = _titles(client.get("/ogp2021/programme?language=ar").text)

    assert len(everything) == 45
    assert len(day_one) == 15
    assert len(ceremonies) == 2 and all(title in everything for title in ceremonies)
    assert 0 < len(plenary_hall) < 45 and 0 < len(integrity) < 45
    assert "Launch of the African Open Government Network" in " ".join(kenya)
    assert 0 < len(arabic) <= 45


def test_unknown_filter_values_are_ignored(client: TestClient) -> None:
    response = client.get("/ogp2021/programme?kind=rave&day=someday&stream=<x>&delegation=atlantis")

    assert response.status_code == 200
    assert len(_titles(response.text)) == 45


def test_filtering_with_htmx_returns_only_the_results(client: TestClient) -> None:
    response = client.get("/ogp2021/programme?kind=ceremony", headers={"hx-request": "true"})

    assert response.text.lstrip().startswith('<section id="programme-results"')
    assert "Vary" in response.headers and "HX-Request" in response.headers["vary"]
    assert "<html" not in response.text


def test_each_page_answers_htmx_with_its_block(client: TestClient) -> None:
    opening = client.get("/ogp2021/programme?q=akhannouch").text
    session_path = re.search(r'href="(/ogp2021/sessions/\d+)"', opening)
    assert session_path is not None
    for path, start in [
        ("/ogp2021/programme/grid?day=2021-12-16", '<section id="programme-grid"'),
        ("/ogp2021/now", '<section id="now-next"'),
        (session_path.group(1), '<article id="session-page"'),
    ]:
        fragment = client.get(path, headers={"hx-request": "true"}).text
        assert fragment.lstrip().startswith(start), path


def test_session_page_shows_speakers_with_their_delegation(client: TestClient) -> None:
    listing = client.get("/ogp2021/programme?q=Future+challenges").text
    path = re.search(r'href="(/ogp2021/sessions/\d+)"', listing)
    assert path is not None

    page = client.get(path.group(1)).text

    assert "Ghita Mezzour" in page
    assert 'href="/ogp2021/delegations/morocco"' in page
    assert "High-level dialogue" in page


def test_speaker_and_delegation_pages_list_their_sessions(client: TestClient) -> None:
    speaker = client.get("/ogp2021/speakers/aziz-akhannouch").text
    delegation = client.get("/ogp2021/delegations/morocco").text

    assert _titles(speaker) == ["Official opening of the OGP Global Summit 2021"]
    assert "Head of delegation" in delegation
    assert "Official opening of the OGP Global Summit 2021" in _titles(delegation)
    assert "Future challenges of inclusion, equality and participation" in _titles(delegation)
    assert client.get("/ogp2021/speakers/nobody").status_code == 404
    assert client.get("/ogp2021/delegations/atlantis").status_code == 404


def test_the_grid_lays_out_a_day_by_stream(client: TestClient) -> None:
    page = client.get("/ogp2021/programme/grid?day=2021-12-15&tz=Asia/Seoul").text

    assert page.count('class="day-grid__stream') == 4
    assert page.count('<article class="day-grid__session ') == 15
    assert 'href="/grid.css"' in page


def test_grid_stylesheet_places_rows_and_columns(client: TestClient) -> None:
    css = client.get("/grid.css").text

    assert ".gr-s-5{grid-row-start:5}" in css and ".gc-3{grid-column:3}" in css


def test_now_and_next_during_the_summit(client: TestClient, demo_database: Database) -> None:
    with demo_database.write() as db:
        from summit.agenda.models import PublishedSession

        opening = db.exec(select(PublishedSession).where(PublishedSession.code == "OPENING")).one()
        opening.status = SessionStatus.LIVE
        db.add(opening)
    # A live status changes what the public sees at once: the summit's stamp says so.
    with demo_database.write() as db:
        from summit.agenda.models import Summit

        summit = db.exec(select(Summit)).one()
        summit.programme_stamp += 1
        db.add(summit)

    page = client.get("/ogp2021/now").text
    live = page.split("Live now", 1)[1].split("Coming next", 1)[0]

    assert "Official opening of the OGP Global Summit 2021" in live


def test_times_are_right_on_both_sides_of_a_daylight_saving_change(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path / "dst.db")
    database = migrated_database(settings)
    with database.write() as db:
        # Paris leaves summer time in the night from 30 to 31 October 2021.
        make_summit(
            db,
            slug="autumn",
            days=2,
            streams=1,
            sessions_per_stream_per_day=1,
            timezone="Europe/Paris",
            first_day=date(2021, 10, 30),
        )
        starts = [
            s.starts_at for s in db.exec(select(ProgrammeSession).order_by(ProgrammeSession.code))
        ]
    database.dispose()
    with make_client(create_app(settings)) as client:
        page = client.get("/autumn/programme?tz=Asia/Seoul").text
        at_home = client.get("/autumn/programme?tz=Europe/Paris").text

    # 07:00 in Paris is 14:00 in Seoul in summer time (UTC+2), 15:00 after the change (UTC+1).
    assert [s.isoformat() for s in starts if s] == [
        "2021-10-30T05:00:00+00:00",
        "2021-10-31T06:00:00+00:00",
    ]
    assert "2:00\u202fPM" in page and "3:00\u202fPM" in page
    assert "7:00\u202fAM–7:30\u202fAM summit time" in page
    assert at_home.count("7:00\u202fAM") == 2 and "summit time" not in at_home


def test_grid_rows_follow_elapsed_time_on_a_25_hour_day() -> None:
    london = ZoneInfo("Europe/London")

    class Item:
        column_key = 1
        shown_start = datetime(2021, 10, 31, 0, 30, tzinfo=UTC)  # 01:30 BST
        shown_end = datetime(2021, 10, 31, 3, 30, tzinfo=UTC)  # 03:30 GMT: three hours later

    class Column:
        id = 1

    grid = day_grid([Item()], streams=[Column()], day=date(2021, 10, 31), zone=london)
    placed = grid.placed[0]

    assert (placed.row_end - placed.row_start) * 5 == 180
    assert [mark.moment.strftime("%H:%M") for mark in grid.hours] == [
        "01:00",
        "01:00",
        "02:00",
        "03:00",
    ]
    assert grid.hours[1].moment.astimezone(UTC) - grid.hours[0].moment.astimezone(UTC) == timedelta(
        hours=1
    )
    assert [mark.row for mark in grid.hours] == [5, 17, 29, 41]


def test_following_sessions_builds_my_agenda_and_flags_overlaps(
    client: TestClient, demo_database: Database
) -> None:
    from tests.conftest import BASE_URL, choose_english, csrf_token, sign_in

    with demo_database.read() as db:
        ids = {
            code: session_id
            for code, session_id in db.exec(select(ProgrammeSession.code, ProgrammeSession.id))
        }
    choose_english(client)  # the demo delegate's account speaks Arabic
    sign_in(client, "delegate@example.org")
    token = csrf_token(client, "/ogp2021/")
    headers = {"origin": BASE_URL, "hx-request": "true", "x-csrf-token": token}
    # The opening and a session in another stream at the same time, and the MENA dialogue.
    listing = client.get("/ogp2021/programme?day=2021-12-15&tz=Asia/Seoul").text
    assert "Add to my agenda" in listing

    button = client.post(
        f"/ogp2021/sessions/{ids['OPENING']}/follow", data={"follow": "1"}, headers=headers
    )
    client.post(
        f"/ogp2021/sessions/{ids['MENA-DIALOGUE']}/follow", data={"follow": "1"}, headers=headers
    )

    assert button.status_code == 200 and 'aria-pressed="true"' in button.text
    agenda = client.get("/ogp2021/agenda?tz=Asia/Seoul").text
    assert _titles(agenda) == [
        "Official opening of the OGP Global Summit 2021",
        "Future challenges of inclusion, equality and participation",
    ]
    assert '<p class="conflict-flag">' not in agenda

    with demo_database.read() as db:
        mena = db.exec(
            select(ProgrammeSession).where(ProgrammeSession.code == "MENA-DIALOGUE")
        ).one()
        clash = db.exec(
            select(ProgrammeSession).where(
                col(ProgrammeSession.starts_at) < mena.ends_at,
                col(ProgrammeSession.ends_at) > mena.starts_at,
                ProgrammeSession.code != "MENA-DIALOGUE",
            )
        ).first()
    assert clash is not None, "the demo runs other sessions beside the MENA dialogue"
    client.post(f"/ogp2021/sessions/{clash.id}/follow", data={"follow": "1"}, headers=headers)

    agenda = client.get("/ogp2021/agenda").text
    # Every entry has its flag, shown where it overlaps (static/js/agenda.js redoes it live).
    assert agenda.count('<p class="conflict-flag">⚠ Overlaps another session you follow') == 2
    assert agenda.count('<p class="conflict-flag" hidden>') == 1
    unfollow = client.post(
        f"/ogp2021/sessions/{clash.id}/follow", data={"follow": "0"}, headers=headers
    )
    assert 'aria-pressed="false"' in unfollow.text
    assert '<p class="conflict-flag">' not in client.get("/ogp2021/agenda").text


def test_following_needs_an_account(client: TestClient) -> None:
    from tests.conftest import BASE_URL, csrf_token

    token = csrf_token(client, "/signin")

    response = client.post(
        "/ogp2021/sessions/1/follow",
        data={"follow": "1", "csrf_token": token},
        headers={"origin": BASE_URL},
    )

    assert response.status_code == 403
    assert client.get("/ogp2021/agenda", follow_redirects=False).status_code == 303
