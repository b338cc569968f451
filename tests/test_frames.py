"""Pushed messages go to uvicorn's sockets as frames encoded once, read back as sent."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from websockets.sync.client import connect
from websockets.typing import Origin

from summit.agenda.models import Summit
from summit.db import Database
from summit.live.frames import text_frame
from tests.servers import serving_in_thread


@pytest.mark.parametrize("size", [0, 125, 126, 65_535, 65_536, 300_000])
def test_a_text_frame_has_the_length_its_message_needs(size: int) -> None:
    message = "é" * (size // 2) + "x" * (size % 2)
    header = 2 if size < 126 else 4 if size < 65_536 else 10

    frame = text_frame(message)

    assert (frame[0], len(frame)) == (0x81, header + size)
    assert frame[header:].decode() == message


def test_every_socket_reads_the_message_written_to_it_directly(
    demo_app: Starlette, demo_database: Database
) -> None:
    with demo_database.read() as db:
        topic = f"summit:{db.exec(select(Summit.id)).one()}:public"
    messages = ['<div id="a">آخر الأخبار</div>', "<p>" + "long " * 20_000 + "</p>"]
    with serving_in_thread(demo_app) as (address, loop):
        hub = demo_app.state.hub
        origin = Origin(f"http://{address}")
        url = f"ws://{address}/ogp2021/live?page=programme"
        with connect(url, origin=origin) as one, connect(url, origin=origin) as other:
            deadline = time.monotonic() + 30
            while hub.listener_count(topic) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            direct = [s.protocol is not None for group in hub.groups(topic).values() for s in group]
            for message in messages:
                asyncio.run_coroutine_threadsafe(hub.publish(topic, message), loop).result(30)
            received = [[client.recv(timeout=30) for _ in messages] for client in (one, other)]

    assert direct == [True, True]
    assert received == [messages, messages]
