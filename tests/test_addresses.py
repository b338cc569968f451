"""Links that leave the app (mails, calendar feeds, exports, the Atom feed) start with
``SUMMIT_BASE_URL`` when it is set, and else with the address the request came to; proxies'
``X-Forwarded-*`` headers count only from the addresses in ``SUMMIT_TRUSTED_PROXIES``."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx2 as httpx
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
from tests.conftest import DEMO_PASSWORD, DURING_THE_SUMMIT, sqlite_settings
from tests.mailbox import wait_for_mail
from tests.servers import free_port, serving

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_URL = re.compile(r"https?://[^\s\"'<>\\,]+")
EXPORTS = [
    "/ogp2021/schedule/export/schedule.xml",
    "/ogp2021/schedule/export/schedule.json",
    "/ogp2021/schedule/export/schedule.ics",
    "/ogp2021/schedule/export/streams/plenary.ics",
    "/ogp2021/schedule/export/speakers/aziz-akhannouch.ics",
    "/ogp2021/changes.atom",
    "/ogp2021/bodies/african-open-government-network/practices.atom",
]
# Addresses of standards the documents name (the Atom namespace, the frab schema).
FOREIGN_HOSTS = {
    "www.w3.org",
    "c3voc.de",
    # The demo sessions' players and captions, which the exports link to.
    "www.youtube-nocookie.com",
    "player.vimeo.com",
    "captions.example.org",
}


def ours(body: str) -> list[str]:
    """Every absolute URL in ``body`` that is not a standard's or a player's address (calendar
    lines folded at 75 octets are unfolded first)."""
    found = _URL.findall(body.replace("\r\n ", ""))
    return [url for url in found if urlsplit(url).hostname not in FOREIGN_HOSTS]


class Browser:
    """A person's browser on one address of a running server."""

    def __init__(self, address: str, headers: dict[str, str] | None = None) -> None:
        self.address = address
        self.client = httpx.Client(base_url=address, timeout=20, headers=headers)

    def token(self, path: str) -> str:
        found = _CSRF.search(self.client.get(path).text)
        assert found is not None, path
        return found.group(1)

    def post(self, path: str, data: dict[str, str], *, token_from: str) -> httpx.Response:
        return self.client.post(
            path,
            data={**data, "csrf_token": self.token(token_from)},
            headers={"origin": self.address},
        )

    def sign_in(self, email: str) -> None:
        answer = self.post(
            "/signin", {"email": email, "password": DEMO_PASSWORD}, token_from="/signin"
        )
        assert answer.status_code == 303, answer.text

    def close(self) -> None:
        self.client.close()


@pytest.fixture
def demo_copy(tmp_path: Path, demo_database_file: Path) -> str:
    path = tmp_path / "served.db"
    shutil.copyfile(demo_database_file, path)
    return sqlite_settings(path).database_url


def _mailed_link(log_path: Path, kind: str) -> str:
    """The link of the first ``kind`` mail the server logged (it logs mail in development)."""
    deadline = time.monotonic() + 15
    while True:
        found = re.search(rf"(https?://[^\s'\"\\]+/{kind}/[A-Za-z0-9_-]+)", log_path.read_text())
        if found:
            return found.group(1)
        assert time.monotonic() < deadline, f"no {kind} mail in {log_path}"
        time.sleep(0.05)


def test_a_server_without_a_base_url_links_to_the_address_it_was_asked_on(
    demo_copy: str, tmp_path: Path
) -> None:
    port = free_port()
    assert port != 8000
    log_path = tmp_path / "server.log"
    mail_log = {"SUMMIT_LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}
    with serving(demo_copy, log_path, port=port, environment=mail_log) as address:
        # The same server, reached by two names: each gets its own links, cache or no cache.
        for base in (address, f"http://localhost:{port}"):
            browser = Browser(base)
            try:
                for path in EXPORTS:
                    answer = browser.client.get(path)
                    assert answer.status_code == 200, path
                    links = ours(answer.text)
                    assert links, path
                    assert [url for url in links if not url.startswith(f"{base}/")] == [], path

                browser.sign_in("delegate@example.org")
                session = re.search(
                    r'href="/ogp2021/sessions/(\d+)"', browser.client.get("/ogp2021/programme").text
                )
                assert session is not None
                browser.post(
                    f"/ogp2021/sessions/{session.group(1)}/follow",
                    {"follow": "1"},
                    token_from="/ogp2021/agenda",
                )
                agenda = browser.post(
                    "/ogp2021/agenda/calendar", {}, token_from="/ogp2021/agenda"
                ).text
                feed = re.search(r'class="copy-field"[^>]*value="([^"]+)"', agenda)
                assert feed is not None
                assert feed.group(1).startswith(f"{base}/ogp2021/schedule/export/agenda/")
                calendar = browser.client.get(feed.group(1))
                assert calendar.status_code == 200
                assert ours(calendar.text)
                assert [url for url in ours(calendar.text) if not url.startswith(base)] == []
            finally:
                browser.close()

        organiser = Browser(address)
        try:
            organiser.sign_in("organiser@example.org")
            page = organiser.post(
                "/ogp2021/manage/invitations",
                {"email": "guest@example.org", "role": "juror"},
                token_from="/ogp2021/manage/invitations",
            ).text
        finally:
            organiser.close()
        invitation = re.search(r'value="(https?://[^"]+/invite/[^"]+)"', page)
        assert invitation is not None
        assert invitation.group(1).startswith(f"{address}/invite/")
        assert httpx.get(invitation.group(1)).status_code == 200

        stranger = Browser(f"http://localhost:{port}")
        try:
            stranger.post("/reset", {"email": "juror3@example.org"}, token_from="/reset")
        finally:
            stranger.close()
        reset = _mailed_link(log_path, "reset")
        assert reset.startswith(f"http://localhost:{port}/reset/")
        assert httpx.get(reset).status_code == 200


def _logged_mail(log_path: Path, subject: str) -> str:
    """The log line of the first mail whose subject starts with ``subject``."""
    deadline = time.monotonic() + 60
    while True:
        for line in log_path.read_text().splitlines():
            if "mail" in line and f"subject='{subject}" in line:
                return line
        assert time.monotonic() < deadline, f"no mail {subject!r} in {log_path}"
        time.sleep(0.1)


def test_mail_written_without_a_request_links_to_the_port_served(tmp_path: Path) -> None:
    # summit demo's clock starts the day before a speaker's session: the mail schedule's first
    # run writes that speaker's reminder, with no request to take an address from.
    log_path = tmp_path / "demo.log"
    mail_log = {"SUMMIT_LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}
    database_url = f"sqlite:///{tmp_path / 'fresh.db'}"
    with serving(database_url, log_path, command=("demo",), environment=mail_log) as address:
        reminder = _logged_mail(log_path, "Tomorrow you speak")
        links = ours(reminder)
        answers = [httpx.get(url).status_code for url in links if "/unsubscribe/" not in url]

    assert not address.endswith(":8000")
    # The session, the speaker's page, the unsubscription.
    assert len(links) == 3
    assert [url for url in links if not url.startswith(f"{address}/")] == []
    # The session's page answers; the speaker's page asks a stranger to sign in first.
    assert answers == [200, 303]


_FORWARDED = {"x-forwarded-proto": "https", "x-forwarded-host": "summit.example.org"}


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        # The proxy in front (here, the test itself, on 127.0.0.1) is trusted.
        ({"SUMMIT_TRUSTED_PROXIES": "127.0.0.1"}, "https://summit.example.org"),
        # The same headers from an address that is not a named proxy are ignored.
        ({"SUMMIT_TRUSTED_PROXIES": "192.0.2.1"}, "{address}"),
        # A base URL, once set, wins over what the request says.
        (
            # (http: the test speaks http, and an https base URL makes cookies https-only)
            {
                "SUMMIT_TRUSTED_PROXIES": "127.0.0.1",
                "SUMMIT_BASE_URL": "http://other.example.net:81",
            },
            "http://other.example.net:81",
        ),
    ],
    ids=["trusted-proxy", "untrusted-peer", "base-url-set"],
)
def test_forwarded_headers_count_only_from_trusted_proxies(
    demo_copy: str, tmp_path: Path, environment: dict[str, str], expected: str
) -> None:
    hosts = {"SUMMIT_ALLOWED_HOSTS": "summit.example.org"}
    with serving(demo_copy, tmp_path / "server.log", environment=environment | hosts) as address:
        wanted = expected.format(address=address)
        browser = Browser(address, headers=_FORWARDED)
        try:
            schedule = browser.client.get("/ogp2021/schedule/export/schedule.json").json()
            feed = browser.client.get("/ogp2021/changes.atom").text
            # The same-origin check follows the address the browser used, through the proxy.
            # (The test speaks http to the server: an https-only cookie is sent by hand.)
            form = httpx.get(f"{address}/signin", headers=_FORWARDED)
            found = _CSRF.search(form.text)
            assert found is not None
            csrf_cookie = form.headers["set-cookie"].split(";")[0]
            origin = urlsplit(wanted)
            answer = httpx.post(
                f"{address}/signin",
                data={
                    "email": "organiser@example.org",
                    "password": DEMO_PASSWORD,
                    "csrf_token": found.group(1),
                },
                headers={
                    **_FORWARDED,
                    "origin": f"{origin.scheme}://{origin.netloc}",
                    "cookie": csrf_cookie,
                },
            )
        finally:
            browser.close()
    assert schedule["schedule"]["conference"]["url"] == f"{wanted}/ogp2021/"
    assert [url for url in ours(feed) if not url.startswith(f"{wanted}/")] == []
    assert answer.status_code == 303
    # Cookies are https-only exactly when a trusted proxy says the browser uses https.
    trusted = environment["SUMMIT_TRUSTED_PROXIES"] == "127.0.0.1"
    assert ("; Secure" in answer.headers["set-cookie"]) is trusted


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
