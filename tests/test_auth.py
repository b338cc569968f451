"""Signing in and out, passwords, resets and invitations, as a browser does them."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from summit.app import create_app
from summit.auth.models import Account, AuditEntry, RoleGrant
from summit.auth.routes import _sign_in_allowed
from summit.db import Database
from summit.mail.models import OutboxMessage
from summit.mail.transports import MemoryMailer
from summit.settings import Settings
from summit.web.ratelimit import SIGN_IN_PER_ACCOUNT, SIGN_IN_PER_ACCOUNT_AND_ADDRESS, RateLimiter
from tests.conftest import (
    BASE_URL,
    DEMO_PASSWORD,
    DURING_THE_SUMMIT,
    another_browser,
    choose_english,
    csrf_token,
    make_client,
    post_form,
    sign_in,
)
from tests.mailbox import wait_for_mail


@pytest.fixture
def mailer() -> MemoryMailer:
    return MemoryMailer()


@pytest.fixture
def app(demo_settings: Settings, mailer: MemoryMailer) -> Starlette:
    return create_app(demo_settings, clock=lambda: DURING_THE_SUMMIT, mailer=mailer)


@pytest.fixture
def browser(app: Starlette) -> Iterator[TestClient]:
    with make_client(app) as client:
        choose_english(client)  # the accounts here speak Arabic; the tests read English
        yield client


def _actions(database: Database) -> list[str]:
    with database.read() as db:
        return list(db.exec(select(AuditEntry.action).order_by(col(AuditEntry.id))).all())


def test_sign_in_sets_an_http_only_session_cookie(browser: TestClient) -> None:
    response = post_form(
        browser, "/signin", {"email": "delegate@example.org", "password": DEMO_PASSWORD}
    )

    cookie = response.headers["set-cookie"]
    assert response.status_code == 303
    assert "summit_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Delegate" in browser.get("/ogp2021/").text


def test_sign_in_redirects_only_within_the_site(browser: TestClient) -> None:
    for target, expected in [
        ("/ogp2021/programme", "/ogp2021/programme"),
        ("https://evil.example.com/", "/"),
        ("//evil.example.com/", "/"),
        ("/\\evil.example.com", "/"),
        ("javascript:alert(1)", "/"),
    ]:
        response = post_form(
            browser,
            "/signin",
            {"email": "delegate@example.org", "password": DEMO_PASSWORD, "next": target},
        )
        assert response.headers["location"] == expected, target


def test_wrong_password_and_unknown_address_get_the_same_answer(
    browser: TestClient, demo_database: Database
) -> None:
    known = post_form(
        browser, "/signin", {"email": "delegate@example.org", "password": "nope-nope-nope"}
    )
    unknown = post_form(
        browser, "/signin", {"email": "nobody@example.org", "password": "nope-nope-nope"}
    )

    def message(page: str) -> str:
        return re.sub(r'value="[^"]*"', "", page)

    assert (known.status_code, unknown.status_code) == (422, 422)
    assert "The e-mail address or the password is not right." in known.text
    assert message(known.text).replace("delegate@example.org", "X") == message(
        unknown.text
    ).replace("nobody@example.org", "X")
    assert _actions(demo_database)[-2:] == ["sign_in_failed", "sign_in_failed"]


def test_sign_in_attempts_are_rate_limited(browser: TestClient, demo_database: Database) -> None:
    statuses = [
        post_form(
            browser, "/signin", {"email": "juror1@example.org", "password": "wrong-password!"}
        ).status_code
        for _ in range(7)
    ]

    assert statuses == [422] * 5 + [429] * 2
    assert _actions(demo_database)[-1] == "rate_limited"


def _from_addresses(app: Starlette) -> ASGIApp:
    """The app, seen from the client address each request names in ``x-test-client``."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            address = Headers(scope=scope).get("x-test-client")
            if address:
                scope = {**scope, "client": (address, 40000)}
        await app(scope, receive, send)

    return wrapped


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out(app: Starlette) -> None:
    with TestClient(_from_addresses(app), base_url=BASE_URL) as client:
        attacker = [
            client.post(
                "/signin",
                data={
                    "email": "delegate@example.org",
                    "password": "wrong-password!",
                    "csrf_token": csrf_token(client),
                },
                headers={"origin": BASE_URL, "x-test-client": "203.0.113.9"},
            ).status_code
            for _ in range(6)
        ]
        owner = client.post(
            "/signin",
            data={
                "email": "delegate@example.org",
                "password": DEMO_PASSWORD,
                "csrf_token": csrf_token(client),
            },
            headers={"origin": BASE_URL, "x-test-client": "198.51.100.7"},
            follow_redirects=False,
        )

    assert attacker == [422] * 5 + [429]
    assert owner.status_code == 303


@pytest.mark.anyio
async def test_one_account_has_a_higher_ceiling_over_every_address() -> None:
    limiter = RateLimiter("memory://")
    ceiling = SIGN_IN_PER_ACCOUNT.amount

    spread = [
        await _sign_in_allowed(limiter, f"10.0.{n // 250}.{n % 250}", "account")
        for n in range(ceiling + 1)
    ]
    elsewhere = await _sign_in_allowed(limiter, "10.9.9.9", "another-account")

    assert spread == [True] * ceiling + [False]
    assert elsewhere is True
    assert ceiling > SIGN_IN_PER_ACCOUNT_AND_ADDRESS.amount


def test_sign_out_ends_every_session_of_the_account(app: Starlette) -> None:
    with make_client(app) as laptop:
        phone = another_browser(laptop)
        sign_in(laptop, "delegate@example.org")
        sign_in(phone, "delegate@example.org")

        response = post_form(laptop, "/signout", {}, token_from="/ogp2021/")

        assert response.status_code == 303
        assert phone.get("/account/password", follow_redirects=False).status_code == 303


def test_changing_the_password_ends_other_sessions_but_not_this_one(app: Starlette) -> None:
    with make_client(app) as laptop:
        phone = another_browser(laptop)
        choose_english(laptop)  # the demo delegate's account speaks Arabic
        sign_in(laptop, "delegate@example.org")
        sign_in(phone, "delegate@example.org")

        response = post_form(
            laptop,
            "/account/password",
            {
                "current_password": DEMO_PASSWORD,
                "new_password": "a brand new passphrase",
                "confirm": "a brand new passphrase",
            },
            token_from="/account/password",
        )

        assert response.status_code == 200
        assert "Your password has been changed" in response.text
        assert laptop.get("/account/password", follow_redirects=False).status_code == 200
        assert phone.get("/account/password", follow_redirects=False).status_code == 303
    with make_client(app) as fresh:
        sign_in(fresh, "delegate@example.org", "a brand new passphrase")


def test_changing_the_password_needs_the_current_one(browser: TestClient) -> None:
    sign_in(browser, "delegate@example.org")

    response = post_form(
        browser,
        "/account/password",
        {
            "current_password": "not my password",
            "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
        token_from="/account/password",
    )

    assert response.status_code == 422
    assert "This is not your current password." in response.text


def test_password_reset_by_link(browser: TestClient, mailer: MemoryMailer) -> None:
    answer = post_form(browser, "/reset", {"email": "juror3@example.org"}, token_from="/reset")
    link = re.search(rf"{BASE_URL}(/reset/\S+)", wait_for_mail(mailer)[0].body)
    assert answer.status_code == 200 and link is not None

    response = post_form(
        browser,
        link.group(1),
        {"new_password": "reset passphrase 42", "confirm": "reset passphrase 42"},
        token_from=link.group(1),
    )
    again = post_form(
        browser,
        link.group(1),
        {"new_password": "another passphrase", "confirm": "another passphrase"},
        token_from="/reset",
    )

    assert response.status_code == 303
    assert again.status_code == 404
    assert "This link is no longer valid" in again.text


def _queued(app: Starlette) -> list[str]:
    with app.state.db.read() as db:
        return list(db.exec(select(OutboxMessage.recipient)))


def test_reset_answers_the_same_for_unknown_addresses(
    app: Starlette, browser: TestClient, mailer: MemoryMailer
) -> None:
    known = post_form(browser, "/reset", {"email": "juror3@example.org"}, token_from="/reset")
    unknown = post_form(browser, "/reset", {"email": "nobody@example.org"}, token_from="/reset")

    def scrub(page: str) -> str:
        return re.sub(r'value="[^"]*"', "", page)

    assert (known.status_code, unknown.status_code) == (200, 200)
    assert scrub(known.text) == scrub(unknown.text)
    assert [mail.to for mail in wait_for_mail(mailer)] == ["juror3@example.org"]
    assert _queued(app) == ["juror3@example.org"]


def _invite(client: TestClient, email: str, role: str, **extra: str) -> str:
    response = post_form(
        client,
        "/ogp2021/manage/invitations",
        {"email": email, "role": role, **extra},
        token_from="/ogp2021/manage/invitations",
    )
    assert response.status_code == 200, response.text
    link = re.search(rf'value="{BASE_URL}(/invite/[^"]+)"', response.text)
    assert link is not None
    return link.group(1)


def test_invitation_creates_an_account_with_the_role_once(
    app: Starlette, demo_database: Database
) -> None:
    with make_client(app) as organiser:
        guest = another_browser(organiser)
        sign_in(organiser, "organiser@example.org")
        link = _invite(organiser, "new.juror@example.org", "juror")

        accepted = post_form(
            guest,
            link,
            {
                "display_name": "Nia Example",
                "password": "juror passphrase",
                "confirm": "juror passphrase",
            },
            token_from=link,
        )
        replay = guest.get(link)

    with demo_database.read() as db:
        account = db.exec(select(Account).where(Account.email == "new.juror@example.org")).one()
        roles = db.exec(select(RoleGrant.role).where(RoleGrant.account_id == account.id)).all()
    assert accepted.status_code == 303 and accepted.headers["location"] == "/ogp2021/"
    assert replay.status_code == 404
    assert roles == ["juror"]
    assert _actions(demo_database)[-2:] == ["role_granted", "invitation_used"]


def test_an_invitation_adds_a_role_to_a_signed_in_account(
    app: Starlette, demo_database: Database
) -> None:
    with make_client(app) as organiser:
        delegate = another_browser(organiser)
        sign_in(organiser, "organiser@example.org")
        link = _invite(organiser, "delegate@example.org", "juror")
        sign_in(delegate, "delegate@example.org")

        accepted = post_form(delegate, link, {}, token_from=link)

    with demo_database.read() as db:
        roles = set(
            db.exec(
                select(RoleGrant.role)
                .join(Account, col(Account.id) == RoleGrant.account_id)
                .where(Account.email == "delegate@example.org")
            ).all()
        )
    assert accepted.status_code == 303
    assert roles == {"delegate", "delegation_head", "juror"}


def test_an_invitation_for_an_existing_address_asks_to_sign_in_first(app: Starlette) -> None:
    with make_client(app) as organiser:
        guest = another_browser(organiser)
        sign_in(organiser, "organiser@example.org")
        link = _invite(organiser, "juror1@example.org", "delegate", delegation_id="1")

        response = post_form(
            guest,
            link,
            {"display_name": "Someone", "password": "long enough pw", "confirm": "long enough pw"},
            token_from=link,
        )

    assert response.status_code == 422
    assert "sign in first" in response.text


def test_an_expired_invitation_does_not_work(demo_settings: Settings) -> None:
    moments = [DURING_THE_SUMMIT]
    app = create_app(demo_settings, clock=lambda: moments[0])
    with make_client(app) as organiser:
        sign_in(organiser, "organiser@example.org")
        link = _invite(organiser, "late@example.org", "juror")
        moments[0] = DURING_THE_SUMMIT.replace(day=DURING_THE_SUMMIT.day + 8)

        assert organiser.get(link).status_code == 404


def test_invitation_form_errors_are_inline(browser: TestClient) -> None:
    sign_in(browser, "organiser@example.org")

    response = post_form(
        browser,
        "/ogp2021/manage/invitations",
        {"email": "not an address", "role": "speaker"},
        token_from="/ogp2021/manage/invitations",
    )

    assert response.status_code == 422
    assert "Enter a valid e-mail address." in response.text
    assert response.text.lstrip().startswith('<section id="invitation-panel">') is False
    htmx = browser.post(
        "/ogp2021/manage/invitations",
        data={"email": "x@example.org", "role": "speaker"},
        headers={
            "origin": BASE_URL,
            "hx-request": "true",
            "x-csrf-token": csrf_token(browser, "/ogp2021/manage/invitations"),
        },
    )
    assert htmx.status_code == 422
    assert htmx.text.lstrip().startswith('<section id="invitation-panel">')
    assert "Choose the speaker" in htmx.text


def test_audit_log_is_shown_to_organisers(browser: TestClient) -> None:
    sign_in(browser, "organiser@example.org")

    page = browser.get("/ogp2021/manage/audit")

    assert page.status_code == 200
    assert "<td>Signed in</td>" in page.text  # in words, not the action's code
