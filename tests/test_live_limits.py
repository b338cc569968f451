"""The live socket's limits: a message or frame over the size limit, too many incoming messages
(a burst, then a steady rate), and a client that never reads, closed while the others are served."""

from __future__ import annotations

import asyncio
import socket as socket_module
import time

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from websockets.sync.client import connect
from websockets.typing import Origin

from summit.agenda.models import Summit
from summit.db import Database
from summit.live.hub import OVERFLOW, SUBSCRIBER_BUFFER, MemoryHub
from summit.live.routes import INCOMING_BURST, MAX_INCOMING_BYTES, TokenBucket
from tests.conftest import BASE_URL
from tests.servers import serving_in_thread

WS = BASE_URL.replace("http://", "ws://")


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
    with serving_in_thread(demo_app) as (address, _loop):
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
    with serving_in_thread(demo_app) as (address, loop):
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
