"""Serves a 300-session summit (4 streams × 3 days, 250 speakers) and measures the programme.

    python bench/programme.py [--duration 10] [--connections 32] [--workers 2]

Uses wrk (Debian package ``wrk``) on 127.0.0.1 against ``summit serve``; prints requests per
second and latency percentiles for the full programme page, the grid of a day, a session page
and the home page, each cold (first request after a publication) and warm (cached), in English
and in Arabic. Stops by itself.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.server import serving  # noqa: E402
from summit.db import Database, create_db_engine  # noqa: E402
from summit.migrate import upgrade  # noqa: E402
from summit.settings import Settings  # noqa: E402
from tests.factories import make_summit  # noqa: E402


def _wrk(url: str, *, duration: int, connections: int) -> tuple[float, str, str]:
    out = subprocess.run(  # noqa: S603 - our own command line
        [
            shutil.which("wrk") or "wrk",
            "--latency",
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            "-H",
            "Cookie: summit_tz=Europe/Paris",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"50%\s+(\S+)", out).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+(\S+)", out).group(1)  # type: ignore[union-attr]
    if "Non-2xx" in out:
        raise SystemExit(f"{url} answered errors:\n{out}")
    return rate, p50, p99


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("install wrk first: apt-get install -y wrk")

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        settings = Settings(database_url=url, environment="test")
        database = Database(create_db_engine(settings))
        upgrade(database.engine)
        with database.write() as db:
            summit = make_summit(
                db, slug="bench", days=3, streams=4, sessions_per_stream_per_day=25, speakers=250
            )
            assert summit.id is not None
        database.dispose()
        with serving(url, workers=args.workers) as server:
            base = server.base
            listing = httpx.get(f"{base}/bench/programme").text
            session = re.search(r"/bench/sessions/\d+", listing)
            assert session is not None
            pages = [
                ("programme (300 sessions)", "/bench/programme"),
                ("programme, Arabic", "/bench/programme?lang=ar"),
                ("grid of one day", "/bench/programme/grid?day=2021-12-16"),
                ("session page", session.group(0)),
                ("home", "/bench/"),
            ]
            sessions = listing.count('<article class="session-card')
            print(
                f"{sessions} sessions on the programme page; {args.workers} workers, "
                f"{args.connections} connections, {args.duration} s per page"
            )
            print(f"{'page':<26} {'req/s':>9} {'p50':>9} {'p99':>9}")
            for label, path in pages:
                rate, p50, p99 = _wrk(
                    f"{base}{path}", duration=args.duration, connections=args.connections
                )
                print(f"{label:<26} {rate:>9.0f} {p50:>9} {p99:>9}")
            # Cold: every request misses the page cache (a new query string each time is not
            # possible with wrk, so time single uncached renders instead).
            cold = []
            for index in range(20):
                started = time.perf_counter()
                httpx.get(f"{base}/bench/programme?uncached={index}")
                cold.append(time.perf_counter() - started)
            cold.sort()
            print(
                f"{'programme, uncached':<26} {1 / cold[10]:>9.0f} {cold[10] * 1000:>7.0f}ms "
                f"{cold[-1] * 1000:>7.0f}ms  (one at a time)"
            )


if __name__ == "__main__":
    main()
