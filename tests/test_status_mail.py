"""A followed session that runs late or is cancelled on the day: the followers who had a page
open were shown it there; the others hear of it by mail, in their language, once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import Follow, ProgrammeSession
from summit.auth.models import Account
from summit.columns import utcnow
from summit.db import Database
from summit.eventlog import LiveEvent, NoticeSeen
from summit.mail.models import MailKind, OutboxMessage
from summit.mail.preferences import set_choice
from summit.mail.schedule import MailSchedule
from summit.mail.sender import MailSender, SenderSettings
from summit.mail.status_mail import GRACE
from summit.mail.transports import SmtpMailer, parse_mail_url
from tests.conftest import (
    BASE_URL,
    another_browser,
    csrf_token,
    make_client,
    receive_until,
    sign_in,
)
from tests.mailbox import SmtpServer, smtp_server, wait_until

WS = BASE_URL.replace("http://", "ws://")
SCHEDULE = MailSchedule(base_url="https://summit.example.org", secret_key="k" * 40)
WATCHING = "delegate2@example.org"  # a page open (the account speaks English)
AWAY = "delegate@example.org"  # no page open (the account speaks Arabic)


@pytest.fixture
def opening(demo_database: Database) -> int:
    """The opening session, followed by both delegates."""
    with demo_database.write() as db:
        session_id = db.exec(
            select(ProgrammeSession.id).where(ProgrammeSession.code == "OPENING")
        ).one()
        assert session_id is not None
        for email in (WATCHING, AWAY):
            account = db.exec(select(Account).where(Account.email == email)).one()
            assert account.id is not None
            db.add(Follow(account_id=account.id, session_id=session_id))
        return session_id


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    with smtp_server() as running:
        yield running


def _deliver(database: Database, server: SmtpServer) -> None:
    """What the outbox holds, sent to the test's SMTP server as a process's sender sends it."""
    address = parse_mail_url(server.url)
    assert address is not None
    sender = MailSender(
        database=database,
        mailer=SmtpMailer(address, sender="Summit <summit@example.org>", timeout=5),
        clock=utcnow,
        settings=SenderSettings(),
    )
    asyncio.run(sender.tick())


@pytest.fixture
def organiser(demo_app: Starlette) -> Iterator[TestClient]:
    with make_client(demo_app) as client:
        sign_in(client, "organiser@example.org")
        yield client


def _set_status(organiser: TestClient, session_id: int, status: str, delay: str = "0") -> None:
    answer = organiser.post(
        f"/ogp2021/manage/sessions/{session_id}/status",
        data={"status": status, "delay_minutes": delay},
        headers={
            "origin": BASE_URL,
            "hx-request": "true",
            "x-csrf-token": csrf_token(organiser, "/ogp2021/manage/"),
        },
    )
    assert answer.status_code == 204


def _newest_event(database: Database) -> LiveEvent:
    with database.read() as db:
        return db.exec(select(LiveEvent).order_by(col(LiveEvent.id).desc()).limit(1)).one()


def _seen(database: Database, event_id: int) -> set[int]:
    with database.read() as db:
        return set(db.exec(select(NoticeSeen.account_id).where(NoticeSeen.event_id == event_id)))


def _mail(database: Database) -> list[OutboxMessage]:
    with database.read() as db:
        return list(
            db.exec(
                select(OutboxMessage)
                .where(OutboxMessage.kind == MailKind.SESSION_CHANGE)
                .order_by(col(OutboxMessage.id))
            )
        )


def _account_id(database: Database, email: str) -> int:
    with database.read() as db:
        account_id = db.exec(select(Account.id).where(Account.email == email)).one()
        assert account_id is not None
        return account_id


def _schedule(database: Database, event: LiveEvent, after: timedelta) -> None:
    with database.write() as db:
        SCHEDULE(db, event.created_at + after)


def test_only_the_follower_with_no_page_open_is_mailed_once_after_the_grace(
    demo_database: Database,
    organiser: TestClient,
    opening: int,
    server: SmtpServer,
) -> None:
    watching = another_browser(organiser)
    sign_in(watching, WATCHING)
    with watching.websocket_connect(
        f"{WS}/ogp2021/live?page=other", headers={"origin": BASE_URL}
    ) as socket:
        _set_status(organiser, opening, "late", "10")
        receive_until(socket, lambda message: "is running 10 minutes late" in message)
        event = _newest_event(demo_database)
        assert event.id is not None
        watcher = _account_id(demo_database, WATCHING)
        wait_until(lambda: watcher in _seen(demo_database, event.id or 0), "the notice seen")

    _schedule(demo_database, event, GRACE - timedelta(seconds=1))
    too_soon = _mail(demo_database)
    _schedule(demo_database, event, GRACE)
    _schedule(demo_database, event, GRACE + timedelta(minutes=1))
    sent = _mail(demo_database)
    _deliver(demo_database, server)

    assert too_soon == []
    assert [message.recipient for message in sent] == [AWAY]
    message = sent[0]
    assert message.language == "ar"
    assert 'dir="rtl"' in message.html_body
    assert f"https://summit.example.org/ogp2021/sessions/{opening}" in message.text_body
    assert "List-Unsubscribe" in message.headers
    # It arrives: in Arabic, right to left, with the session's address and a one-click leave.
    [arrived] = server.inbox.messages
    text, page = arrived.get_body(("plain",)), arrived.get_body(("html",))
    assert text is not None and page is not None
    assert arrived["To"] == AWAY
    assert "متأخرة 10 دقائق" in str(arrived["Subject"])
    assert f"https://summit.example.org/ogp2021/sessions/{opening}" in text.get_content()
    assert '<html lang="ar" dir="rtl">' in page.get_content()
    assert arrived["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_session_late_then_cancelled_is_mailed_as_cancelled_and_a_choice_is_kept(
    demo_database: Database, organiser: TestClient, opening: int
) -> None:
    with demo_database.write() as db:
        away = db.exec(select(Account).where(Account.email == AWAY)).one()
        away.language = "en"
        db.add(away)
        watching = db.exec(select(Account.id).where(Account.email == WATCHING)).one()
        assert watching is not None
        set_choice(db, account_id=watching, kind=MailKind.SESSION_CHANGE, enabled=False)
    _set_status(organiser, opening, "late", "10")
    _set_status(organiser, opening, "cancelled")
    cancelled = _newest_event(demo_database)

    _schedule(demo_database, cancelled, GRACE)
    sent = _mail(demo_database)

    assert [(message.recipient, message.subject) for message in sent] == [
        (AWAY, "Official opening of the OGP Global Summit 2021 has been cancelled.")
    ]


def test_a_page_that_comes_back_and_replays_the_change_gets_no_mail(
    demo_database: Database, organiser: TestClient, opening: int
) -> None:
    _set_status(organiser, opening, "live")
    before = _newest_event(demo_database)
    _set_status(organiser, opening, "late", "5")
    late = _newest_event(demo_database)
    watching = another_browser(organiser)
    sign_in(watching, WATCHING)
    with watching.websocket_connect(
        f"{WS}/ogp2021/live?page=other&last={before.id}", headers={"origin": BASE_URL}
    ) as socket:
        receive_until(socket, lambda message: "is running 5 minutes late" in message)
        watcher = _account_id(demo_database, WATCHING)
        wait_until(lambda: watcher in _seen(demo_database, late.id or 0), "the replay seen")

    _schedule(demo_database, late, GRACE)

    assert [message.recipient for message in _mail(demo_database)] == [AWAY]


def test_going_live_and_news_older_than_the_window_are_not_mailed(
    demo_database: Database, organiser: TestClient, opening: int
) -> None:
    _set_status(organiser, opening, "live")
    live = _newest_event(demo_database)
    _schedule(demo_database, live, GRACE)
    _set_status(organiser, opening, "late", "10")
    late = _newest_event(demo_database)
    _schedule(demo_database, late, timedelta(hours=1))

    assert _mail(demo_database) == []
