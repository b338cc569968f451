"""Live fan-out: how long until every open page has an organiser's change, and what an idle
socket costs, against a minimal Starlette broadcast measured in the same run.

    python bench/fanout.py [--sockets 1000 5000] [--rounds 10] [--no-pin]
    python bench/fanout.py --workers 4 --broker redis|postgres [--sockets 2500] [--baseline 5000]

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
pause; a few sockets opened beforehand stay open meanwhile, see ``HELD``), and the ratios
against the targets. Talks to 127.0.0.1 only; stops by itself.

With ``--workers W``: W ``summit serve`` processes (one worker each, their own ports) share
one SQLite file and a broker (``--redis-url`` or ``--postgres-url``: LISTEN/NOTIFY), with
``--sockets`` page sockets each; the organiser's change goes to the first, and a round lasts
until the last socket of every process has it. It is measured against one process with
``--baseline`` sockets (memory broker, its own copy of the summit), rounds alternating.

When this process may not open every socket at once (the open-files limit, raised to its hard
limit here and inherited by the servers), Summit's rounds and the reference's run one after the
other, each with only its own sockets open. The servers accept any number of sockets from one
address (``SUMMIT_MAX_SOCKETS_PER_CLIENT=0``, set by ``bench/server.py``).

On a machine with two cores or more, the servers run on core 0 and this client on core 1, so
that the client's work does not count as the server's. With ``--workers``, the group's
processes spread over the cores for the group's rounds (``measure_workers`` says how). While a
round is timed, the client (on uvloop, as the servers are) only notes when each socket's event
arrives; it reads the messages afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Coroutine
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TypeVar

import httpx2 as httpx
import uvloop

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.live_client import (  # noqa: E402
    EVENT_ID,
    Figures,
    Organiser,
    RoundResult,
    StampedConnection,
    is_live,
    open_sockets,
    opening_session_id,
    summit_urls,
    timed_round,
)
from bench.reference_server import UVICORN_OPTIONS as REFERENCE_SETTINGS  # noqa: E402
from bench.server import (  # noqa: E402
    Server,
    check_broker,
    pin,
    place,
    raise_open_files_limit,
    reference_server,
    rss_kib,
    serving,
)
from summit.cli import UVICORN_OPTIONS  # noqa: E402

T = TypeVar("T")

TARGET_LAST = {1000: 1.3, 5000: 1.2}
"""Last delivery, Summit ÷ reference: the median over the round pairs, by number of sockets."""
TARGET_MEMORY = 1.15
TARGET_WORKERS = 1.5
"""Last delivery over every process's sockets ÷ one process's with ``--baseline`` sockets."""
TARGET_POST_SECONDS = 0.05
SETTLE_SECONDS = 3.0
CLIENT_CORE = 1
"""Where this process runs when it is pinned; the servers run on core 0."""
HELD = 200
"""Sockets opened before the measured ones, so that what a server builds once (worker threads,
database connections, buffers) is not counted as the cost of a socket; and kept open until the
measured ones are, then closed. Closed before, they would leave memory free for the first
measured sockets to take: those would cost next to nothing, the more so in the server whose
allocations happen to fall that way, and the figure at 1,000 sockets would be a fifth off for
one of the two servers."""


async def warm_up(
    summit: Server, organiser: Organiser, session_id: int, count: int
) -> tuple[str, list[StampedConnection]]:
    """Sign in, warm the server up (templates, programme cache) with one page, and return that
    page's message, and the sockets opened beside it (``HELD``)."""
    await organiser.sign_in()
    [probe] = await open_sockets([f"{ws(summit.base)}/ogp2021/live?page=programme"], summit.base)
    await organiser.toggle()
    # A loaded machine takes long over the first rendering.
    sample = str(await asyncio.wait_for(probe.recv(), 60))
    await probe.close()
    return sample, await open_sockets(
        summit_urls(summit.base, min(count, HELD), session_id), summit.base
    )


async def open_measured(
    figures: Figures, servers: list[Server], urls: list[list[str]]
) -> list[StampedConnection]:
    """Open each server's sockets, noting the servers' memory before and after."""
    figures.rss_before_kib = sum(rss_kib(server.pid) for server in servers)
    sockets: list[StampedConnection] = []
    for server, its_urls in zip(servers, urls, strict=True):
        sockets += await open_sockets(its_urls, server.base)
    await asyncio.sleep(SETTLE_SECONDS)
    figures.rss_after_kib = sum(rss_kib(server.pid) for server in servers)
    return sockets


async def close_all(sockets: list[StampedConnection]) -> None:
    await asyncio.gather(*(socket.close() for socket in sockets))


def ws(base: str) -> str:
    return base.replace("http://", "ws://")


def print_round(count: int, index: int, *rounds: tuple[str, RoundResult]) -> None:
    said = ", ".join(
        f"{name} last {ms(result.last)} ms, POST {ms(result.trigger_seconds)} ms, "
        f"client CPU {ms(result.client_cpu_seconds)} ms "
        f"({result.delivered:,}"
        + "".join(f"; {how_many:,} {why}" for why, how_many in result.missed.items())
        + ")"
        for name, result in rounds
    )
    print(f"  N={count:,} round {index}{' (warm-up)' if not index else ''}: {said}", flush=True)


async def measure(
    count: int, rounds: int, summit: Server, reference: Server, database: Path, together: bool
) -> tuple[Figures, Figures]:
    """Summit against the reference, N sockets each. ``together``: both sets of sockets open at
    once and the rounds alternate; otherwise (more sockets than this process may open twice)
    Summit's rounds, then the reference's, each with only its own sockets open."""
    session_id = opening_session_id(database)
    organiser = Organiser(summit.base, session_id, live=is_live(database, session_id))
    # The reference broadcasts a message of the same size as Summit's.
    sample, summit_held = await warm_up(summit, organiser, session_id, count)
    reference_held = await open_sockets(
        [f"{ws(reference.base)}/ws"] * min(count, HELD), reference.base
    )
    await asyncio.sleep(1)

    ours = Figures("summit", count, message_bytes=len(sample.encode()))
    theirs = Figures("reference", count, message_bytes=len(sample.encode()))
    summit_urls_ = [summit_urls(summit.base, count, session_id)]
    reference_urls = [[f"{ws(reference.base)}/ws"] * count]

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

        if together:
            summit_sockets = await open_measured(ours, [summit], summit_urls_)
            reference_sockets = await open_measured(theirs, [reference], reference_urls)
            await close_all(summit_held + reference_held)
            for index in range(rounds + 1):  # the first is a warm-up
                their_round = await timed_round(reference_sockets, broadcast)
                await asyncio.sleep(0.5)
                our_round = await timed_round(summit_sockets, organiser.toggle)
                await asyncio.sleep(0.5)
                if index:
                    theirs.rounds.append(their_round)
                    ours.rounds.append(our_round)
                print_round(count, index, ("reference", their_round), ("Summit", our_round))
            await close_all(summit_sockets + reference_sockets)
        else:
            for figures, servers, urls, trigger, kept in (
                (ours, [summit], summit_urls_, organiser.toggle, summit_held),
                (theirs, [reference], reference_urls, broadcast, reference_held),
            ):
                sockets = await open_measured(figures, servers, urls)
                await close_all(kept)
                for index in range(rounds + 1):
                    result = await timed_round(sockets, trigger)
                    await asyncio.sleep(0.5)
                    if index:
                        figures.rounds.append(result)
                    print_round(count, index, (figures.name, result))
                await close_all(sockets)
                await asyncio.sleep(1)
    await organiser.client.aclose()
    return ours, theirs


async def measure_workers(
    per_worker: int,
    baseline: int,
    rounds: int,
    single: Server,
    group: list[Server],
    database: Path,
    pinned: bool,
) -> tuple[Figures, Figures]:
    """One Summit process with ``baseline`` sockets against ``len(group)`` processes sharing a
    broker (and a database) with ``per_worker`` sockets each, rounds alternating. A group's round
    is one change, posted to its first process, timed until the last socket of every process
    has it.

    ``pinned``: each side's rounds run where that side does best. The one process's on core 0,
    this client on a core of its own: nothing competes with the one process, which cannot use a
    second core. The group's processes spread over the cores, each on one, in turn: using more
    cores is what a group is for. With fewer than three cores this client shares the cores with
    the group, as it must; with more, it keeps its own."""
    cores = os.cpu_count() or 1
    theirs = [core for core in range(cores) if core != CLIENT_CORE or cores < 3]

    def alone() -> None:
        pin(single.pid, 0, pinned)
        pin(os.getpid(), CLIENT_CORE, pinned)

    def spread() -> None:
        for index, server in enumerate(group):
            pin(server.pid, theirs[index % len(theirs)], pinned)
        # With three cores or more, this client stays on its own (``alone`` put it there).
        if pinned and cores == 2:
            place(os.getpid(), set(range(cores)))

    session_id = opening_session_id(database)
    single_organiser = Organiser(single.base, session_id, live=is_live(database, session_id))
    group_organiser = Organiser(group[0].base, session_id, live=is_live(database, session_id))
    sample, kept = await warm_up(single, single_organiser, session_id, baseline)
    await group_organiser.sign_in()
    # Every process of the group hears the first process's change through the broker.
    probes = [
        (await open_sockets([f"{ws(server.base)}/ogp2021/live?page=programme"], server.base))[0]
        for server in group
    ]
    await group_organiser.toggle()
    for probe in probes:
        await asyncio.wait_for(probe.recv(), 60)
    await close_all(probes)
    for server in group:
        kept += await open_sockets(
            summit_urls(server.base, min(per_worker, HELD), session_id), server.base
        )
    await asyncio.sleep(1)

    total = per_worker * len(group)
    ones = Figures("summit, 1 process", baseline, message_bytes=len(sample.encode()))
    many = Figures(f"summit, {len(group)} processes", total, message_bytes=len(sample.encode()))
    single_sockets = await open_measured(
        ones, [single], [summit_urls(single.base, baseline, session_id)]
    )
    group_sockets = await open_measured(
        many, group, [summit_urls(server.base, per_worker, session_id) for server in group]
    )
    await close_all(kept)
    for index in range(rounds + 1):  # the first is a warm-up
        alone()
        await asyncio.sleep(0.5)
        one_round = await timed_round(single_sockets, single_organiser.toggle)
        spread()
        await asyncio.sleep(0.5)
        group_round = await timed_round(group_sockets, group_organiser.toggle)
        if index:
            ones.rounds.append(one_round)
            many.rounds.append(group_round)
        print_round(total, index, (ones.name, one_round), (many.name, group_round))
    await close_all(single_sockets + group_sockets)
    await single_organiser.client.aclose()
    await group_organiser.client.aclose()
    return many, ones


def run(work: Coroutine[Any, Any, T]) -> T:
    """Run the client on uvloop, as the servers run: Python's own loop takes longer over each
    socket's bytes, time that, where the client shares a core with servers, counts as theirs."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(work)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def report(results: list[tuple[Figures, Figures]], *, against: str, target: float | None) -> None:
    """Each pair is (Summit, what it is measured against): ``against`` names the latter."""
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
        f"| sockets | last delivery, Summit ÷ {against}: median of the round pairs "
        f"(each pair: min / max) | target | memory per socket, Summit ÷ {against} | target "
        "| organiser's POST, p50 | target | all delivered |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for ours, theirs in results:
        pairs = [o.last / t.last for o, t in zip(ours.rounds, theirs.rounds, strict=True)]
        memory_ratio = ours.per_socket_kib / theirs.per_socket_kib
        post = statistics.median(result.trigger_seconds for result in ours.rounds)
        everyone = all(
            result.delivered == figures.sockets
            for figures in (ours, theirs)
            for result in figures.rounds
        )
        wanted = target if target is not None else TARGET_LAST.get(ours.sockets)
        print(
            f"| {ours.sockets:,} | {statistics.median(pairs):.2f}× "
            f"({min(pairs):.2f}× / {max(pairs):.2f}×) "
            f"| {f'≤ {wanted}×' if wanted else '—'} "
            f"| {memory_ratio:.2f}× | ≤ {TARGET_MEMORY}× "
            f"| {ms(post)} ms | ≤ {ms(TARGET_POST_SECONDS)} ms | {'yes' if everyone else 'NO'} |"
        )


def seeded_database(folder: Path, name: str) -> str:
    """A fresh SQLite file with the demo summit; its URL."""
    url = f"sqlite:///{folder / name}"
    env = {**os.environ, "SUMMIT_DATABASE_URL": url, "SUMMIT_LOG_LEVEL": "WARNING"}
    cli = [sys.executable, "-m", "summit.cli"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)  # noqa: S603
    subprocess.run([*cli, "seed"], env=env, check=True, capture_output=True)  # noqa: S603
    return url


def run_single(args: argparse.Namespace, folder: Path, limit: int) -> None:
    url = seeded_database(folder, "bench.db")
    results: list[tuple[Figures, Figures]] = []
    for count in args.sockets:
        # Both sets of sockets open at once need twice as many files in this process.
        together = 2 * (count + HELD) + 100 <= limit
        # Fresh servers for each N: memory freed by the previous N would hide the cost.
        with serving(url, workers=1) as summit, reference_server(args.pin) as reference:
            pin(summit.pid, 0, args.pin)
            print(
                f"N={count}: Summit pid {summit.pid}, reference pid {reference.pid}"
                f"{'' if together else ' (one after the other: too many files for both)'}",
                flush=True,
            )
            results.append(
                run(measure(count, args.rounds, summit, reference, folder / "bench.db", together))
            )
    print(
        f"\nmachine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {args.rounds} rounds"
    )
    report(results, against="reference", target=None)


def run_workers(args: argparse.Namespace, folder: Path) -> None:
    single_url = seeded_database(folder, "single.db")
    group_url = seeded_database(folder, "group.db")
    broker_url = args.redis_url if args.broker == "redis" else args.postgres_url
    per_worker = args.sockets[0]
    with ExitStack() as stack:
        single = stack.enter_context(serving(single_url, workers=1))
        group = [
            stack.enter_context(serving(group_url, workers=1, broker_url=broker_url))
            for _ in range(args.workers)
        ]
        for server in [single, *group]:
            pin(server.pid, 0, args.pin)
        print(
            f"1 process × {args.baseline:,} sockets (pid {single.pid}) against {args.workers} "
            f"processes × {per_worker:,} through {args.broker} "
            f"(pids {', '.join(str(server.pid) for server in group)})",
            flush=True,
        )
        result = run(
            measure_workers(
                per_worker, args.baseline, args.rounds, single, group, folder / "group.db", args.pin
            )
        )
    print(
        f"\nmachine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {args.rounds} rounds"
    )
    report([result], against="1 process", target=TARGET_WORKERS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--sockets",
        type=int,
        nargs="+",
        default=None,
        help="per process (default: 1000 5000; with --workers: 2500)",
    )
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--no-pin", dest="pin", action="store_false", help="leave every process on any core"
    )
    parser.add_argument("--workers", type=int, default=1, help="Summit processes sharing a broker")
    parser.add_argument("--broker", choices=["redis", "postgres"], default="redis")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument(
        "--baseline", type=int, default=5000, help="with --workers: the one process's sockets"
    )
    args = parser.parse_args()
    if args.sockets is None:
        args.sockets = [2500] if args.workers > 1 else [1000, 5000]
    if REFERENCE_SETTINGS != UVICORN_OPTIONS:
        raise SystemExit("bench/reference_server.py must use summit.cli.UVICORN_OPTIONS")
    # Stopped from outside: leave through the context managers, which stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    limit = raise_open_files_limit()
    needed = (
        max(args.sockets) if args.workers == 1 else args.workers * args.sockets[0] + args.baseline
    )
    if needed + 100 > limit:
        raise SystemExit(f"the open-files limit ({limit}) is too low for {needed:,} sockets")
    if args.workers > 1:
        check_broker(args.redis_url if args.broker == "redis" else args.postgres_url)
    pin(os.getpid(), CLIENT_CORE, args.pin)
    with tempfile.TemporaryDirectory() as folder:
        if args.workers > 1:
            run_workers(args, Path(folder))
        else:
            run_single(args, Path(folder), limit)


if __name__ == "__main__":
    main()
