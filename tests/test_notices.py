"""Personal notices: a delegate following a session hears of it going live, running late,
moving or being cancelled, on any open page; others hear nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession
from summit.db import Database
from tests.conftest import (
    BASE_URL,
    another_browser,
    choose_english,
    csrf_token,
    make_client,
    receive_until,
    sign_in,
)

WS = BASE_URL.replace("http://", "ws://")


@pytest.fixture
def ids(demo_database: Database) -> dict[str, int]:
    with demo_database.read() as db:
        return {
            code: session_id
            for code, session_id in db.exec(select(ProgrammeSession.code, ProgrammeSession.id))
            if session_id is not None
        }


@pytest.fixture
def organiser(demo_app: Starlette) -> Iterator[TestClient]:
    with make_client(demo_app) as client:
        sign_in(client, "organiser@example.org")
        yield client


@pytest.fixture
def delegate(organiser: TestClient, ids: dict[str, int]) -> TestClient:
    """The demo delegate, following the opening session: another browser on the app the
    organiser's client runs."""
    client = another_browser(organiser)
    choose_english(client)  # the demo delegate's account speaks Arabic
    sign_in(client, "delegate@example.org")
    answer = client.post(
        f"/ogp2021/sessions/{ids['OPENING']}/follow",
        data={"follow": "1"},
        headers={
            "origin": BASE_URL,
            "hx-request": "true",
            "x-csrf-token": csrf_token(client, "/ogp2021/"),
        },
    )
    assert answer.status_code == 200
    return client


def _post(client: TestClient, path: str, data: dict[str, str]) -> int:
    return client.post(
        path,
        data=data,
        headers={
            "origin": BASE_URL,
            "hx-request": "true",
            "x-csrf-token": csrf_token(client, "/ogp2021/manage/"),
        },
    ).status_code


def _event_id(message: str) -> int:
    found = re.search(r'data-event-id="(\d+)"', message)
    assert found is not None
    return int(found.group(1))


def test_a_follower_hears_a_session_run_late_on_any_page(
    organiser: TestClient, delegate: TestClient, ids: dict[str, int]
) -> None:
    with delegate.websocket_connect(
        f"{WS}/ogp2021/live?page=other&tz=Europe/Paris", headers={"origin": BASE_URL}
    ) as socket:
        status = _post(
            organiser,
            f"/ogp2021/manage/sessions/{ids['OPENING']}/status",
            {"status": "late", "delay_minutes": "10"},
        )
        marker = socket.receive_text()
        notice = receive_until(socket, lambda message: "live-notices" in message)

    assert status == 204
    assert 'id="live-last-event"' in marker
    assert 'id="live-notices" data-hx-swap-oob="beforeend"' in notice
    assert "is running 10 minutes late" in notice
    assert f"/ogp2021/sessions/{ids['OPENING']}" in notice


def test_only_followers_hear_and_the_end_of_a_session_is_not_announced(
    organiser: TestClient, delegate: TestClient, ids: dict[str, int]
) -> None:
    juror = another_browser(organiser)
    sign_in(juror, "juror1@example.org")
    with (
        juror.websocket_connect(
            f"{WS}/ogp2021/live?page=other", headers={"origin": BASE_URL}
        ) as other,
        delegate.websocket_connect(
            f"{WS}/ogp2021/live?page=other", headers={"origin": BASE_URL}
        ) as follower,
    ):
        path = f"/ogp2021/manage/sessions/{ids['OPENING']}/status"
        _post(organiser, path, {"status": "ended"})
        _post(organiser, path, {"status": "live"})
        juror_messages = [other.receive_text(), other.receive_text()]
        follower_messages = [follower.receive_text() for _ in range(3)]

    assert not any("live-notices" in message for message in juror_messages)
    assert "live-notices" not in follower_messages[0]  # ended: no notice
    assert "is live now" in follower_messages[2]


def test_a_follower_hears_a_published_move_in_their_language(
    organiser: TestClient, delegate: TestClient, ids: dict[str, int]
) -> None:
    with delegate.websocket_connect(
        f"{WS}/ogp2021/live?page=programme&lang=fr", headers={"origin": BASE_URL}
    ) as socket:
        _post(
            organiser,
            f"/ogp2021/manage/sessions/{ids['OPENING']}/resize",
            {"delta": "15", "day": "2021-12-15"},
        )
        organiser.post(
            "/ogp2021/manage/publish",
            data={"comment": "", "csrf_token": csrf_token(organiser, "/ogp2021/manage/")},
            headers={"origin": BASE_URL},
        )
        notice = receive_until(socket, lambda message: "live-notices" in message)

    assert "a été déplacée" in notice


def test_a_reconnecting_follower_gets_the_notices_it_missed(
    organiser: TestClient, delegate: TestClient, ids: dict[str, int]
) -> None:
    with delegate.websocket_connect(
        f"{WS}/ogp2021/live?page=other", headers={"origin": BASE_URL}
    ) as socket:
        _post(organiser, f"/ogp2021/manage/sessions/{ids['OPENING']}/status", {"status": "live"})
        seen: list[str] = []

        def live_now(message: str) -> bool:
            seen.append(message)
            return "is live now" in message

        receive_until(socket, live_now)
        last = max(_event_id(message) for message in seen if "data-event-id" in message)
    _post(organiser, f"/ogp2021/manage/sessions/{ids['OPENING']}/status", {"status": "cancelled"})

    with delegate.websocket_connect(
        f"{WS}/ogp2021/live?page=other&last={last}", headers={"origin": BASE_URL}
    ) as socket:
        replayed = receive_until(socket, lambda message: "has been cancelled" in message)

    assert _event_id(replayed) > last
    assert "has been cancelled" in replayed
