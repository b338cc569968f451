"""The programme's pages and exports, cold and warm, beside pretalx's in the same run.

    python bench/programme.py [--sessions 300] [--duration 10] [--connections 32]
                              [--pretalx http://127.0.0.1:8355/summit] [--repeat 5]

Builds a summit comparable to the pretalx rig's event (``bench/rich_summit.py``: abstracts of
about 600 characters, two or three speakers with biographies per session, themes and
delegations), serves it with ``summit serve`` (one worker, SQLite) and measures, per address:

- cold, fresh process: the first request to a server just started (one start per address);
- cold, after a publication: the first request after the summit's stamp rises the way a
  publication raises it (median of ``--repeat``);
- warm: wrk for ``--duration`` seconds at ``--connections`` connections, kept alive, then with
  ``Connection: close`` (what pretalx's gunicorn answers every request with);
- size on the wire: identity and brotli.

With ``--pretalx`` (the rig in /work/shared/rigs/pretalx, started with its run.sh), the same
wrk runs against pretalx's equivalent addresses, and the median of ``--repeat`` requests one at
a time (pretalx renders every request: that is both its cold and its warm figure). Talks to
127.0.0.1 only; stops by itself.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import rich_summit  # noqa: E402
from bench.server import serving  # noqa: E402
from summit.db import Database, create_db_engine  # noqa: E402
from summit.migrate import upgrade  # noqa: E402
from summit.settings import Settings  # noqa: E402


@dataclass(frozen=True)
class Address:
    label: str
    summit: str
    pretalx: str | None
    accept: str = "*/*"


@dataclass(frozen=True)
class Warm:
    rate: float
    p50: str
    p99: str

    def cells(self) -> str:
        return f"{self.rate:,.0f} | {self.p50} | {self.p99}"


def addresses(session_path: str, day: str, talk: str | None) -> list[Address]:
    talk_path = f"/talk/{talk}/" if talk else None
    return [
        Address("programme page, every session", "/bench/programme", "/schedule/nojs", "text/html"),
        Address("programme, one day", f"/bench/programme?day={day}", None, "text/html"),
        Address("session page", session_path, talk_path, "text/html"),
        Address(
            "schedule.json (frab)",
            "/bench/schedule/export/schedule.json",
            "/schedule/export/schedule.json",
        ),
        Address(
            "schedule.xml (frab)",
            "/bench/schedule/export/schedule.xml",
            "/schedule/export/schedule.xml",
        ),
        Address(
            "schedule.ics", "/bench/schedule/export/schedule.ics", "/schedule/export/schedule.ics"
        ),
    ]


def wrk(url: str, *, duration: int, connections: int, headers: tuple[str, ...] = ()) -> Warm:
    extra = [part for header in headers for part in ("-H", header)]
    out = subprocess.run(  # noqa: S603 - our own command line
        [
            shutil.which("wrk") or "wrk",
            "--latency",
            "--timeout",
            "60s",
            "-t",
            "1",
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            *extra,
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1)  # type: ignore[union-attr]
    if "Non-2xx" in out:
        raise SystemExit(f"{url} answered errors:\n{out}")
    return Warm(rate, p50, p99)


def timed_get(url: str, accept: str) -> float:
    started = time.perf_counter()
    answer = httpx.get(url, headers={"accept": accept}, timeout=600)
    elapsed = time.perf_counter() - started
    if answer.status_code != 200:
        raise SystemExit(f"{url} answered {answer.status_code}")
    return elapsed


def wire_bytes(url: str, accept: str, encoding: str) -> int:
    headers = {"accept": accept, "accept-encoding": encoding}
    with httpx.stream("GET", url, headers=headers, timeout=600) as answer:
        return sum(len(chunk) for chunk in answer.iter_raw())


def bump_stamp(database: Path) -> None:
    """What a publication does to the summit row, which every request reads: the cached
    programme, pages and exports are then all stale."""
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE summit SET programme_stamp = programme_stamp + 1")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pretalx", default=None, help="the rig's event URL, e.g. .../summit")
    parser.add_argument("--talk", default=None, help="a pretalx talk code (default: the rig's)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("install wrk first: apt-get install -y wrk")
    talk = args.talk
    if args.pretalx and talk is None:
        page = httpx.get(f"{args.pretalx}/schedule/nojs", timeout=120).text
        found = re.search(r"/talk/([A-Z0-9]+)/", page)
        talk = found.group(1) if found else None

    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        url = f"sqlite:///{database}"
        engine_owner = Database(create_db_engine(Settings(database_url=url, environment="test")))
        upgrade(engine_owner.engine)
        started = time.perf_counter()
        with engine_owner.write() as db:
            rich_summit.build(db, sessions=args.sessions)
        engine_owner.dispose()
        print(f"built {args.sessions} sessions in {time.perf_counter() - started:.0f} s")

        with serving(url) as server:
            listing = httpx.get(f"{server.base}/bench/programme", timeout=120).text
            session = re.search(r"/bench/sessions/\d+", listing)
            day = re.search(r"<option value=\"(\d{4}-\d\d-\d\d)\"", listing)
            assert session is not None and day is not None
        table = addresses(session.group(0), day.group(1), talk)

        fresh: dict[str, float] = {}
        for address in table:
            with serving(url) as server:
                fresh[address.label] = timed_get(server.base + address.summit, address.accept)

        after_publication: dict[str, float] = {}
        warm: dict[str, tuple[Warm, Warm]] = {}
        sizes: dict[str, tuple[int, int]] = {}
        with serving(url) as server:
            for address in table:
                target = server.base + address.summit
                print(f"  {address.label}", file=sys.stderr, flush=True)
                times = []
                for _ in range(args.repeat):
                    bump_stamp(database)
                    times.append(timed_get(target, address.accept))
                after_publication[address.label] = statistics.median(times)
                timed_get(target, address.accept)  # cached again
                accept = (f"Accept: {address.accept}",)
                warm[address.label] = (
                    wrk(
                        target, duration=args.duration, connections=args.connections, headers=accept
                    ),
                    wrk(
                        target,
                        duration=args.duration,
                        connections=args.connections,
                        headers=(*accept, "Connection: close"),
                    ),
                )
                sizes[address.label] = (
                    wire_bytes(target, address.accept, "identity"),
                    wire_bytes(target, address.accept, "br"),
                )

        print(
            f"\nSummit: {args.sessions} sessions, `summit serve`, 1 worker, SQLite; wrk 1 thread, "
            f"{args.connections} connections, {args.duration} s per address"
        )
        print(
            "\n| address | cold, fresh process | cold, after a publication (median) "
            "| warm, keep-alive: req/s | p50 | p99 | warm, Connection: close: req/s | p50 | p99 "
            "| bytes | bytes, brotli |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for address in table:
            kept, closed = warm[address.label]
            plain, brotli = sizes[address.label]
            print(
                f"| {address.label} | {ms(fresh[address.label])} "
                f"| {ms(after_publication[address.label])} | {kept.cells()} | {closed.cells()} "
                f"| {plain:,} | {brotli:,} |"
            )

        theirs: dict[str, tuple[Warm, float, int]] = {}
        if args.pretalx:
            for address in table:
                if address.pretalx is None:
                    continue
                target = args.pretalx + address.pretalx
                print(f"  pretalx: {address.label}", file=sys.stderr, flush=True)
                size = wire_bytes(target, address.accept, "identity")
                one_by_one = statistics.median(
                    timed_get(target, address.accept) for _ in range(args.repeat)
                )
                their_warm = wrk(
                    target,
                    duration=args.duration,
                    connections=args.connections,
                    headers=(f"Accept: {address.accept}",),
                )
                theirs[address.label] = (their_warm, one_by_one, size)
                # wrk leaves up to --connections requests queued in gunicorn: let them drain.
                httpx.get(target, headers={"accept": address.accept}, timeout=600)

    if theirs:
        print(
            "\npretalx 2025.2.2 (the rig: gunicorn, 2 sync workers, SQLite, no cache), "
            "same run, same wrk settings"
        )
        print(
            "\n| address | pretalx address | one at a time (median) | req/s | p50 | p99 | bytes "
            "| Summit ÷ pretalx, req/s (Connection: close) "
            "| pretalx one at a time ÷ Summit's cold after a publication |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for address in table:
            if address.label not in theirs:
                continue
            their_warm, one_by_one, size = theirs[address.label]
            ours_closed = warm[address.label][1]
            print(
                f"| {address.label} | `{address.pretalx}` | {ms(one_by_one)} "
                f"| {their_warm.cells()} | {size:,} "
                f"| {ours_closed.rate / max(their_warm.rate, 0.1):,.0f}× "
                f"| {one_by_one / after_publication[address.label]:,.1f}× |"
            )


if __name__ == "__main__":
    main()
