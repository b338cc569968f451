"""Serves a 300-session summit (4 streams × 3 days, 250 speakers) and measures the programme.

    python bench/programme.py [--duration 10] [--connections 32] [--workers 2] [--only exports]

Uses wrk (Debian package ``wrk``) on 127.0.0.1 against ``summit serve``; prints requests per
second and latency percentiles for the full programme page, the grid of a day, a session page
and the home page, each cold (first request after a publication) and warm (cached), in English
and in Arabic; then every export (frab XML and JSON, the calendars of the programme, a stream,
a session, a speaker and a delegate's agenda), and a calendar app's poll answered 304. Stops by
itself.
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

from sqlmodel import Session, select  # noqa: E402

from bench.server import serving  # noqa: E402
from summit.agenda import calendar_tokens, follows  # noqa: E402
from summit.agenda.models import PublishedSession, Summit  # noqa: E402
from summit.auth.forms import AccountInput  # noqa: E402
from summit.auth.services import upsert_account  # noqa: E402
from summit.columns import utcnow  # noqa: E402
from summit.db import Database, create_db_engine  # noqa: E402
from summit.migrate import upgrade  # noqa: E402
from summit.persistence import pk  # noqa: E402
from summit.settings import Settings  # noqa: E402
from tests.factories import make_summit  # noqa: E402


def _wrk(
    url: str, *, duration: int, connections: int, headers: tuple[str, ...] = ()
) -> tuple[float, str, str]:
    extra = [part for header in headers for part in ("-H", header)]
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
    if "Non-2xx" in out and not headers:
        raise SystemExit(f"{url} answered errors:\n{out}")
    return rate, p50, p99


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", choices=["pages", "exports"], default=None)
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
            feed = _delegate_feed(db, summit)
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
            if args.only == "exports":
                pages = []
            print(f"{'page':<26} {'req/s':>9} {'p50':>9} {'p99':>9}")
            for label, path in pages:
                rate, p50, p99 = _wrk(
                    f"{base}{path}", duration=args.duration, connections=args.connections
                )
                print(f"{label:<26} {rate:>9.0f} {p50:>9} {p99:>9}")
            if args.only != "pages":
                _exports(base, session.group(0), feed, args)
            if args.only == "exports":
                return
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


def _delegate_feed(db: Session, summit: Summit) -> str:
    """A delegate following ten sessions, and the secret path of their calendar feed."""
    account = upsert_account(
        db, data=AccountInput(email="bench.delegate@example.org", display_name="Bench Delegate")
    )
    account_id = pk(account)
    for session_id in db.exec(select(PublishedSession.id).limit(10)):
        follows.set_follow(
            db, summit=summit, account_id=account_id, session_id=session_id, follow=True
        )
    token = calendar_tokens.rotate(db, summit=summit, account_id=account_id, now=utcnow())
    return f"/bench/schedule/export/agenda/{token}.ics"


def _exports(base: str, session_path: str, feed: str, args: argparse.Namespace) -> None:
    session_id = session_path.rsplit("/", 1)[1]
    exports = [
        ("schedule.xml", "/bench/schedule/export/schedule.xml"),
        ("schedule.json", "/bench/schedule/export/schedule.json"),
        ("schedule.ics", "/bench/schedule/export/schedule.ics"),
        ("stream calendar", "/bench/schedule/export/streams/stream-0.ics"),
        ("session calendar", f"/bench/schedule/export/sessions/{session_id}.ics"),
        ("speaker calendar", "/bench/schedule/export/speakers/person-0.ics"),
        ("delegate's agenda feed", feed),
    ]
    print(f"\n{'export':<26} {'req/s':>9} {'p50':>9} {'p99':>9} {'bytes':>9}")
    for label, path in exports:
        size = len(httpx.get(f"{base}{path}").content)
        rate, p50, p99 = _wrk(f"{base}{path}", duration=args.duration, connections=args.connections)
        print(f"{label:<26} {rate:>9.0f} {p50:>9} {p99:>9} {size:>9}")
    etag = httpx.get(f"{base}{exports[2][1]}").headers["etag"]
    rate, p50, p99 = _wrk(
        f"{base}{exports[2][1]}",
        duration=args.duration,
        connections=args.connections,
        headers=(f"If-None-Match: {etag}",),
    )
    print(f"{'schedule.ics, 304 poll':<26} {rate:>9.0f} {p50:>9} {p99:>9} {0:>9}")
    # Cold: the first request after a change renders the export (timed one at a time, by
    # asking for another language each time the cache has it).
    for label, path in exports[:3]:
        cold = []
        for language in ("fr", "ar"):
            started = time.perf_counter()
            httpx.get(f"{base}{path}?lang={language}")
            cold.append(time.perf_counter() - started)
        print(f"{label + ', first render':<26} {'':>9} {max(cold) * 1000:>7.0f}ms")


if __name__ == "__main__":
    main()
