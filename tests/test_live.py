"""Live updates over real sockets: what each page receives, replays, and the pushed block
being the very block the page and its htmx fragment show."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket as socket_module
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from websockets.sync.client import connect
from websockets.typing import Origin

from summit.agenda.models import ProgrammeSession, Summit
from summit.cli import UVICORN_OPTIONS
from summit.db import Database
from summit.eventlog import LiveEvent, record
from summit.events import SessionStatusChanged
from summit.live.hub import OVERFLOW, SUBSCRIBER_BUFFER, MemoryHub
from summit.live.routes import INCOMING_BURST, MAX_INCOMING_BYTES, TokenBucket
from tests.conftest import BASE_URL, DURING_THE_SUMMIT, csrf_token, make_client, sign_in
from tests.servers import free_port

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
    organiser_client: TestClient, demo_app: object, opening_id: int
) -> None:
    with organiser_client.websocket_connect(
        f"{WS}/ogp2021/live?page=session&session={opening_id}", headers={"origin": BASE_URL}
    ) as socket:
        _set_status(organiser_client, opening_id, "late", "10")
        pushed = socket.receive_text()
    with make_client(demo_app) as visitor:  # type: ignore[arg-type]
        fragment = visitor.get(
            f"/ogp2021/sessions/{opening_id}", headers={"hx-request": "true"}
        ).text

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


def test_a_message_over_the_size_limit_closes_the_socket(client: TestClient) -> None:
    with client.websocket_connect(
        f"{WS}/ogp2021/live?page=programme", headers={"origin": BASE_URL}
    ) as socket:
        socket.send_text("x" * MAX_INCOMING_BYTES)
        socket.send_bytes(b"x" * (MAX_INCOMING_BYTES + 1))
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_text()

    assert (closed.value.code, closed.value.reason) == (1009, "message too big")


def test_a_socket_that_sends_too_many_messages_is_closed(client: TestClient) -> None:
    with client.websocket_connect(
        f"{WS}/ogp2021/live?page=programme", headers={"origin": BASE_URL}
    ) as socket:
        for _ in range(2 * INCOMING_BURST):
            socket.send_text("{}")
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_text()

    assert (closed.value.code, closed.value.reason) == (1008, "too many messages")


def test_the_incoming_allowance_is_a_burst_then_a_steady_rate() -> None:
    now = [0.0]
    bucket = TokenBucket(3, 0.5, clock=lambda: now[0])

    burst = [bucket.take() for _ in range(4)]
    now[0] = 1.0  # half a message earned: still refused
    early = bucket.take()
    now[0] = 2.0
    later = [bucket.take(), bucket.take()]
    now[0] = 100.0  # a long quiet spell earns the burst back, not more
    after_quiet = [bucket.take() for _ in range(4)]

    assert (burst, early, later, after_quiet) == (
        [True, True, True, False],
        False,
        [True, False],
        [True, True, True, False],
    )


@contextmanager
def serving(app: Starlette) -> Iterator[tuple[str, asyncio.AbstractEventLoop]]:
    """``app`` served by uvicorn as ``summit serve`` serves it, in a thread; its address and
    its event loop."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **UVICORN_OPTIONS)
    )
    loops: list[asyncio.AbstractEventLoop] = []

    async def serve() -> None:
        loops.append(asyncio.get_running_loop())
        await server.serve()

    thread = threading.Thread(target=asyncio.run, args=(serve(),))
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started
        yield f"127.0.0.1:{port}", loops[0]
    finally:
        server.should_exit = True
        thread.join(30)


def _stuck_client(address: str) -> socket_module.socket:
    """A page's socket whose client never reads what it is sent."""
    raw = socket_module.socket()
    raw.setsockopt(socket_module.SOL_SOCKET, socket_module.SO_RCVBUF, 4096)
    host, port = address.split(":")
    raw.connect((host, int(port)))
    raw.sendall(
        (
            "GET /ogp2021/live?page=programme HTTP/1.1\r\n"
            f"Host: {address}\r\nOrigin: http://{address}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += raw.recv(1)
    assert answer.startswith(b"HTTP/1.1 101"), answer
    return raw


def _read_close(raw: socket_module.socket) -> int:
    """Reads the server's frames until its close frame; its status code."""
    raw.settimeout(10)

    def exactly(count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = raw.recv(count - len(data))
            assert chunk, "the connection ended without a close frame"
            data += chunk
        return data

    while True:
        first, second = exactly(2)
        length = second & 0x7F
        if length == 126:
            length = int.from_bytes(exactly(2), "big")
        elif length == 127:
            length = int.from_bytes(exactly(8), "big")
        payload = exactly(length)
        if first & 0x0F == 0x8:
            return int.from_bytes(payload[:2], "big")


def test_a_frame_over_the_message_limit_is_refused_from_its_header(
    demo_app: Starlette,
) -> None:
    """uvicorn's default would read (and hold) up to 16 MiB of it first."""
    with serving(demo_app) as (address, _loop):
        raw = _stuck_client(address)
        try:
            # A masked text frame that announces 16 MiB; only its first bytes are ever sent.
            header = bytes([0x81, 0x80 | 127]) + (16 * 1024 * 1024).to_bytes(8, "big")
            raw.sendall(header + b"mask" + b"x" * 64)
            code = _read_close(raw)
        finally:
            raw.close()

    assert code == 1009


def test_a_client_that_never_reads_is_closed_and_the_others_are_served_meanwhile(
    demo_app: Starlette, demo_database: Database
) -> None:
    with demo_database.read() as db:
        topic = f"summit:{db.exec(select(Summit.id)).one()}:public"
    hub: MemoryHub
    with serving(demo_app) as (address, loop):
        hub = demo_app.state.hub
        stuck = _stuck_client(address)
        with connect(
            f"ws://{address}/ogp2021/live?page=programme", origin=Origin(f"http://{address}")
        ) as reader:
            deadline = time.monotonic() + 30
            while hub.listener_count(topic) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            subscriptions = [s for group in hub.groups(topic).values() for s in group]
            big = "x" * 256 * 1024  # a few fill the stuck client's buffers
            received = []
            for index in range(SUBSCRIBER_BUFFER * 3):
                message = f'<div id="m{index}">{big}</div>'
                asyncio.run_coroutine_threadsafe(hub.publish(topic, message), loop).result(30)
                # The reader has each message before the next is published: never held up.
                received.append(reader.recv(timeout=30) == message)
                if hub.listener_count(topic) == 1:
                    break
        stuck.close()

    assert ([s.closed for s in subscriptions].count(OVERFLOW), hub.listener_count(topic)) == (1, 0)
    assert received == [True] * len(received)
