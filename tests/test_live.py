"""Live updates over real sockets: what each page receives and replays, the pushed block being
the very block the page and its htmx fragment show, and the events written with each change."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Iterator

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession, Summit
from summit.db import Database
from summit.eventlog import LiveEvent, record
from summit.events import SessionStatusChanged
from tests.conftest import (
    BASE_URL,
    DURING_THE_SUMMIT,
    another_browser,
    csrf_token,
    make_client,
    sign_in,
)

WS = BASE_URL.replace("http://", "ws://")


@pytest.fixture
def opening_id(demo_database: Database) -> int:
    with demo_database.read() as db:
        found = db.exec(select(ProgrammeSession.id).where(ProgrammeSession.code == "OPENING")).one()
    assert found is not None
    return found


@pytest.fixture
def organiser_client(demo_app: object) -> Iterator[TestClient]:
    with make_client(demo_app) as client:  # type: ignore[arg-type]
        sign_in(client, "organiser@example.org")
        yield client


def _set_status(client: TestClient, session_id: int, status: str, delay: str = "") -> int:
    return client.post(
        f"/ogp2021/manage/sessions/{session_id}/status",
        data={"status": status, "delay_minutes": delay},
        headers={
            "origin": BASE_URL,
            "hx-request": "true",
            "x-csrf-token": csrf_token(client, "/ogp2021/manage/"),
        },
    ).status_code


def _event_id(message: str) -> int:
    found = re.search(r'id="live-last-event" hidden data-event-id="(\d+)"', message)
    assert found is not None, message[:200]
    return int(found.group(1))


def test_a_session_page_sees_its_session_go_live(
    organiser_client: TestClient, opening_id: int
) -> None:
    with organiser_client.websocket_connect(
        f"{WS}/ogp2021/live?page=session&session={opening_id}", headers={"origin": BASE_URL}
    ) as socket:
        assert _set_status(organiser_client, opening_id, "live") == 204
        message = socket.receive_text()

    assert '<article id="session-page"' in message
    assert "Live now" in message
    # The player appears, in the viewer's language (the opening has its own channels).
    assert 'src="https://www.youtube-nocookie.com/embed/demo-opening-en"' in message


def test_the_pushed_block_is_the_htmx_fragment(
    organiser_client: TestClient, opening_id: int
) -> None:
    with organiser_client.websocket_connect(
        f"{WS}/ogp2021/live?page=session&session={opening_id}", headers={"origin": BASE_URL}
    ) as socket:
        _set_status(organiser_client, opening_id, "late", "10")
        pushed = socket.receive_text()
    visitor = another_browser(organiser_client)
    fragment = visitor.get(f"/ogp2021/sessions/{opening_id}", headers={"hx-request": "true"}).text

    block = pushed.split("</div>", 1)[1]
    assert block.strip() == fragment.strip()
    assert "Running 10 minutes late" in block


@pytest.mark.parametrize(
    ("page", "region"),
    [
        ("home", '<section id="live-strip"'),
        ("now", '<section id="now-next"'),
        ("programme", '<article class="session-card'),
        ("grid&day=2021-12-15", '<section id="programme-grid"'),
    ],
)
def test_each_page_gets_its_region(
    organiser_client: TestClient, opening_id: int, page: str, region: str
) -> None:
    with organiser_client.websocket_connect(
        f"{WS}/ogp2021/live?page={page}&tz=Asia/Seoul", headers={"origin": BASE_URL}
    ) as socket:
        _set_status(organiser_client, opening_id, "live")
        message = socket.receive_text()

    assert region in message
    assert "Official opening of the OGP Global Summit 2021" in message


def test_a_page_that_does_not_show_the_session_gets_only_the_marker(
    organiser_client: TestClient, opening_id: int, demo_database: Database
) -> None:
    with demo_database.read() as db:
        other = db.exec(select(ProgrammeSession.id).where(ProgrammeSession.code == "CLOSING")).one()
    with organiser_client.websocket_connect(
        f"{WS}/ogp2021/live?page=session&session={other}", headers={"origin": BASE_URL}
    ) as socket:
        _set_status(organiser_client, opening_id, "ended")
        message = socket.receive_text()

    assert (
        message == f'<div id="live-last-event" hidden data-event-id="{_event_id(message)}"></div>'
    )


def test_a_reconnecting_page_receives_exactly_what_it_missed_in_order(
    organiser_client: TestClient, opening_id: int
) -> None:
    with organiser_client.websocket_connect(
        f"{WS}/ogp2021/live?page=session&session={opening_id}", headers={"origin": BASE_URL}
    ) as socket:
        _set_status(organiser_client, opening_id, "live")
        seen = _event_id(socket.receive_text())
    # Away: three changes happen.
    for status, delay in (("late", "5"), ("late", "15"), ("ended", "")):
        _set_status(organiser_client, opening_id, status, delay)

    with organiser_client.websocket_connect(
        f"{WS}/ogp2021/live?page=session&session={opening_id}&last={seen}",
        headers={"origin": BASE_URL},
    ) as socket:
        replayed = [socket.receive_text() for _ in range(3)]
        _set_status(organiser_client, opening_id, "live")
        after = socket.receive_text()

    ids = [_event_id(message) for message in replayed]
    assert ids == [seen + 1, seen + 2, seen + 3]
    # Each replayed message brings the region to the state it is in now.
    assert all("Ended" in message for message in replayed)
    assert _event_id(after) == seen + 4


def test_a_page_that_missed_too_much_is_told_to_refresh(
    organiser_client: TestClient, opening_id: int
) -> None:
    for index in range(101):
        _set_status(organiser_client, opening_id, "late" if index % 2 else "live", "5")

    with organiser_client.websocket_connect(
        f"{WS}/ogp2021/live?page=session&session={opening_id}&last=0",
        headers={"origin": BASE_URL},
    ) as socket:
        message = socket.receive_text()

    assert 'id="live-refresh" hidden data-refresh="1"' in message


def test_publishing_tells_every_page_to_refresh(
    organiser_client: TestClient, opening_id: int
) -> None:
    with organiser_client.websocket_connect(
        f"{WS}/ogp2021/live?page=programme", headers={"origin": BASE_URL}
    ) as socket:
        organiser_client.post(
            f"/ogp2021/manage/sessions/{opening_id}/resize",
            data={"delta": "15", "day": "2021-12-15"},
            headers={
                "origin": BASE_URL,
                "x-csrf-token": csrf_token(organiser_client, "/ogp2021/manage/"),
            },
        )
        organiser_client.post(
            "/ogp2021/manage/publish",
            data={"comment": "", "csrf_token": csrf_token(organiser_client, "/ogp2021/manage/")},
            headers={"origin": BASE_URL},
        )
        message = socket.receive_text()

    assert 'data-refresh="1"' in message


def test_a_refused_change_records_no_event(
    organiser_client: TestClient, opening_id: int, demo_database: Database
) -> None:
    with demo_database.read() as db:
        before = len(db.exec(select(LiveEvent.id)).all())

    status = _set_status(organiser_client, opening_id, "late", "9999")

    with demo_database.read() as db:
        after = len(db.exec(select(LiveEvent.id)).all())
    assert (status, after) == (422, before)


def test_events_are_written_with_their_change(
    organiser_client: TestClient, opening_id: int, demo_database: Database
) -> None:
    _set_status(organiser_client, opening_id, "late", "10")

    with demo_database.read() as db:
        event = db.exec(select(LiveEvent).order_by(LiveEvent.id.desc())).first()  # type: ignore[union-attr]
        session = db.get(ProgrammeSession, opening_id)
    assert event is not None and session is not None
    assert (event.kind, event.subject, event.topic) == (
        "session.status",
        f"session:{opening_id}",
        f"summit:{session.summit_id}:public",
    )
    assert event.payload == {
        "summit_id": session.summit_id,
        "session_id": opening_id,
        "status": "late",
        "delay_minutes": 10,
    }
    assert (session.status, session.delay_minutes) == ("late", 10)


def test_a_cancelled_notification_still_delivers_every_event(
    demo_app: Starlette, demo_database: Database, opening_id: int
) -> None:
    """A broker's poller is cancelled when it listens again, and a request when its client
    leaves: neither may leave an event counted as seen but never delivered."""
    with make_client(demo_app) as client:
        hub = demo_app.state.hub
        dispatcher = demo_app.state.dispatcher
        with demo_database.write() as db:
            summit = db.exec(select(Summit)).one()
            topic = f"summit:{summit.id}:public"
        received: list[str] = []

        async def send(html: str) -> None:
            received.append(html)

        subscription = hub.subscribe(frozenset({topic}), f"session||{opening_id}|en|UTC", send=send)

        async def cancel_in_the_middle() -> None:
            with demo_database.write() as db:
                record(
                    db,
                    [
                        SessionStatusChanged(
                            summit_id=summit.id or 0,
                            session_id=opening_id,
                            status="late",
                            delay_minutes=minutes,
                        )
                        for minutes in (1, 2, 3)
                    ],
                    at=DURING_THE_SUMMIT,
                )
            task = asyncio.create_task(dispatcher.notify())
            while not received:
                await asyncio.sleep(0)
            task.cancel()  # now between delivering the first event and the second
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await dispatcher.notify()

        assert client.portal is not None
        client.portal.call(cancel_in_the_middle)
        delivered = [_event_id(message) for message in received]
        hub.unsubscribe(subscription)

    assert len(delivered) == 3
    assert delivered == sorted(delivered)


def test_the_changes_page_announces_the_day_as_it_happens(
    organiser_client: TestClient, opening_id: int
) -> None:
    with organiser_client.websocket_connect(
        f"{WS}/ogp2021/live?page=changes", headers={"origin": BASE_URL}
    ) as socket:
        _set_status(organiser_client, opening_id, "late", "10")
        message = socket.receive_text()
    fragment = organiser_client.get("/ogp2021/changes", headers={"hx-request": "true"}).text

    pushed = re.search(
        r'<ul id="announcements" data-hx-swap-oob="afterbegin">(.*)</ul>', message, re.S
    )
    assert pushed is not None
    assert "running 10 minutes late" in pushed.group(1)
    # The same line the page itself shows, at the top of its list.
    listed = re.search(r'<ul id="announcements"[^>]*>\s*(.*?</li>)', fragment, re.S)
    assert listed is not None
    assert pushed.group(1).strip() == listed.group(1).strip()
    assert "data-live-region" in fragment and "<html" not in fragment
