"""The speaker's reminder the day before a session: it reaches a real SMTP server once, with
working links, and does not go to a speaker who declined."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlmodel import col, select

from summit.agenda.models import PublishedSession, SessionPerson, SpeakerAnswer
from summit.columns import utcnow
from summit.db import Database
from summit.mail.models import MailKind, OutboxMessage
from summit.mail.schedule import MailSchedule
from summit.mail.sender import MailSender, SenderSettings
from summit.mail.transports import SmtpMailer, parse_mail_url
from summit.people.models import Person
from tests.mailbox import SmtpServer, smtp_server

SCHEDULE = MailSchedule(base_url="https://summit.example.org", secret_key="k" * 40)
FAST = SenderSettings(poll_seconds=0.05, retry_after=timedelta(milliseconds=1), max_attempts=3)


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    with smtp_server() as running:
        yield running


def _noors_first_session(database: Database) -> tuple[int, datetime]:
    with database.read() as db:
        noor = db.exec(select(Person).where(Person.slug == "noor-placeholder")).one()
        session = next(
            row
            for row in db.exec(select(PublishedSession).order_by(col(PublishedSession.starts_at)))
            if any(entry["person_id"] == noor.id for entry in row.people)
        )
        return session.id, session.starts_at


def _run(database: Database, now: datetime) -> None:
    with database.write() as db:
        SCHEDULE(db, now)


def _reminders(database: Database) -> list[str]:
    with database.read() as db:
        rows = db.exec(select(OutboxMessage).where(OutboxMessage.kind == MailKind.SPEAKER_REMINDER))
        return [row.recipient for row in rows]


def _sender(database: Database, server: SmtpServer) -> MailSender:
    address = parse_mail_url(server.url)
    assert address is not None
    return MailSender(
        database=database,
        mailer=SmtpMailer(address, sender="Summit <summit@example.org>", timeout=5),
        clock=utcnow,
        settings=FAST,
    )


@pytest.mark.anyio
async def test_a_speaker_is_reminded_the_day_before_once(
    demo_database: Database, server: SmtpServer
) -> None:
    session_id, starts = _noors_first_session(demo_database)

    _run(demo_database, starts - timedelta(hours=25))
    too_early = _reminders(demo_database)
    _run(demo_database, starts - timedelta(hours=23))
    _run(demo_database, starts - timedelta(hours=21))
    await _sender(demo_database, server).tick()

    assert too_early == []
    assert _reminders(demo_database) == ["speaker@example.org"]
    assert len(server.inbox.messages) == 1
    message = server.inbox.messages[0]
    assert message["To"] == "speaker@example.org"
    # A long subject is folded, and read back with the fold's space.
    assert str(message["Subject"]).strip().startswith("Tomorrow you speak: ")
    assert message["List-Unsubscribe"].startswith("<https://summit.example.org/mail/unsubscribe/")
    text = message.get_body(preferencelist=("plain",))
    assert text is not None
    lines = text.get_content().splitlines()
    assert f"https://summit.example.org/ogp2021/sessions/{session_id}" in lines
    assert "https://summit.example.org/ogp2021/me" in lines


def test_a_speaker_who_declined_is_not_reminded(demo_database: Database) -> None:
    session_id, starts = _noors_first_session(demo_database)
    with demo_database.write() as db:
        noor = db.exec(select(Person).where(Person.slug == "noor-placeholder")).one()
        place = db.exec(
            select(SessionPerson).where(
                SessionPerson.session_id == session_id, SessionPerson.person_id == noor.id
            )
        ).one()
        place.answer = SpeakerAnswer.DECLINED
        db.add(place)

    _run(demo_database, starts - timedelta(hours=23))

    assert _reminders(demo_database) == []
