"""The outbox and its sender against a real SMTP server (aiosmtpd), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlmodel import Session, select

from summit.auth.mails import queue_reset_mail
from summit.auth.models import Account
from summit.columns import utcnow
from summit.db import Database
from summit.mail.models import MailKind, MailStatus, OutboxMessage
from summit.mail.outbox import Draft, claim, queue
from summit.mail.sender import MailSender, SenderSettings
from summit.mail.transports import SmtpMailer, parse_mail_url
from summit.migrate import upgrade
from summit.settings import Settings
from tests.mailbox import SmtpServer, smtp_server
from tests.servers import free_port

FAST = SenderSettings(poll_seconds=0.05, retry_after=timedelta(milliseconds=1), max_attempts=3)


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    with smtp_server() as running:
        yield running


def _draft(number: int, *, key: str | None = None) -> Draft:
    return Draft(
        kind=MailKind.SESSION_REMINDER,
        recipient=f"delegate{number}@example.org",
        language="en",
        subject=f"Message {number}",
        text_body=f"Body {number}\n",
        html_body=f"<p>Body {number}</p>",
        headers={},
        dedupe_key=key,
    )


def _queue(database: Database, count: int) -> None:
    with database.write() as db:
        for number in range(count):
            queue(db, _draft(number))


def _sender(database: Database, server: SmtpServer, settings: SenderSettings = FAST) -> MailSender:
    address = parse_mail_url(server.url)
    assert address is not None
    return MailSender(
        database=database,
        mailer=SmtpMailer(address, sender="Summit <summit@example.org>", timeout=5),
        clock=utcnow,
        settings=settings,
    )


def _statuses(database: Database) -> list[tuple[str, int]]:
    with database.read() as db:
        rows = db.exec(select(OutboxMessage).order_by(OutboxMessage.id))  # type: ignore[arg-type]
        return [(str(row.status), row.attempts) for row in rows]


def test_the_mail_url_picks_the_transport() -> None:
    submission = parse_mail_url("smtp://user%40host:s3cret@mail.example.org:587")
    implicit = parse_mail_url("smtps://mail.example.org")
    plain = parse_mail_url("smtp://relay.internal:25")

    assert parse_mail_url("log:") is None
    assert submission is not None and implicit is not None and plain is not None
    assert (submission.username, submission.password, submission.start_tls) == (
        "user@host",
        "s3cret",
        True,
    )
    assert (implicit.port, implicit.implicit_tls, implicit.start_tls) == (465, True, None)
    assert (plain.port, plain.implicit_tls, plain.start_tls) == (25, False, None)
    assert "s3cret" not in repr(submission) and submission.safe == "smtp://mail.example.org:587"


def test_a_bad_mail_url_is_refused_without_repeating_it() -> None:
    with pytest.raises(ValueError, match="the mail URL") as refused:
        parse_mail_url("ftp://user:s3cret@mail.example.org")

    assert "s3cret" not in str(refused.value)


@pytest.mark.anyio
async def test_queued_mail_arrives_once_as_text_and_html(
    database: Database, server: SmtpServer
) -> None:
    _queue(database, 3)

    await _sender(database, server).tick()

    assert server.inbox.subjects() == ["Message 0", "Message 1", "Message 2"]
    first = server.inbox.messages[0]
    assert (first["To"], first["From"]) == ("delegate0@example.org", "Summit <summit@example.org>")
    assert [part.get_content_type() for part in first.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]
    assert _statuses(database) == [("sent", 1)] * 3


@pytest.mark.anyio
async def test_a_rolled_back_change_sends_nothing(database: Database, server: SmtpServer) -> None:
    with pytest.raises(RuntimeError), database.write() as db:
        queue(db, _draft(1))
        raise RuntimeError("the change fails after queuing its mail")

    await _sender(database, server).tick()

    assert (_statuses(database), server.inbox.subjects()) == ([], [])


@pytest.mark.anyio
async def test_mail_waits_while_the_server_is_down_and_all_arrives_once(
    database: Database, server: SmtpServer
) -> None:
    _queue(database, 5)
    sender = _sender(database, server, FAST.__class__(retry_after=timedelta(0), max_attempts=5))
    server.stop()

    await sender.tick()
    waiting = _statuses(database)
    server.start()
    await sender.tick()

    assert waiting == [("pending", 1)] * 5
    assert sorted(server.inbox.subjects()) == [f"Message {n}" for n in range(5)]
    assert _statuses(database) == [("sent", 2)] * 5


@pytest.mark.anyio
async def test_a_4xx_answer_is_tried_again_and_a_5xx_fails_at_once(
    database: Database, server: SmtpServer
) -> None:
    _queue(database, 2)
    server.inbox.refuse = ["451 4.3.0 Try again later", "550 5.1.1 No such mailbox"]
    sender = _sender(database, server, FAST.__class__(retry_after=timedelta(0)))

    await sender.tick()
    await sender.tick()

    with database.read() as db:
        failed = db.exec(select(OutboxMessage).where(OutboxMessage.status == "failed")).one()
    assert _statuses(database) == [("sent", 2), ("failed", 1)]
    assert failed.last_error == "SMTPDataError (550)"
    assert server.inbox.subjects() == ["Message 0"]


@pytest.mark.anyio
async def test_a_message_is_marked_failed_after_its_last_attempt(
    database: Database, server: SmtpServer
) -> None:
    _queue(database, 1)
    server.inbox.refuse = ["421 4.7.0 Busy"] * 3
    sender = _sender(database, server, FAST.__class__(retry_after=timedelta(0), max_attempts=3))

    for _ in range(4):
        await sender.tick()

    assert _statuses(database) == [("failed", 3)]
    assert server.inbox.subjects() == []


def test_a_claimed_message_is_taken_again_only_when_its_lease_runs_out(
    database: Database,
) -> None:
    _queue(database, 1)
    start = utcnow()
    lease = timedelta(minutes=5)
    with database.write() as db:
        first = claim(db, now=start, limit=10, lease=lease)
    with database.write() as db:
        during = claim(db, now=start + timedelta(minutes=4), limit=10, lease=lease)
    with database.write() as db:
        after = claim(db, now=start + timedelta(minutes=6), limit=10, lease=lease)

    assert ([m.attempts for m in first], during, [m.attempts for m in after]) == ([1], [], [2])
    assert first[0].claim_token != after[0].claim_token


def test_a_reminder_is_queued_once_per_key(database: Database) -> None:
    with database.write() as db:
        queue(db, _draft(1, key="delegate1:session_reminder:session:7"))
    with database.write() as db:
        queue(db, _draft(1, key="delegate1:session_reminder:session:7"))

    assert _statuses(database) == [("pending", 0)]


@pytest.mark.anyio
async def test_a_reset_mail_is_in_the_accounts_language_and_keeps_no_link_once_sent(
    database: Database, server: SmtpServer
) -> None:
    with database.write() as db:
        account = Account(email="lecteur@example.org", display_name="Lecteur", language="fr")
        db.add(account)
        db.flush()
        queue_reset_mail(
            db, account=account, language="en", base_url="https://s.example.org", token="tok"
        )

    await _sender(database, server).tick()

    message = server.inbox.messages[0]
    html = message.get_body(("html",))
    assert message["Subject"] == "Réinitialiser votre mot de passe Summit"
    assert html is not None and 'lang="fr" dir="ltr"' in html.get_content()
    text = message.get_body(("plain",))
    assert text is not None and "https://s.example.org/reset/tok" in text.get_content()
    with database.read() as db:
        row = db.exec(select(OutboxMessage)).one()
    assert (row.status, row.text_body, row.html_body) == (MailStatus.SENT, "", "")


@pytest.mark.postgres
@pytest.mark.anyio
async def test_two_senders_on_postgres_never_send_a_message_twice(
    postgres_engine: Engine, server: SmtpServer
) -> None:
    upgrade(postgres_engine)
    first, second = Database(postgres_engine), Database(postgres_engine.engine)
    _queue(first, 300)
    settings = FAST.__class__(batch=7)

    await asyncio.gather(
        _sender(first, server, settings).tick(), _sender(second, server, settings).tick()
    )

    subjects = server.inbox.subjects()
    assert sorted(subjects) == sorted(f"Message {n}" for n in range(300))
    assert _statuses(first) == [("sent", 1)] * 300


@pytest.mark.anyio
async def test_the_password_in_the_mail_url_reaches_no_log_or_error(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"smtp://sender:hunter2-secret@127.0.0.1:{free_port()}"
    settings = Settings(mail_url=SecretStr(url), environment="test")
    address = parse_mail_url(settings.mail_url.get_secret_value())
    assert address is not None
    _queue(database, 1)
    sender = MailSender(
        database=database,
        mailer=SmtpMailer(address, sender="summit@example.org", timeout=5),
        clock=utcnow,
        settings=FAST,
    )

    await sender.tick()

    with database.read() as db:
        error = db.exec(select(OutboxMessage.last_error)).one()
    shown = " ".join(
        [repr(settings), str(settings.model_dump()), capsys.readouterr().out, str(error)]
    )
    assert error == "SMTPConnectError"
    assert "hunter2" not in shown


@pytest.mark.anyio
async def test_a_failing_schedule_does_not_hold_up_queued_mail(
    database: Database, server: SmtpServer
) -> None:
    def broken(db: Session, now: datetime) -> None:
        raise RuntimeError("a schedule with a bug")

    _queue(database, 2)
    sender = _sender(database, server)
    sender.schedule = broken

    await sender.tick()

    assert server.inbox.subjects() == ["Message 0", "Message 1"]
