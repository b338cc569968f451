"""The address of each request, in the app: links start with ``SUMMIT_BASE_URL`` when it is set,
and else with the address the request came to (so cached pages and exports never carry another
host's); hosts, ``X-Forwarded-*`` headers and client addresses count only from trusted proxies."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.app import create_app
from summit.auth.audit import AuditAction
from summit.auth.models import AuditEntry
from summit.db import Database
from summit.mail.transports import MemoryMailer
from summit.practices.models import PracticeFile
from summit.settings import Settings
from tests.addresses_support import _CSRF, _FORWARDED
from tests.conftest import DURING_THE_SUMMIT
from tests.mailbox import wait_for_mail


def _app(settings: Settings) -> Starlette:
    return create_app(settings, clock=lambda: DURING_THE_SUMMIT, mailer=MemoryMailer())


@pytest.fixture
def app(demo_settings: Settings) -> Starlette:
    return _app(demo_settings)


def test_cached_pages_link_by_path_so_no_host_gets_another_hosts_links(app: Starlette) -> None:
    with TestClient(app, base_url="http://localhost:17100") as first:
        first.get("/ogp2021/programme")
    with TestClient(app, base_url="http://127.0.0.1:17100") as second:
        page = second.get("/ogp2021/programme").text

    assert "localhost" not in page
    assert 'href="/ogp2021/speakers"' in page


def test_exports_are_cached_per_address(app: Starlette) -> None:
    with TestClient(app, base_url="http://localhost:17100") as first:
        first.get("/ogp2021/schedule/export/schedule.ics")
    with TestClient(app, base_url="http://127.0.0.1:17100") as second:
        calendar = second.get("/ogp2021/schedule/export/schedule.ics").text

    assert "localhost" not in calendar
    assert "http://127.0.0.1:17100/ogp2021/sessions/" in calendar


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1:1@evil.example", "127.0.0.1/evil", "127.0.0.1 evil", "localhost:80:80", "[::1"],
)
def test_a_host_header_that_is_not_a_host_is_refused(app: Starlette, host: str) -> None:
    with TestClient(app, base_url="http://127.0.0.1:17100") as client:
        answer = client.get("/ogp2021/schedule/export/schedule.ics", headers={"host": host})

    assert answer.status_code == 400
    assert "evil" not in answer.text


def test_forwarded_host_from_an_unlisted_peer_is_ignored(demo_settings: Settings) -> None:
    # The test client's peer is called "testclient"; it is not a trusted proxy by default.
    settings = demo_settings.model_copy(update={"allowed_hosts": "summit.example.org"})
    with TestClient(_app(settings), base_url="http://127.0.0.1:17100") as client:
        schedule = client.get("/ogp2021/schedule/export/schedule.json", headers=_FORWARDED).json()

    assert schedule["schedule"]["base_url"] == "http://127.0.0.1:17100/"


def test_forwarded_host_from_a_listed_proxy_is_believed(demo_settings: Settings) -> None:
    settings = demo_settings.model_copy(
        update={"allowed_hosts": "summit.example.org", "trusted_proxies": "testclient"}
    )
    with TestClient(_app(settings), base_url="http://127.0.0.1:17100") as client:
        schedule = client.get(
            "/ogp2021/schedule/export/schedule.json",
            headers={**_FORWARDED, "x-forwarded-host": "spoofed.example, summit.example.org"},
        ).json()

    # With several values, the one the proxy next to us added counts.
    assert schedule["schedule"]["base_url"] == "https://summit.example.org/"


def test_a_forwarded_host_not_allowed_is_refused(demo_settings: Settings) -> None:
    settings = demo_settings.model_copy(update={"trusted_proxies": "testclient"})
    with TestClient(_app(settings), base_url="http://127.0.0.1:17100") as client:
        answer = client.get("/ogp2021/", headers={"x-forwarded-host": "evil.example"})

    assert answer.status_code == 400


def test_the_start_page_keeps_the_chosen_language_on_its_way_to_the_summit(
    app: Starlette,
) -> None:
    with TestClient(app, base_url="http://localhost:17100") as client:
        moved = client.get("/?lang=ar&tz=Asia/Seoul", follow_redirects=False)
        # A client that keeps no cookies (a link opened in a fresh private window, curl -L).
        client.cookies.clear()
        page = client.get(moved.headers["location"])

    assert moved.headers["location"] == "/ogp2021/?lang=ar&tz=Asia%2FSeoul"
    assert '<html lang="ar" dir="rtl">' in page.text


def test_a_reset_mail_links_to_the_address_the_request_came_to(
    app: Starlette, demo_settings: Settings
) -> None:
    mailer: MemoryMailer = app.state.mailer
    with TestClient(app, base_url="http://localhost:17100") as client:
        token = _CSRF.search(client.get("/reset").text)
        assert token is not None
        client.post(
            "/reset",
            data={"email": "juror3@example.org", "csrf_token": token.group(1)},
            headers={"origin": "http://localhost:17100"},
        )
        mails = wait_for_mail(mailer)

    assert [mail.to for mail in mails] == ["juror3@example.org"]
    assert "http://localhost:17100/reset/" in mails[0].body


def test_a_set_base_url_wins_in_mails(demo_settings: Settings) -> None:
    settings = demo_settings.model_copy(update={"base_url": "https://summit.example.org"})
    app = _app(settings)
    with TestClient(app, base_url="https://localhost:17100") as client:
        token = _CSRF.search(client.get("/reset").text)
        assert token is not None
        client.post(
            "/reset",
            data={"email": "juror3@example.org", "csrf_token": token.group(1)},
            headers={"origin": "https://localhost:17100"},
        )
        body = wait_for_mail(app.state.mailer)[0].body

    assert "https://summit.example.org/reset/" in body


def test_the_session_in_the_calendar_links_to_its_page(app: Starlette) -> None:
    with TestClient(app, base_url="http://localhost:17100") as client:
        session = re.search(r'href="/ogp2021/sessions/(\d+)"', client.get("/ogp2021/").text)
        assert session is not None
        calendar = client.get(f"/ogp2021/schedule/export/sessions/{session.group(1)}.ics").text

    unfolded = calendar.replace("\r\n ", "")
    assert f"URL:http://localhost:17100/ogp2021/sessions/{session.group(1)}" in unfolded


@pytest.mark.parametrize(("trusted", "secure"), [("testclient", True), ("127.0.0.1", False)])
def test_cookies_are_https_only_when_a_trusted_proxy_says_https(
    demo_settings: Settings, trusted: str, secure: bool
) -> None:
    settings = demo_settings.model_copy(update={"trusted_proxies": trusted})
    with TestClient(_app(settings), base_url="http://127.0.0.1:17100") as client:
        answer = client.get("/signin", headers={"x-forwarded-proto": "https"})

    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("summit_csrf=")
    assert ("; Secure" in cookie) is secure
    assert ("strict-transport-security" in answer.headers) is secure


@pytest.mark.parametrize(
    ("trusted", "client_ip"), [("testclient", "203.0.113.9"), ("127.0.0.1", "testclient")]
)
def test_the_client_address_comes_from_a_trusted_proxy_only(
    demo_settings: Settings, demo_database: Database, trusted: str, client_ip: str
) -> None:
    settings = demo_settings.model_copy(update={"trusted_proxies": trusted})
    with TestClient(_app(settings), base_url="http://127.0.0.1:17100") as client:
        token = _CSRF.search(client.get("/signin").text)
        assert token is not None
        client.post(
            "/signin",
            data={"email": "x@example.org", "password": "wrong", "csrf_token": token.group(1)},
            headers={"origin": "http://127.0.0.1:17100", "x-forwarded-for": "203.0.113.9"},
        )

    with demo_database.read() as db:
        failed = db.exec(
            select(AuditEntry).where(AuditEntry.action == AuditAction.SIGN_IN_FAILED)
        ).one()
    # The address that keys the rate limits and goes in the audit log.
    assert failed.client_ip == client_ip


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        (None, "http://localhost:17100"),
        ("https://summit.example.org", "https://summit.example.org"),
    ],
)
def test_the_apis_file_addresses_follow_the_base_url_or_the_request(
    demo_settings: Settings, demo_database: Database, base_url: str | None, expected: str
) -> None:
    with demo_database.write() as db:
        db.add(
            PracticeFile(
                practice_id=1,
                original_name="plan.pdf",
                stored_name="0" * 32,
                content_type="application/pdf",
                size_bytes=1,
                sha256="0" * 64,
            )
        )
    settings = demo_settings.model_copy(update={"base_url": base_url})
    library = "/api/v1/summits/ogp2021/bodies/african-open-government-network/practices"
    with TestClient(_app(settings), base_url="http://localhost:17100") as client:
        files = client.get(f"{library}/1").json()["files"]

    assert [file["url"] for file in files] == [
        f"{expected}/ogp2021/bodies/african-open-government-network/practices/1/attachments/"
        f"{files[0]['id']}"
    ]
