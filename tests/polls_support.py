"""The demo's opening session, a delegate and a juror signed in, and the posts that make, open,
close and vote in polls, shared by the poll tests."""

from __future__ import annotations

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession
from summit.db import Database
from summit.polls.models import Poll, PollOption
from tests.conftest import (
    BASE_URL,
    another_browser,
    choose_english,
    csrf_token,
    htmx_post,
    sign_in,
)

WS = BASE_URL.replace("http://", "ws://")
API = "/api/v1/summits/ogp2021"


def _opening(database: Database) -> int:
    with database.read() as db:
        found = db.exec(select(ProgrammeSession.id).where(ProgrammeSession.code == "OPENING")).one()
    assert found is not None
    return found


def _make(
    organiser: TestClient,
    database: Database,
    session_id: int,
    *,
    options: tuple[str, ...] = ("Yes", "No", "Not sure"),
    multiple: bool = False,
    hidden: bool = False,
) -> Poll:
    fields = {"question_en": "Should budgets be open?", "question_fr": "Budgets ouverts ?"}
    for slot, label in enumerate(options):
        fields[f"option_{slot}_en"] = label
    if multiple:
        fields["multiple"] = "1"
    if hidden:
        fields["hide_results"] = "1"
    answer = htmx_post(organiser, f"/ogp2021/sessions/{session_id}/polls", fields)
    assert answer.status_code == 200, answer.text
    with database.read() as db:
        made = db.exec(select(Poll).order_by(col(Poll.id).desc())).first()
    assert made is not None
    return made


def _options(database: Database, poll: Poll) -> list[int]:
    with database.read() as db:
        return [
            option.id or 0
            for option in db.exec(
                select(PollOption)
                .where(PollOption.poll_id == poll.id)
                .order_by(col(PollOption.position))
            )
        ]


def _open_poll(organiser: TestClient, database: Database) -> tuple[int, Poll, list[int]]:
    """The opening session, a poll the organiser made there and opened, and its options."""
    opening = _opening(database)
    poll = _make(organiser, database, opening)
    options = _options(database, poll)
    _state(organiser, opening, poll, "open")
    return opening, poll, options


def _state(organiser: TestClient, session_id: int, poll: Poll, status: str) -> None:
    answer = htmx_post(
        organiser, f"/ogp2021/sessions/{session_id}/polls/{poll.id}/state", {"status": status}
    )
    assert answer.status_code == 200, answer.text


def _vote(client: TestClient, session_id: int, poll: Poll, *options: int) -> int:
    answer = client.post(
        f"/ogp2021/sessions/{session_id}/polls/{poll.id}/vote",
        data={"option": [str(option) for option in options]},
        headers={
            "origin": BASE_URL,
            "hx-request": "true",
            "x-csrf-token": csrf_token(client, f"/ogp2021/sessions/{session_id}/polls"),
        },
    )
    return int(answer.status_code)


@pytest.fixture
def delegate(client: TestClient) -> TestClient:
    """A delegate's browser on the app that ``client`` runs (the organiser's, when a test has
    one)."""
    browser = another_browser(client)
    sign_in(browser, "delegate2@example.org")
    choose_english(browser)
    return browser


@pytest.fixture
def juror(client: TestClient) -> TestClient:
    """A juror's browser on the app that ``client`` runs."""
    browser = another_browser(client)
    sign_in(browser, "juror1@example.org")
    choose_english(browser)  # the juror's account speaks French
    return browser
