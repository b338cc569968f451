"""Links that leave a running server (mails, calendar feeds, exports, the Atom feed) start with the
address it was asked on, or the port it serves when no request wrote them; proxies'
``X-Forwarded-*`` headers count only from the addresses in ``SUMMIT_TRUSTED_PROXIES``."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx2 as httpx
import pytest

from tests.addresses_support import _CSRF, _FORWARDED
from tests.conftest import DEMO_PASSWORD, sqlite_settings
from tests.servers import free_port, serving

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
