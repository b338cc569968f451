"""Search on the programme page, its htmx fragment and the API: ranked, combined with the
filters, cached per query without crowding out the programme, and blind to drafts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from summit.agenda.forms import SessionInput
from summit.agenda.models import SessionKind, Stream, Summit
from summit.agenda.services import upsert_session
from summit.app import create_app
from summit.db import Database
from summit.persistence import pk
from summit.web.cache import ProgrammeCache
from tests.conftest import make_client, migrated_database, sqlite_settings
from tests.factories import make_summit
from tests.test_queries import count_queries

AOGN = "Launch of the African Open Government Network"
FRAGMENT = {"hx-request": "true"}


def _titles(page: str) -> list[str]:
    return re.findall(
        r'<h3 class="session-card__title"><a [^>]*>\s*<span[^>]*>([^<]+)</span>', page
    )


def test_words_in_any_order_find_the_launch_of_the_african_network(client: TestClient) -> None:
    for query in ("african network", "Network+African", "r%C3%A9seau+africain"):
        titles = _titles(client.get(f"/ogp2021/programme?q={query}").text)
        assert titles[0] == AOGN, query


def test_an_arabic_query_finds_the_arabic_title(client: TestClient) -> None:
    page = client.get("/ogp2021/programme", params={"q": "الشبكه الافريقيّة", "lang": "ar"}).text

    assert _titles(page)[0] == "إطلاق الشبكة الإفريقية للحكومة المفتوحة"


def test_search_results_come_best_first_with_their_day(client: TestClient) -> None:
    page = client.get("/ogp2021/programme?q=africa&tz=Asia/Seoul").text
    titles = _titles(page)

    # Two sessions say "Africa…" in their title; the others only in their abstract.
    assert len(titles) > 2
    assert set(titles[:2]) == {
        AOGN,
        "High-level dialogue: regional cooperation against corruption in Africa",
    }
    assert "best matches first" in page
    assert 'class="programme-day"' not in page
    assert page.count('class="search-result__day"') == len(titles)
    assert "Thursday, December 16, 2021" in page


@pytest.mark.parametrize(
    "filters",
    [
        "day=2021-12-16",
        "kind=side_event",
        "theme=civic-space",
        "delegation=kenya",
        "stream=plenary",
    ],
)
def test_search_combines_with_every_filter(client: TestClient, filters: str) -> None:
    searched = _titles(client.get("/ogp2021/programme?q=africa&tz=Asia/Seoul").text)
    filtered = _titles(client.get(f"/ogp2021/programme?{filters}&tz=Asia/Seoul").text)

    both = _titles(client.get(f"/ogp2021/programme?q=africa&{filters}&tz=Asia/Seoul").text)

    assert both == [title for title in searched if title in filtered]


def test_a_query_of_punctuation_finds_nothing_and_says_so(client: TestClient) -> None:
    for query in ("%21%21%21", "%22", "*", "NEAR%28%29", "%D9%80"):
        response = client.get(f"/ogp2021/programme?q={query}")
        assert response.status_code == 200
        assert _titles(response.text) == []
        assert "No session matches these filters." in response.text


def test_each_query_gets_its_own_results_page_and_fragment(client: TestClient) -> None:
    for _ in range(2):  # the second round is served from the cache
        african = client.get("/ogp2021/programme?q=african+network", headers=FRAGMENT).text
        opening = client.get("/ogp2021/programme?q=akhannouch", headers=FRAGMENT).text
        page = client.get("/ogp2021/programme?q=akhannouch").text

        assert _titles(african)[0] == AOGN
        assert _titles(opening) == ["Official opening of the OGP Global Summit 2021"]
        assert _titles(page) == _titles(opening)
        assert african.lstrip().startswith('<section id="programme-results"')
        assert "<html" in page and "<html" not in opening


def test_searches_do_not_push_the_programme_out_of_the_cache(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path / "cache.db")
    database = migrated_database(settings)
    with database.write() as db:
        make_summit(db, days=1)
    database.dispose()
    app = create_app(settings, clock=lambda: datetime(2021, 12, 15, tzinfo=UTC))
    with make_client(app) as client:
        app.state.programme_cache = ProgrammeCache(max_pages=4, max_searches=2)
        client.get("/factory/programme")
        for index in range(10):
            client.get(f"/factory/programme?q=session+{index}")
        with count_queries(app.state.db.engine) as statements:
            assert client.get("/factory/programme").status_code == 200

    assert len(statements) == 1  # the summit: the page itself came from the cache


def test_the_api_searches_the_same_way(client: TestClient) -> None:
    found = client.get("/api/v1/summits/ogp2021/sessions", params={"q": "Réseau  AFRICAIN"})

    assert found.status_code == 200
    assert found.json()[0]["code"] == "AFRICAN-OGN-LAUNCH"
    assert client.get("/api/v1/summits/ogp2021/sessions", params={"q": "!!!"}).json() == []


def test_a_draft_never_leaks_through_the_search(
    client: TestClient, demo_database: Database
) -> None:
    with demo_database.write() as db:
        summit = db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()
        stream = db.exec(select(Stream).where(Stream.summit_id == summit.id)).first()
        assert stream is not None
        starts = datetime(2021, 12, 15, 1, tzinfo=UTC)
        for code, published in (("LEAK-DRAFT", False), ("LEAK-UNPUBLISHED", True)):
            # The second would be in the next publication, which has not happened.
            upsert_session(
                db,
                summit=summit,
                data=SessionInput(
                    code=code,
                    kind=SessionKind.PANEL,
                    title={"en": "Xylophagous secrets", "ar": "أسرار زيلوفاجوس"},
                    abstract={"fr": "Les xylophages du brouillon"},
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=1),
                    stream_id=pk(stream),
                    is_published=published,
                ),
            )

    answers = [
        client.get("/ogp2021/programme?q=xylophagous"),
        client.get("/ogp2021/programme?q=XYLOPHAGES", headers=FRAGMENT),
        client.get("/ogp2021/programme", params={"q": "زيلوفاجوس", "lang": "ar"}),
        client.get("/ogp2021/programme?q=xyloph&theme=civic-space", headers=FRAGMENT),
        client.get("/api/v1/summits/ogp2021/sessions?q=xylophagous"),
    ]

    assert [answer.status_code for answer in answers] == [200] * len(answers)
    for answer in answers:
        # The search box repeats the query; nothing after it may.
        shown = answer.text.split('id="programme-results"')[-1]
        assert "ylophag" not in shown.lower()
        assert "زيلوفاجوس" not in shown
        assert "LEAK-" not in answer.text
    assert [_titles(answer.text) for answer in answers[:-1]] == [[], [], [], []]
