"""Live fan-out: how long until every open page has an organiser's change, and what an idle
socket costs, against a minimal Starlette broadcast measured in the same run.

    python bench/fanout.py [--sockets 1000 5000] [--rounds 10] [--no-pin]

For each number of sockets N, starts two servers on 127.0.0.1, each in its own process:
``summit serve`` (one worker, SQLite, the demo summit) and ``bench/reference_server.py`` (a
plain loop that sends one string to every socket). It opens N sockets on each from this
process (Summit's are real page sockets: mostly the programme in the default language and
zone, a few in French or Arabic, on the home, "now" and session pages), then, round after
round, alternately:

- Summit: the demo organiser, signed in over HTTP, changes the opening session's status
  (``POST /ogp2021/manage/sessions/<id>/status``); the page sockets get the rendered message.
- Reference: ``POST /broadcast`` with a message of the same size as Summit's.

A round is timed from just before the POST until each socket has its message: p50, p99 and
the last one, and how many got it (the right event). Prints the median round and the worst,
the servers' memory per idle socket (RSS after opening the sockets minus before, after a
pause), and the ratios against the targets. Talks to 127.0.0.1 only; stops by itself.

On a machine with two cores or more, the servers run on core 0 and this client on core 1, so
that the client's work does not count as the server's. While a round is timed, the client only
notes when bytes arrive; it reads the messages afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import httpx2 as httpx
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.reference_server import UVICORN_OPTIONS as REFERENCE_SETTINGS  # noqa: E402
from bench.server import Server, free_port, serving  # noqa: E402
from summit.cli import UVICORN_OPTIONS  # noqa: E402

TARGET_LAST = {1000: 1.3, 5000: 1.2}
"""Last delivery, Summit ÷ reference: the median over the round pairs, by number of sockets."""
TARGET_MEMORY = 1.15
TARGET_POST_SECONDS = 0.05
ROUND_TIMEOUT = 15.0
SETTLE_SECONDS = 3.0
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
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
    """A client socket that notes when a message's bytes arrive. While a round is timed it keeps
    the bytes unparsed, so that parsing one socket's message does not delay noticing the next."""

    timing: ClassVar[Timing | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arrived_at: float | None = None
        self.held: list[bytes] = []

    def data_received(self, data: bytes) -> None:
        timing = StampedConnection.timing
        if timing is None:
            super().data_received(data)
            return
        self.held.append(data)
        # A few bytes are a ping or a pong, not the message.
        if self.arrived_at is None and len(data) > 16:
            self.arrived_at = time.perf_counter()
            timing.note()

    def release(self) -> None:
        held, self.held = self.held, []
        for data in held:
            super().data_received(data)


@dataclass
class RoundResult:
    delays: list[float]
    delivered: int
    trigger_seconds: float

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


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def raise_open_files_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        # Inherited by the servers this process starts.
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def pin(pid: int, core: int, enabled: bool) -> None:
    if enabled and (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(pid, {core})


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
    for socket in sockets:
        socket.arrived_at = None
    timing = StampedConnection.timing = Timing(len(sockets))
    started = time.perf_counter()
    await trigger()
    trigger_seconds = time.perf_counter() - started
    try:
        await asyncio.wait_for(timing.all_arrived.wait(), ROUND_TIMEOUT)
    except TimeoutError:
        pass
    StampedConnection.timing = None
    stamps = [socket.arrived_at for socket in sockets]
    for socket in sockets:
        socket.release()
    # Count the sockets that got the round's event (the one most of them got), once each.
    seen: list[str | None] = []
    for socket, stamp in zip(sockets, stamps, strict=True):
        if stamp is None:
            seen.append(None)
            continue
        # Session pages also hear how many have them open (presence, no event id): skip those.
        found = None
        while found is None:
            message = await asyncio.wait_for(socket.recv(), 10)
            found = EVENT_ID.search(str(message))
            if found is None and 'class="presence"' not in str(message):
                break
        seen.append(found.group(1) if found else None)
    event = statistics.mode(seen)
    delays = [
        stamp - started
        for stamp, event_id in zip(stamps, seen, strict=True)
        if stamp is not None and event_id == event and event is not None
    ]
    return RoundResult(delays=delays, delivered=len(delays), trigger_seconds=trigger_seconds)


@contextmanager
def reference_server(pin_cores: bool) -> Iterator[Server]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "reference_server.py"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the reference server did not start")
            time.sleep(0.1)
        pin(process.pid, 0, pin_cores)
        yield Server(base=base, pid=process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


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


async def measure(
    count: int, rounds: int, summit: Server, reference: Server, database: Path
) -> tuple[Figures, Figures]:
    session_id = opening_session_id(database)
    organiser = Organiser(summit.base, session_id, live=is_live(database, session_id))
    await organiser.sign_in()
    # Warm Summit up (templates, programme cache) with one page, and keep its message: the
    # reference broadcasts one of the same size.
    [probe] = await open_sockets(
        [f"{summit.base.replace('http', 'ws')}/ogp2021/live?page=programme"], summit.base
    )
    await organiser.toggle()
    sample = str(await asyncio.wait_for(probe.recv(), 10))
    await probe.close()
    # Open and close a few sockets on both, so that what every server builds once (worker
    # threads, database connections, buffers) is not counted as the cost of a socket.
    warm_up = min(count, 200)
    for sockets in (
        await open_sockets(summit_urls(summit.base, warm_up, session_id), summit.base),
        await open_sockets(
            [f"{reference.base.replace('http', 'ws')}/ws"] * warm_up, reference.base
        ),
    ):
        await asyncio.gather(*(socket.close() for socket in sockets))
    await asyncio.sleep(1)

    ours = Figures("summit", count, message_bytes=len(sample.encode()))
    theirs = Figures("reference", count, message_bytes=len(sample.encode()))
    ours.rss_before_kib = rss_kib(summit.pid)
    summit_sockets = await open_sockets(summit_urls(summit.base, count, session_id), summit.base)
    theirs.rss_before_kib = rss_kib(reference.pid)
    reference_sockets = await open_sockets(
        [f"{reference.base.replace('http', 'ws')}/ws"] * count, reference.base
    )
    await asyncio.sleep(SETTLE_SECONDS)
    ours.rss_after_kib = rss_kib(summit.pid)
    theirs.rss_after_kib = rss_kib(reference.pid)

    async with httpx.AsyncClient(base_url=reference.base, timeout=30) as plain:
        number = 0

        async def broadcast() -> None:
            nonlocal number
            number += 1
            body = EVENT_ID.sub(
                f'id="live-last-event" hidden data-event-id="{900000 + number}"', sample
            )
            response = await plain.post("/broadcast", content=body.encode())
            assert response.status_code == 204

        for index in range(rounds + 1):  # the first is a warm-up
            their_round = await timed_round(reference_sockets, broadcast)
            await asyncio.sleep(0.5)
            our_round = await timed_round(summit_sockets, organiser.toggle)
            await asyncio.sleep(0.5)
            if index:
                theirs.rounds.append(their_round)
                ours.rounds.append(our_round)
            print(
                f"  N={count} round {index}{' (warm-up)' if not index else ''}: "
                f"reference last {their_round.last * 1000:.0f} ms, "
                f"Summit last {our_round.last * 1000:.0f} ms "
                f"({our_round.delivered}/{count})",
                flush=True,
            )

    await asyncio.gather(*(socket.close() for socket in summit_sockets + reference_sockets))
    await organiser.client.aclose()
    return ours, theirs


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


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def report(results: list[tuple[Figures, Figures]]) -> None:
    print()
    print(
        "| sockets | server | message | p50 ms | p99 ms | last ms (median round) "
        "| last ms (worst round) | delivered (worst) | POST ms | memory per idle socket |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for ours, theirs in results:
        for figures in (theirs, ours):
            median, worst = figures.median_round(), figures.worst_round()
            delivered = min(result.delivered for result in figures.rounds)
            trigger = statistics.median(result.trigger_seconds for result in figures.rounds)
            print(
                f"| {figures.sockets:,} | {figures.name} | {figures.message_bytes:,} B "
                f"| {ms(median.percentile(50))} | {ms(median.percentile(99))} "
                f"| {ms(median.last)} | {ms(worst.last)} "
                f"| {delivered:,}/{figures.sockets:,} | {ms(trigger)} "
                f"| {figures.per_socket_kib:.1f} KiB |"
            )
    print()
    print(
        "| sockets | last delivery, Summit ÷ reference: median of the round pairs "
        "(each pair: min / max) | target | memory per socket, Summit ÷ reference | target "
        "| organiser's POST, p50 | target | all delivered |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for ours, theirs in results:
        pairs = [o.last / t.last for o, t in zip(ours.rounds, theirs.rounds, strict=True)]
        memory_ratio = ours.per_socket_kib / theirs.per_socket_kib
        post = statistics.median(result.trigger_seconds for result in ours.rounds)
        everyone = all(result.delivered == ours.sockets for result in ours.rounds)
        target = TARGET_LAST.get(ours.sockets)
        print(
            f"| {ours.sockets:,} | {statistics.median(pairs):.2f}× "
            f"({min(pairs):.2f}× / {max(pairs):.2f}×) "
            f"| {f'≤ {target}×' if target else '—'} "
            f"| {memory_ratio:.2f}× | ≤ {TARGET_MEMORY}× "
            f"| {ms(post)} ms | ≤ {ms(TARGET_POST_SECONDS)} ms | {'yes' if everyone else 'NO'} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sockets", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--no-pin", action="store_true", help="leave every process on any core")
    args = parser.parse_args()
    pin_cores = not args.no_pin
    if REFERENCE_SETTINGS != UVICORN_OPTIONS:
        raise SystemExit("bench/reference_server.py must use summit.cli.UVICORN_OPTIONS")
    # Stopped from outside: leave through the context managers, which stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    limit = raise_open_files_limit()
    if 2 * max(args.sockets) + 100 > limit:
        raise SystemExit(f"the open-files limit ({limit}) is too low for {max(args.sockets)}")
    pin(0, 1, pin_cores)

    results: list[tuple[Figures, Figures]] = []
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        url = f"sqlite:///{database}"
        env = {**os.environ, "SUMMIT_DATABASE_URL": url, "SUMMIT_LOG_LEVEL": "WARNING"}
        cli = [sys.executable, "-m", "summit.cli"]
        subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
        subprocess.run([*cli, "seed"], env=env, check=True, capture_output=True)
        for count in args.sockets:
            # Fresh servers for each N: memory freed by the previous N would hide the cost.
            with serving(url, workers=1) as summit, reference_server(pin_cores) as reference:
                pin(summit.pid, 0, pin_cores)
                print(
                    f"N={count}: Summit pid {summit.pid}, reference pid {reference.pid}", flush=True
                )
                results.append(
                    asyncio.run(measure(count, args.rounds, summit, reference, database))
                )
    cores = os.cpu_count()
    print(f"\nmachine: {cores} cores, Python {sys.version.split()[0]}, {args.rounds} rounds")
    report(results)


if __name__ == "__main__":
    main()
