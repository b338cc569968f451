"""Mail through the app: an invitation reaches a real SMTP server in the summit's language; the
organisers' mail page, sending again, and the backlog in /readyz."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from pydantic import SecretStr
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import Follow, PublishedSession
from summit.app import create_app
from summit.auth.models import Account
from summit.db import Database
from summit.mail.models import MailKind, MailStatus, OutboxMessage
from summit.mail.preferences import OPTIONAL_KINDS, Choices, choices_of, unsubscribe_url
from summit.settings import Settings
from tests.conftest import (
    BASE_URL,
    DURING_THE_SUMMIT,
    another_browser,
    make_client,
    post_form,
    sign_in,
)
from tests.mailbox import SmtpServer, smtp_server, wait_until


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    with smtp_server() as running:
        yield running


@pytest.fixture
def app(demo_settings: Settings, server: SmtpServer) -> Starlette:
    settings = demo_settings.model_copy(
        update={"mail_url": SecretStr(server.url), "mail_from": "OGP Summit <summit@example.org>"}
    )
    return create_app(settings, clock=lambda: DURING_THE_SUMMIT)


def _invite(client: TestClient, email: str) -> None:
    response = post_form(
        client,
        "/ogp2021/manage/invitations",
        {"email": email, "role": "juror"},
        token_from="/ogp2021/manage/invitations",
    )
    assert response.status_code == 200, response.text


def _fail_everything(database: Database) -> None:
    with database.write() as db:
        for message in db.exec(select(OutboxMessage)):
            message.status = MailStatus.FAILED
            message.last_error = "SMTPDataError (550)"
            db.add(message)


def test_an_invitation_arrives_with_a_link_that_works(app: Starlette, server: SmtpServer) -> None:
    with make_client(app) as organiser:
        guest = another_browser(organiser)
        sign_in(organiser, "organiser@example.org")
        _invite(organiser, "new.juror@example.org")
        wait_until(lambda: len(server.inbox.messages) == 1, "the invitation")
        message = server.inbox.messages[0]
        text = message.get_body(("plain",))
        assert text is not None
        link = re.search(rf"{BASE_URL}(/invite/\S+)", text.get_content())
        assert link is not None
        page = guest.get(link.group(1))

    assert (message["To"], message["From"]) == (
        "new.juror@example.org",
        "OGP Summit <summit@example.org>",
    )
    assert message["Subject"] == "You are invited to OGP Global Summit 2021"
    assert "List-Unsubscribe" not in message
    assert page.status_code == 200


def test_organisers_see_failed_mail_and_send_it_again(
    app: Starlette, server: SmtpServer, demo_database: Database
) -> None:
    with make_client(app) as organiser:
        sign_in(organiser, "organiser@example.org")
        server.stop()  # nothing leaves until the failure below is in place
        _invite(organiser, "late.juror@example.org")
        wait_until(lambda: _retrying(demo_database), "a first attempt, failed")
        _fail_everything(demo_database)
        server.start()
        page = organiser.get("/ogp2021/manage/mail")
        message_id = re.search(r'id="mail-(\d+)"', page.text)
        assert message_id is not None
        resent = post_form(
            organiser,
            f"/ogp2021/manage/mail/{message_id.group(1)}/resend",
            {},
            token_from="/ogp2021/manage/mail",
        )
        wait_until(lambda: len(server.inbox.messages) == 1, "the invitation sent again")

    assert "late.juror@example.org" in page.text and "SMTPDataError (550)" in page.text
    assert "Send again" in page.text
    assert resent.status_code == 303
    assert server.inbox.messages[0]["To"] == "late.juror@example.org"


def _retrying(database: Database) -> bool:
    with database.read() as db:
        row = db.exec(select(OutboxMessage)).one()
        return row.status == MailStatus.PENDING and row.last_error is not None


def _settled(database: Database) -> bool:
    with database.read() as db:
        row = db.exec(select(OutboxMessage)).one()
        return row.status == MailStatus.SENT and row.claim_token is None


def test_only_organisers_see_the_mail_page_or_send_again(
    app: Starlette, demo_database: Database
) -> None:
    with make_client(app) as organiser:
        juror = another_browser(organiser)
        sign_in(organiser, "organiser@example.org")
        _invite(organiser, "someone@example.org")
        # The sender is woken at once: let it finish with the message (a claim it still held
        # would record "sent" over the failure below).
        wait_until(lambda: _settled(demo_database), "the invitation, sent")
        _fail_everything(demo_database)
        sign_in(juror, "juror1@example.org")
        with demo_database.read() as db:
            message = db.exec(select(OutboxMessage)).one()
        page = juror.get("/ogp2021/manage/mail")
        resent = post_form(juror, f"/ogp2021/manage/mail/{message.id}/resend", {})
        forged = organiser.post(
            f"/ogp2021/manage/mail/{message.id}/resend",
            headers={"origin": BASE_URL},
            follow_redirects=False,
        )
        anonymous = another_browser(organiser).get("/ogp2021/manage/mail", follow_redirects=False)

    assert (page.status_code, resent.status_code, forged.status_code) == (403, 403, 403)
    assert anonymous.status_code == 303
    with demo_database.read() as db:
        assert db.exec(select(OutboxMessage.status)).one() == MailStatus.FAILED


def test_readyz_reports_the_mail_backlog(app: Starlette, server: SmtpServer) -> None:
    server.stop()
    with make_client(app) as organiser:
        sign_in(organiser, "organiser@example.org")
        _invite(organiser, "waiting@example.org")
        report = organiser.get("/readyz").json()

    assert report["status"] == "ok"
    assert (report["mail"]["pending"], report["mail"]["failed"]) == (1, 0)
    assert isinstance(report["mail"]["oldest_pending_seconds"], int)


def _choices(database: Database, email: str) -> Choices:
    with database.read() as db:
        account = db.exec(select(Account).where(Account.email == email)).one()
        assert account.id is not None
        return choices_of(db, account_ids=[account.id])[account.id]


def _delegates_unsubscribe_link(app: Starlette, database: Database, kind: MailKind) -> str:
    """The path of the link at the foot of the demo delegate's mail of ``kind``."""
    with database.read() as db:
        account_id = db.exec(
            select(Account.id).where(Account.email == "delegate@example.org")
        ).one()
    return unsubscribe_url(
        base_url=BASE_URL,
        secret_key=app.state.settings.secret_key,
        account_id=account_id or 0,
        kind=kind,
    ).removeprefix(BASE_URL)


def test_the_link_in_a_message_turns_its_kind_off_without_signing_in(
    app: Starlette, demo_database: Database
) -> None:
    link = _delegates_unsubscribe_link(app, demo_database, MailKind.SESSION_REMINDER)
    with make_client(app) as visitor:
        page = visitor.get(link)
        done = post_form(visitor, link, {}, token_from=link)
        forged = visitor.get(link[:-3] + "abc")

    assert page.status_code == 200 and "Stop sending me" in page.text
    assert done.status_code == 200
    assert forged.status_code == 404
    assert _choices(demo_database, "delegate@example.org").off == {MailKind.SESSION_REMINDER}


def test_an_account_chooses_its_mail_on_its_page(app: Starlette, demo_database: Database) -> None:
    with make_client(app) as delegate:
        sign_in(delegate, "delegate2@example.org")
        shown = delegate.get("/account/mail")
        saved = post_form(
            delegate,
            "/account/mail",
            {"session_reminder": "on", "reminder_minutes": "30"},
            token_from="/account/mail",
        )
        refused = post_form(
            delegate, "/account/mail", {"reminder_minutes": "7"}, token_from="/account/mail"
        )

    assert shown.status_code == 200 and 'name="programme_digest" checked' in shown.text
    assert saved.status_code == 303
    assert refused.status_code == 422 and "Choose one of the times offered." in refused.text
    choices = _choices(demo_database, "delegate2@example.org")
    assert (choices.reminder_minutes, choices.wants(MailKind.SESSION_REMINDER)) == (30, True)
    assert choices.off == {kind for kind in OPTIONAL_KINDS if kind != MailKind.SESSION_REMINDER}


def test_a_reminder_arrives_in_arabic_with_links_that_work(
    demo_settings: Settings, demo_database: Database, server: SmtpServer
) -> None:
    with demo_database.write() as db:
        session = db.exec(select(PublishedSession).order_by(col(PublishedSession.id))).first()
        delegate = db.exec(select(Account).where(Account.email == "delegate@example.org")).one()
        assert session is not None and delegate.id is not None
        db.add(Follow(account_id=delegate.id, session_id=session.id))
        starts = session.starts_at
    settings = demo_settings.model_copy(
        update={"mail_url": SecretStr(server.url), "base_url": BASE_URL}
    )
    app = create_app(settings, clock=lambda: starts - timedelta(minutes=10))
    with make_client(app) as visitor:
        wait_until(lambda: len(server.inbox.messages) == 1, "the reminder")
        message = server.inbox.messages[0]
        text, page = message.get_body(("plain",)), message.get_body(("html",))
        assert text is not None and page is not None
        links = re.findall(rf"{BASE_URL}(/\S+)", text.get_content())
        answers = [visitor.get(link).status_code for link in links]

    assert message["To"] == "delegate@example.org"
    assert str(message["Subject"]).startswith("تبدأ قريبًا: ")
    assert '<html lang="ar" dir="rtl">' in page.get_content()
    assert message["List-Unsubscribe"] == f"<{BASE_URL}{links[-1]}/one-click>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert [link.split("/")[2] for link in links] == ["sessions", "unsubscribe"]
    assert answers == [200, 200]


def test_a_mail_provider_unsubscribes_in_one_click_with_no_cookie_or_form_token(
    app: Starlette, demo_database: Database
) -> None:
    link = _delegates_unsubscribe_link(app, demo_database, MailKind.PROGRAMME_DIGEST)
    one_click = {"List-Unsubscribe": "One-Click"}
    with make_client(app) as provider:
        # Not a browser: no Origin, no cookie, no form token (RFC 8058).
        without_body = provider.post(f"{link}/one-click", data={})
        forged = provider.post(f"{link[:-3]}AAA/one-click", data=one_click)
        before = _choices(demo_database, "delegate@example.org")
        answer = provider.post(f"{link}/one-click", data=one_click)
        page = provider.get(f"{link}/one-click")

    assert without_body.status_code == 400
    assert forged.status_code == 404
    assert MailKind.PROGRAMME_DIGEST not in before.off
    assert answer.status_code == 200
    assert _choices(demo_database, "delegate@example.org").off == {MailKind.PROGRAMME_DIGEST}
    # A client that cannot post opens the same address: the page with its button.
    assert page.status_code == 200 and f'{link}"' in page.text
