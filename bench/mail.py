"""Times mail: queuing the digests of a publication that moves 50 sessions followed by 5,000
delegates, and draining the outbox to an SMTP server on this machine (aiosmtpd).

    python bench/mail.py [--delegates 5000] [--sessions 50] [--follows 5] [--drain 2000]

The demo summit is loaded into a fresh SQLite file; each delegate (an account with its own
language) follows ``--follows`` of the moved sessions. The schedule's run that finds the
publication is timed (composing and writing every digest in one transaction), then the sender
drains ``--drain`` messages in batches over one SMTP connection.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from summit.agenda.models import Follow, ProgrammeSession, ScheduleRelease, Summit  # noqa: E402
from summit.agenda.publishing import publish  # noqa: E402
from summit.auth.models import Account  # noqa: E402
from summit.columns import utcnow  # noqa: E402
from summit.db import Database, create_db_engine  # noqa: E402
from summit.i18n.catalogs import translations  # noqa: E402
from summit.mail.schedule import MailSchedule  # noqa: E402
from summit.mail.sender import MailSender, SenderSettings  # noqa: E402
from summit.mail.transports import SmtpMailer, parse_mail_url  # noqa: E402
from summit.migrate import upgrade  # noqa: E402
from summit.paths import data_dir  # noqa: E402
from summit.seeding import load_summit  # noqa: E402
from summit.settings import Settings  # noqa: E402


class Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.count += 1
        return "250 OK"


def _prepare(database: Database, *, delegates: int, sessions: int, follows: int) -> int:
    rng = random.Random(2021)
    with database.write() as db:
        load_summit(db, data_dir("seed") / "ogp2021")
        # The seed's own publication is long past: only the bench's is mailed about.
        for release in db.exec(select(ScheduleRelease)):
            release.published_at -= timedelta(days=30)
            db.add(release)
        summit = db.exec(select(Summit)).one()
        moved = list(
            db.exec(
                select(ProgrammeSession)
                .where(col(ProgrammeSession.starts_at).is_not(None))
                .order_by(col(ProgrammeSession.id))
                .limit(sessions)
            )
        )
        db.execute(
            insert(Account),
            [
                {
                    "email": f"bench.delegate{n}@example.org",
                    "display_name": f"Delegate {n}",
                    "language": ("en", "fr", "ar")[n % 3],
                    "timezone": "Asia/Seoul",
                    "is_active": True,
                    "session_version": 1,
                    "created_at": utcnow(),
                }
                for n in range(delegates)
            ],
        )
        ids = list(
            db.exec(
                select(Account.id).where(col(Account.email).like("bench.delegate%@example.org"))
            )
        )
        rows = [
            {"account_id": account_id, "session_id": session.id, "created_at": utcnow()}
            for account_id in ids
            for session in rng.sample(moved, min(follows, len(moved)))
        ]
        db.execute(insert(Follow), rows)
        for session in moved:
            assert session.starts_at and session.ends_at
            session.starts_at += timedelta(minutes=30)
            session.ends_at += timedelta(minutes=30)
            db.add(session)
        db.flush()
        publish(db, summit=summit, comment="bench", now=utcnow())
    return len(moved)


async def _drain(database: Database, count: int) -> tuple[int, float]:
    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        address = parse_mail_url(f"smtp://127.0.0.1:{port}")
        assert address is not None
        sender = MailSender(
            database=database,
            mailer=SmtpMailer(address, sender="bench@example.org"),
            clock=utcnow,
            settings=SenderSettings(batch=100),
        )
        started = time.perf_counter()
        while sink.count < count:
            if not await sender.send_batch():
                break
        elapsed = time.perf_counter() - started
        await sender.mailer.close()
        return sink.count, elapsed
    finally:
        controller.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--delegates", type=int, default=5000)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--follows", type=int, default=5)
    parser.add_argument("--drain", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=f"sqlite:///{Path(folder) / 'bench.db'}",
            environment="test",
            secret_key="bench-secret-key-bench-secret-key-0123",  # noqa: S106
        )
        database = Database(create_db_engine(settings))
        upgrade(database.engine)
        moved = _prepare(
            database, delegates=args.delegates, sessions=args.sessions, follows=args.follows
        )
        for language in ("fr", "ar"):
            translations(language)  # a running server has its catalogs loaded already
        schedule = MailSchedule(base_url="https://summit.example.org", secret_key="k" * 40)
        started = time.perf_counter()
        with database.write() as db:
            mailing_now = utcnow() + timedelta(seconds=1)
            schedule(db, mailing_now)
        queued_in = time.perf_counter() - started
        print(
            f"publication moving {moved} sessions, {args.delegates} followers: "
            f"digests queued in {queued_in:.2f} s"
        )
        sent, elapsed = asyncio.run(_drain(database, args.drain))
        print(
            f"drained {sent} messages to a local SMTP server in {elapsed:.2f} s: "
            f"{sent / elapsed:.0f} messages/s"
        )
        database.dispose()


if __name__ == "__main__":
    main()
