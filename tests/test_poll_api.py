"""Polls through the API: made, opened and read with counts hidden until the close, held to the
page's rate limit, refused to anyone without a token."""

from __future__ import annotations

from sqlmodel import select
from starlette.testclient import TestClient

from summit.db import Database
from summit.polls.models import Poll
from tests.polls_support import API, _make, _opening, _options, _vote


def test_the_api_counts_polls_against_the_same_limit_as_the_page(
    organiser: TestClient, demo_database: Database, bearer: dict[str, str]
) -> None:
    opening = _opening(demo_database)
    for _ in range(10):
        _make(organiser, demo_database, opening)

    answer = organiser.post(
        f"{API}/sessions/{opening}/polls",
        json={"question": {"en": "One more?"}, "options": [{"en": "Yes"}, {"en": "No"}]},
        headers=bearer,
    )

    assert answer.status_code == 429
    assert "You are making polls quickly" in answer.json()["error"]
    with demo_database.read() as db:
        assert len(db.exec(select(Poll)).all()) == 10


def test_the_api_makes_opens_and_reads_polls_hiding_counts_until_the_close(
    client: TestClient, delegate: TestClient, demo_database: Database, bearer: dict[str, str]
) -> None:
    opening = _opening(demo_database)
    made = client.post(
        f"{API}/sessions/{opening}/polls",
        json={
            "question": {"en": "Which first?", "ar": "أيهما أولاً؟"},
            "options": [{"en": "Budgets"}, {"en": "Contracts", "fr": "Marchés"}],
            "results": "after_close",
        },
        headers=bearer,
    )
    poll_id = made.json()["id"]
    opened = client.post(
        f"{API}/sessions/{opening}/polls/{poll_id}/state", json={"status": "open"}, headers=bearer
    )
    with demo_database.read() as db:
        poll = db.get(Poll, poll_id)
    assert poll is not None
    first = _options(demo_database, poll)[0]
    assert _vote(delegate, opening, poll, first) == 200
    while_open = client.get(f"{API}/sessions/{opening}/polls").json()
    client.post(
        f"{API}/sessions/{opening}/polls/{poll_id}/state", json={"status": "closed"}, headers=bearer
    )
    after_close = client.get(f"{API}/sessions/{opening}/polls").json()

    assert (made.status_code, made.json()["status"]) == (201, "draft")
    assert (opened.status_code, opened.json()["status"]) == (200, "open")
    assert while_open[0]["voters"] is None
    assert [option["votes"] for option in while_open[0]["options"]] == [None, None]
    assert after_close[0]["voters"] == 1
    assert [option["votes"] for option in after_close[0]["options"]] == [1, 0]


def test_the_api_refuses_polls_to_anyone_without_a_token(
    client: TestClient, demo_database: Database
) -> None:
    opening = _opening(demo_database)

    answer = client.post(
        f"{API}/sessions/{opening}/polls",
        json={"question": {"en": "?"}, "options": [{"en": "a"}, {"en": "b"}]},
    )

    assert answer.status_code == 401
    with demo_database.read() as db:
        assert db.exec(select(Poll)).all() == []
