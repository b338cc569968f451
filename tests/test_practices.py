"""The good-practice library as others see it: the demo's seed, and what the public, the feed, the
API and the search see (only published practices, in a constant number of queries)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession
from summit.db import Database
from summit.practices.models import Practice, PracticeSession, PracticeStatus
from tests.conftest import choose_english
from tests.practices_support import API, LIBRARY, _practices, _waiting
from tests.test_queries import count_queries

ARABIC_TITLE = "منصة إلكترونية لتتبع وتقييم برامج التنمية الجهوية"


# --- The seed ------------------------------------------------------------------------------


def test_demo_seeds_five_practices_one_waiting_and_one_titled_in_arabic_only_or_first(
    demo_database: Database,
) -> None:
    practices = _practices(demo_database)
    with demo_database.read() as db:
        launch = db.exec(
            select(ProgrammeSession.id).where(ProgrammeSession.code == "AFRICAN-OGN-LAUNCH")
        ).one()
        at_launch = db.exec(
            select(PracticeSession.practice_id).where(PracticeSession.session_id == launch)
        ).all()

    assert len(practices) == 5
    assert [p.status for p in practices].count(PracticeStatus.PUBLISHED) == 4
    assert practices[0].title["ar"] == ARABIC_TITLE
    assert len(at_launch) == 3


# --- What the public sees --------------------------------------------------------------------


def test_catalogue_lists_only_the_published_practices(
    client: TestClient, demo_database: Database
) -> None:
    choose_english(client)
    waiting = _waiting(demo_database)

    page = client.get(LIBRARY)

    assert page.status_code == 200
    assert page.text.count('class="session-card practice-card"') == 4
    assert f'id="practice-{waiting.id}"' not in page.text
    assert "Des forums citoyens" not in page.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=KE", 1),
        ("theme=integrity", 1),
        ("language=ar", 3),
        ("language=fr&country=MA", 2),
        # The programme's normaliser: article, accents, case, harakat.
        ("q=المنصة", 1),
        ("q=مِنَصَّة", 1),
        ("q=ELECTRONIQUE", 1),
        ("q=régional", 1),
        ("q=forums", 0),
        ("q=%21%21", 0),
    ],
)
def test_catalogue_filters_and_searches(client: TestClient, query: str, expected: int) -> None:
    page = client.get(f"{LIBRARY}?{query}")

    assert page.status_code == 200
    assert page.text.count('class="session-card practice-card"') == expected


def test_unpublished_practice_is_unseen_by_the_public_everywhere(
    client: TestClient, demo_database: Database
) -> None:
    waiting = _waiting(demo_database)

    page = client.get(f"{LIBRARY}/{waiting.id}")
    api_one = client.get(f"{API}/{waiting.id}")
    api_all = client.get(API).json()
    feed = client.get(f"{LIBRARY}.atom").text
    found = client.get(f"{LIBRARY}?q=forums+citoyens").text

    assert page.status_code == 404
    assert api_one.status_code == 404
    assert waiting.id not in [item["id"] for item in api_all]
    assert "forums" not in feed
    assert 'class="session-card practice-card"' not in found


def test_a_committee_keeps_no_library(client: TestClient) -> None:
    assert client.get("/ogp2021/bodies/steering-committee/practices").status_code == 404
    assert (
        client.get("/api/v1/summits/ogp2021/bodies/steering-committee/practices").status_code == 404
    )


def test_practice_page_shows_its_texts_and_the_launch_session(client: TestClient) -> None:
    choose_english(client)

    page = client.get(f"{LIBRARY}/1")

    assert page.status_code == 200
    assert ARABIC_TITLE in page.text
    assert "Launch of the African Open Government Network" in page.text


def test_session_page_lists_the_practices_presented_there(
    client: TestClient, demo_database: Database
) -> None:
    choose_english(client)
    with demo_database.read() as db:
        launch = db.exec(
            select(ProgrammeSession.id).where(ProgrammeSession.code == "AFRICAN-OGN-LAUNCH")
        ).one()

    page = client.get(f"/ogp2021/sessions/{launch}").text

    assert "Good practices presented" in page
    assert f'href="{LIBRARY}/1"' in page
    assert "Des forums citoyens" not in page


def test_feed_is_atom_with_the_published_practices(client: TestClient) -> None:
    response = client.get(f"{LIBRARY}.atom")

    feed = ET.fromstring(response.content)  # noqa: S314 - our own answer
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert len(entries) == 4


def test_api_lists_and_reads_published_practices(client: TestClient) -> None:
    listed = client.get(API)
    one = client.get(f"{API}/1")
    found = client.get(API, params={"q": "منصة"})

    assert listed.status_code == 200
    assert len(listed.json()) == 4
    assert one.json()["title"]["ar"] == ARABIC_TITLE
    assert one.json()["theme_slugs"] == ["civic-space", "digital-innovation"]
    assert len(one.json()["session_ids"]) == 2
    assert [item["id"] for item in found.json()] == [1]


def test_openapi_document_describes_the_library(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()

    paths = document["paths"]
    assert "/api/v1/summits/{slug}/bodies/{body_slug}/practices" in paths
    assert "/api/v1/summits/{slug}/bodies/{body_slug}/practices/{practice_id}" in paths
    assert "PracticeOut" in document["components"]["schemas"]


def _catalogue_queries(client: TestClient, demo_database: Database, published: int) -> int:
    """Queries for the catalogue with ``published`` practices published (of the demo's five)."""
    with demo_database.write() as db:
        for index, row in enumerate(db.exec(select(Practice).order_by(col(Practice.id)))):
            row.status = PracticeStatus.PUBLISHED if index < published else PracticeStatus.REJECTED
            db.add(row)
    client.get(LIBRARY)  # templates and catalogs loaded once
    with count_queries(demo_database.engine) as statements:
        assert client.get(LIBRARY).status_code == 200
    return len(statements)


def test_catalogue_runs_the_same_queries_for_one_practice_or_three(
    client: TestClient, demo_app: Any
) -> None:
    database = demo_app.state.db

    one = _catalogue_queries(client, database, 1)
    three = _catalogue_queries(client, database, 3)

    assert one == three
