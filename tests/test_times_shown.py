"""Times as a reader sees them: never seconds, and the weekday and date wherever a list of
sessions spans days."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from tests.conftest import csrf_token, sign_in
from tests.crawl import crawl, visible_text

SECONDS = re.compile(r"\d{1,2}:\d{2}:\d{2}")
START = ["/", "/ogp2021/", "/ogp2021/manage/", "/ogp2021/jury", "/ogp2021/agenda"]


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
@pytest.mark.parametrize("email", ["organiser@example.org", "juror1@example.org"])
def test_no_page_shows_seconds(client: TestClient, language: str, email: str) -> None:
    sign_in(client, email)
    client.get(f"/ogp2021/?lang={language}")

    pages = dict(crawl(client, START))
    with_seconds = {
        path: SECONDS.findall(visible_text(html))
        for path, html in pages.items()
        if SECONDS.search(visible_text(html))
    }

    assert len(pages) > (30 if email.startswith("organiser") else 10)
    assert with_seconds == {}


def test_the_scan_sees_seconds_where_a_page_shows_them() -> None:
    page = '<td>Dec 15, 2021, 9:00:45 AM</td><time datetime="2021-12-15T00:00:45+00:00">9:00</time>'

    assert SECONDS.findall(visible_text(page)) == ["9:00:45"]


@pytest.mark.parametrize(
    ("path", "language", "weekday"),
    [
        ("/ogp2021/speakers/noor-placeholder", "en", "Wed, Dec 15"),
        ("/ogp2021/delegations/morocco", "fr", "mer. 15 déc."),
        ("/ogp2021/delegations/morocco", "ar", "الأربعاء، 15 ديسمبر"),
    ],
)
def test_lists_of_sessions_say_the_weekday_and_date(
    client: TestClient, path: str, language: str, weekday: str
) -> None:
    page = client.get(f"{path}?lang={language}&tz=Asia/Seoul").text

    assert weekday in page
    cards = re.findall(r'class="session-card[ "]', page)
    assert page.count('class="session-time__day"') == len(cards)


def test_a_followers_agenda_says_the_day_of_each_session(client: TestClient) -> None:
    sign_in(client, "delegate2@example.org")
    client.get("/ogp2021/?lang=en&tz=Asia/Seoul")
    programme = client.get("/ogp2021/programme").text
    ids = [int(found) for found in re.findall(r'id="session-(\d+)"', programme)]
    token = csrf_token(client, "/ogp2021/")
    for session_id in (ids[0], ids[-1]):
        client.post(
            f"/ogp2021/sessions/{session_id}/follow",
            data={"follow": "1", "csrf_token": token},
            headers={"origin": "http://127.0.0.1:8000"},
        )

    page = client.get("/ogp2021/agenda").text

    days = re.findall(r'class="session-time__day">([^<]+)<', page)
    assert days[0].startswith("Wed") and days[-1].startswith("Fri")
