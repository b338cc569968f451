"""The bench's browser side of live fan-out: page sockets that note when a message's bytes
arrive, a timed round over many of them, and the demo organiser who makes the change."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import re
import sqlite3
import statistics
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

ROUND_TIMEOUT = 15.0
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
EVENT_MARKER = b'id="live-last-event"'
EVENT_ID = re.compile(r'id="live-last-event" hidden data-event-id="(\d+)"')
# (share of the sockets, query string): mostly one group, as at a real summit.
SUMMIT_MIX = [
    (0.85, "page=programme"),
    (0.05, "page=programme&lang=fr&tz=Europe/Paris"),
    (0.03, "page=programme&lang=ar&tz=Africa/Casablanca"),
    (0.03, "page=home"),
    (0.02, "page=now"),
    (0.02, "page=session&session={session}"),
]


class Timing:
    """The round being timed: how many sockets must get a message, and how many have."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.arrived = 0
        self.all_arrived = asyncio.Event()

    def note(self) -> None:
        self.arrived += 1
        if self.arrived >= self.expected:
            self.all_arrived.set()


class StampedConnection(ClientConnection):
    """A client socket that notes when an event's message arrives. While its round is timed it
    keeps the bytes unparsed, so that parsing one socket's message does not delay noticing the
    next."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timing: Timing | None = None
        """The round this socket is in, while it is timed: each socket counts for its own round
        only. Sockets of another server (the reference's, the other side's of ``--workers``)
        hear other things meanwhile, presence counts among them; counted, they would end a
        round before its last sockets had their message."""
        self.arrived_at: float | None = None
        self.held: list[bytes] = []

    def data_received(self, data: bytes) -> None:
        timing = self.timing
        if timing is None:
            super().data_received(data)
            return
        self.held.append(data)
        # The event's message, not a ping, a pong or a presence count (a session page's):
        # its marker opens the message, whole in these bytes or across the last two reads.
        if self.arrived_at is None and (
            EVENT_MARKER in data or EVENT_MARKER in b"".join(self.held[-2:])
        ):
            self.arrived_at = time.perf_counter()
            timing.note()

    def release(self) -> None:
        held, self.held = self.held, []
        for data in held:
            # Closed by the server meanwhile (it closes a socket it cannot send to for
            # SEND_SECONDS): what it held is lost with it, and counts as not delivered.
            with contextlib.suppress(EOFError):
                super().data_received(data)


@dataclass
class RoundResult:
    delays: list[float]
    delivered: int
    trigger_seconds: float
    client_cpu_seconds: float
    """This process's CPU time from the trigger until the round's last arrival: where it shares
    cores with the servers (``--workers`` on two cores), time they did not have."""
    missed: Counter[str] = field(default_factory=Counter)
    """Why the sockets that did not get the round's event did not, and how many."""

    @property
    def last(self) -> float:
        return max(self.delays, default=float("inf"))

    def percentile(self, cut: int) -> float:
        if len(self.delays) < 2:
            return self.last
        return statistics.quantiles(self.delays, n=100, method="inclusive")[cut - 1]


@dataclass
class Figures:
    name: str
    sockets: int
    rounds: list[RoundResult] = field(default_factory=list)
    rss_before_kib: int = 0
    rss_after_kib: int = 0
    message_bytes: int = 0

    @property
    def per_socket_kib(self) -> float:
        return (self.rss_after_kib - self.rss_before_kib) / self.sockets

    def median_round(self) -> RoundResult:
        ordered = sorted(self.rounds, key=lambda result: result.last)
        return ordered[(len(ordered) - 1) // 2]

    def worst_round(self) -> RoundResult:
        return max(self.rounds, key=lambda result: result.last)


async def open_sockets(urls: list[str], origin: str) -> list[StampedConnection]:
    gate = asyncio.Semaphore(64)

    async def one(url: str) -> StampedConnection:
        async with gate:
            socket = await connect(
                url,
                origin=origin,  # type: ignore[arg-type]
                create_connection=StampedConnection,
                ping_interval=None,  # browsers do not ping either
                open_timeout=60,
                max_queue=None,
            )
            assert isinstance(socket, StampedConnection)
            return socket

    return list(await asyncio.gather(*(one(url) for url in urls)))


async def timed_round(
    sockets: list[StampedConnection], trigger: Callable[[], Awaitable[None]]
) -> RoundResult:
    timing = Timing(len(sockets))
    for socket in sockets:
        socket.arrived_at = None
        socket.timing = timing
    # A socket's arrival is stamped when this process reads it: a garbage collection here
    # (a full one walks thousands of sockets' objects) would stamp late, and count as the
    # servers' time. The round's few allocations wait until it ends.
    gc.disable()
    try:
        started, cpu_before = time.perf_counter(), time.process_time()
        await trigger()
        trigger_seconds = time.perf_counter() - started
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(timing.all_arrived.wait(), ROUND_TIMEOUT)
        client_cpu = time.process_time() - cpu_before
    finally:
        gc.enable()
    for socket in sockets:
        socket.timing = None
    stamps = [socket.arrived_at for socket in sockets]
    for socket in sockets:
        socket.release()
    # Count the sockets that got the round's event (the one most of them got), once each, and
    # say why the others did not.
    seen: list[str] = []
    for socket, stamp in zip(sockets, stamps, strict=True):
        seen.append(await _event_of(socket) if stamp is not None else "nothing arrived")
    event = statistics.mode(seen)
    delays = [
        stamp - started
        for stamp, event_id in zip(stamps, seen, strict=True)
        if stamp is not None and event_id == event and event.isdigit()
    ]
    missed = Counter(
        what if not what.isdigit() else "an earlier or later event"
        for what in seen
        if what != event or not event.isdigit()
    )
    return RoundResult(delays, len(delays), trigger_seconds, client_cpu, missed)


async def _event_of(socket: StampedConnection) -> str:
    """The id of the event a socket's next message carries, or what came instead."""
    while True:
        try:
            message = str(await asyncio.wait_for(socket.recv(), 10))
        except ConnectionClosed as closed:  # by the server, for not reading: not delivered
            return f"closed: {closed.rcvd.code if closed.rcvd else 'no close frame'}"
        except TimeoutError:
            return "no message"
        found = EVENT_ID.search(message)
        if found is not None:
            return found.group(1)
        # Session pages also hear how many have them open (presence, no event id): skip those.
        if 'class="presence"' not in message:
            return f"another message: {message[:60]!r}"


class Organiser:
    """The demo organiser's browser: signed in, changing a session's status."""

    def __init__(self, base: str, session_id: int, *, live: bool) -> None:
        self.client = httpx.AsyncClient(base_url=base, headers={"origin": base}, timeout=30)
        self.session_id = session_id
        self.token = ""
        self.live = live

    async def sign_in(self) -> None:
        token = self._token((await self.client.get("/signin")).text)
        response = await self.client.post(
            "/signin",
            data={
                "email": "organiser@example.org",
                "password": "summit-demo-2021",
                "next": "/",
                "csrf_token": token,
            },
        )
        assert response.status_code == 303, response.text
        self.token = self._token((await self.client.get("/ogp2021/manage/")).text)

    async def toggle(self) -> None:
        self.live = not self.live
        response = await self.client.post(
            f"/ogp2021/manage/sessions/{self.session_id}/status",
            data={"status": "live" if self.live else "scheduled", "delay_minutes": ""},
            headers={"hx-request": "true", "x-csrf-token": self.token},
        )
        assert response.status_code == 204, response.text

    @staticmethod
    def _token(page: str) -> str:
        found = CSRF_FIELD.search(page)
        assert found is not None
        return found.group(1)


def summit_urls(base: str, count: int, session_id: int) -> list[str]:
    ws = base.replace("http://", "ws://")
    urls: list[str] = []
    for share, query in SUMMIT_MIX[1:]:
        urls += [f"{ws}/ogp2021/live?{query.format(session=session_id)}"] * round(share * count)
    main = f"{ws}/ogp2021/live?{SUMMIT_MIX[0][1]}"
    return [main] * (count - len(urls)) + urls


def opening_session_id(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        row = connection.execute(
            "SELECT id FROM programme_session WHERE code = 'OPENING'"
        ).fetchone()
    return int(row[0])


def is_live(database: Path, session_id: int) -> bool:
    with sqlite3.connect(database) as connection:
        row = connection.execute(
            "SELECT status FROM published_session WHERE id = ?", (session_id,)
        ).fetchone()
    return bool(row[0] == "live")
