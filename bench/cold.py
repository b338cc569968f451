"""The cold path in one process: the first request after a publication, timed and profiled.

    python bench/cold.py [--sessions 300] [--repeat 7] [--database PATH] [--profile ADDRESS]
                         [--change publication|stamp]

Builds the bench summit (``bench/rich_summit.py``) in a SQLite file (or reuses ``--database``),
then, for each address, makes it cold (``--change publication``: an organiser publishes a
change to one session, through the services; ``--change stamp``: the summit's stamp rises with
no event to say why, as when a person is renamed, so the whole programme is read again) and
times the next request through httpx's ASGI transport (no network, no server process: only
the work of the answer), ``--repeat`` times; prints the medians of the wall-clock time and of
the process's CPU time (every thread's), which a machine shared with other work disturbs much
less. ``--profile`` prints cProfile's top functions for one address instead (the main thread's
only: the exports are built in a worker thread). Two checkouts are compared in the same run by
running each one's copy of this script in turn (it imports the ``summit`` beside it).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx2 as httpx
from sqlmodel import col, select

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import rich_summit  # noqa: E402
from summit.agenda.editor import editor_state, publish_draft  # noqa: E402
from summit.agenda.models import ProgrammeSession, Summit  # noqa: E402
from summit.app import create_app  # noqa: E402
from summit.columns import utcnow  # noqa: E402
from summit.db import Database, create_db_engine  # noqa: E402
from summit.migrate import upgrade  # noqa: E402
from summit.settings import Settings  # noqa: E402

ADDRESSES = {
    "programme": ("/bench/programme", "text/html"),
    "schedule.json": ("/bench/schedule/export/schedule.json", "*/*"),
    "schedule.xml": ("/bench/schedule/export/schedule.xml", "*/*"),
    "schedule.ics": ("/bench/schedule/export/schedule.ics", "*/*"),
}


def settings(database: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{database}",
        environment="test",
        secret_key="bench-secret-key-bench-secret-key-0123456789",  # noqa: S106 - a bench
        log_level="WARNING",
        base_url="http://testserver",
    )


def build(database: Path, sessions: int) -> None:
    owner = Database(create_db_engine(settings(database)))
    upgrade(owner.engine)
    with owner.write() as db:
        rich_summit.build(db, sessions=sessions)
    owner.dispose()


def bump(database: Path) -> None:
    """Raise the summit's stamp and nothing else: what a person or a theme renamed does, and
    what makes every process read the whole programme again."""
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE summit SET programme_stamp = programme_stamp + 1")


def publish_one(database: Path) -> None:
    """An organiser's publication that changes one session (its title), through the services,
    as the editor's "Publish" does."""
    owner = Database(create_db_engine(settings(database)))
    with owner.write() as db:
        summit = db.exec(select(Summit)).one()
        draft = db.exec(
            select(ProgrammeSession)
            .where(ProgrammeSession.summit_id == summit.id)
            .order_by(col(ProgrammeSession.revision), col(ProgrammeSession.id))
        ).first()
        assert draft is not None  # noqa: S101 - the bench summit has sessions
        draft.title = {**draft.title, "en": f"{draft.title['en']} (revised)"}
        draft.revision += 1
        db.add(draft)
        conflicts = {conflict.key for conflict in editor_state(db, summit=summit).conflicts}
        publish_draft(db, summit=summit, comment="bench", now=utcnow(), confirmed=conflicts)
    owner.dispose()


CHANGES = {"publication": publish_one, "stamp": bump}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--database", type=Path, default=None)
    parser.add_argument("--profile", default=None, choices=sorted(ADDRESSES))
    parser.add_argument("--encoding", default="identity", help="the Accept-Encoding sent")
    parser.add_argument(
        "--change",
        default="publication",
        choices=sorted(CHANGES),
        help="what makes the answer cold: a publication of one session, or a bare stamp rise",
    )
    parser.add_argument("--only", nargs="*", default=sorted(ADDRESSES), choices=sorted(ADDRESSES))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = args.database or Path(folder) / "cold.db"
        if not database.exists():
            build(database, args.sessions)
        asyncio.run(
            measure(
                database, args.profile, args.repeat, args.encoding, args.only, CHANGES[args.change]
            )
        )


async def measure(
    database: Path,
    profile: str | None,
    repeat: int,
    encoding: str,
    only: list[str],
    change: Callable[[Path], None],
) -> None:
    app = create_app(settings(database))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
    ):

        async def get(path: str, accept: str) -> None:
            answer = await client.get(path, headers={"accept": accept, "accept-encoding": encoding})
            assert answer.status_code == 200, answer.status_code  # noqa: S101

        for label, (path, accept) in ADDRESSES.items():  # templates compiled, caches made
            if label in only or label == profile:
                await get(path, accept)
        if profile:
            path, accept = ADDRESSES[profile]
            profiler = cProfile.Profile()
            for _ in range(repeat):
                change(database)
                profiler.enable()
                await get(path, accept)
                profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("tottime").print_stats(40)
            stats.sort_stats("cumulative").print_stats(60)
            return
        for label, (path, accept) in ADDRESSES.items():
            if label not in only:
                continue
            times, cpu = [], []
            for _ in range(repeat):
                change(database)
                started, started_cpu = time.perf_counter(), time.process_time()
                await get(path, accept)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            print(
                f"{label}: {statistics.median(times) * 1000:.0f} ms wall, "
                f"{statistics.median(cpu) * 1000:.0f} ms CPU",
                flush=True,
            )


if __name__ == "__main__":
    main()
