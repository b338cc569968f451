"""A dependency that fails mid-run: the server keeps serving, says so once, and recovers.

The rate-limit store (a Redis of the test's own, which is also the broker) is killed while a real
``summit serve`` answers sign-ins, resets, invitations, Q&A and the API: nothing answers 500, the
limits still hold (per process, in memory), the log says so once, and when Redis is back the
counters go back to it.
"""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path

import httpx2 as httpx
import pytest
import redis
from sqlmodel import select

from summit.agenda.models import ProgrammeSession
from summit.agenda.queries import summit_by_slug
from summit.auth import tokens
from summit.auth.models import Account, Role
from summit.columns import utcnow
from summit.db import Database, create_db_engine
from summit.settings import Settings
from tests.conftest import DEMO_PASSWORD, sqlite_settings
from tests.mailbox import wait_until
from tests.servers import private_redis, serving

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FALLBACK = "rate-limit store unreachable"
RECOVERED = "rate-limit store answers again"


def _demo_copy(tmp_path: Path, demo_database_file: Path) -> Settings:
    path = tmp_path / "outage.db"
    shutil.copyfile(demo_database_file, path)
    return sqlite_settings(path)


def _invitation(settings: Settings) -> str:
    database = Database(create_db_engine(settings))
    try:
        with database.write() as db:
            summit = summit_by_slug(db, "ogp2021")
            organiser = db.exec(
                select(Account).where(Account.email == "organiser@example.org")
            ).one()
            assert summit is not None
            issued = tokens.issue_invitation(
                db,
                summit=summit,
                email="new.juror@example.org",
                role=Role.JUROR,
                invited_by=organiser,
                now=utcnow() - timedelta(minutes=1),
            )
            return issued.token
    finally:
        database.dispose()


def _opening(settings: Settings) -> int:
    database = Database(create_db_engine(settings))
    try:
        with database.read() as db:
            found = db.exec(
                select(ProgrammeSession.id).where(ProgrammeSession.code == "OPENING")
            ).one()
    finally:
        database.dispose()
    assert found is not None
    return found


class Browser:
    """A browser on the server: it keeps its cookies and posts forms with their CSRF token."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.client = httpx.Client(base_url=address, timeout=10)

    def token(self, path: str = "/signin") -> str:
        found = _CSRF.search(self.client.get(path).text)
        assert found is not None, path
        return found.group(1)

    def post(self, path: str, data: dict[str, str], token_from: str = "/signin") -> int:
        answer = self.client.post(
            path,
            data={**data, "csrf_token": self.token(token_from)},
            headers={"origin": self.address},
        )
        return answer.status_code

    def sign_in(self, email: str) -> int:
        return self.post("/signin", {"email": email, "password": DEMO_PASSWORD, "next": "/"})

    def close(self) -> None:
        self.client.close()


def _every_limited_route(address: str, invitation: str, opening: int) -> dict[str, int]:
    """One request on each route that counts attempts, as a fresh browser makes it."""
    statuses: dict[str, int] = {}
    visitor = Browser(address)
    delegate = Browser(address)
    try:
        statuses["sign-in"] = delegate.sign_in("delegate2@example.org")
        statuses["reset"] = visitor.post("/reset", {"email": "juror2@example.org"})
        statuses["invitation form"] = visitor.client.get(f"/invite/{invitation}").status_code
        statuses["invitation"] = visitor.post(
            f"/invite/{invitation}",
            {"display_name": "New Juror", "password": "short", "confirm": "different"},
            token_from=f"/invite/{invitation}",
        )
        statuses["question"] = delegate.post(
            f"/ogp2021/sessions/{opening}/questions",
            {"body": "Will the network publish its charter?"},
            token_from=f"/ogp2021/sessions/{opening}/questions",
        )
        for path in ("/api/v1/summits", "/api/v1/summits/ogp2021/sessions"):
            statuses[path] = visitor.client.get(path).status_code
    finally:
        visitor.close()
        delegate.close()
    return statuses


def _reset(address: str) -> int:
    browser = Browser(address)
    try:
        return browser.post("/reset", {"email": "juror2@example.org"})
    finally:
        browser.close()


EXPECTED = {
    "sign-in": 303,
    "reset": 200,
    "invitation form": 200,
    "invitation": 422,  # the passwords differ: the form comes back, as it should
    "question": 303,
    "/api/v1/summits": 200,
    "/api/v1/summits/ogp2021/sessions": 200,
}


@pytest.mark.redis
def test_a_dead_rate_limit_store_fails_no_request_and_the_limits_still_hold(
    tmp_path: Path, demo_database_file: Path
) -> None:
    settings = _demo_copy(tmp_path, demo_database_file)
    invitation = _invitation(settings)
    opening = _opening(settings)
    log_path = tmp_path / "server.log"
    with private_redis() as store:
        with serving(
            settings.database_url,
            log_path,
            broker_url=store.url,
            environment={"SUMMIT_RATE_LIMIT_URL": store.url},
        ) as address:
            before = _every_limited_route(address, invitation, opening)
            store.kill()
            during = _every_limited_route(address, invitation, opening)
            # The reset above was the first of five an address may ask for in ten minutes.
            more_resets = [_reset(address) for _ in range(5)]
            ready_during = httpx.get(f"{address}/readyz").json()
            fallbacks = log_path.read_text().count(FALLBACK)

            store.start()
            wait_until(
                lambda: httpx.get(f"{address}/readyz").json()["rate_limit"] == "ok",
                "the server to use Redis again",
            )
            after = _every_limited_route(address, invitation, opening)
            keys = redis.Redis.from_url(store.url).keys("LIMITS*")
        log = log_path.read_text()

    assert before == EXPECTED
    assert during == EXPECTED
    assert more_resets == [200, 200, 200, 200, 429]
    assert (ready_during["status"], ready_during["rate_limit"]) == ("degraded", "memory")
    assert fallbacks == 1
    assert after == EXPECTED
    assert keys != []
    assert (log.count(FALLBACK), log.count(RECOVERED)) == (1, 1)
    assert "Traceback" not in log
