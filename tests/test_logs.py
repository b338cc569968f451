"""The server's log never holds the secrets that some addresses carry."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlmodel import select
from websockets.sync.client import connect
from websockets.typing import Origin

from summit.agenda import calendar_tokens
from summit.agenda.queries import summit_by_slug
from summit.auth import tokens
from summit.auth.models import Account
from summit.columns import utcnow
from summit.db import Database, create_db_engine
from summit.logs import REDACTED
from summit.settings import Settings
from tests.servers import serving
from tests.test_outages import _demo_copy, _invitation


def _feed_and_reset(settings: Settings) -> tuple[str, str]:
    database = Database(create_db_engine(settings))
    try:
        with database.write() as db:
            summit = summit_by_slug(db, "ogp2021")
            delegate = db.exec(select(Account).where(Account.email == "delegate@example.org")).one()
            assert summit is not None and delegate.id is not None
            feed = calendar_tokens.rotate(db, summit=summit, account_id=delegate.id, now=utcnow())
            reset = tokens.issue_reset(
                db, email="delegate@example.org", now=utcnow() - timedelta(minutes=1)
            )
            assert reset is not None
            return feed, reset.token
    finally:
        database.dispose()


def test_the_request_log_holds_no_token_of_feeds_resets_or_invitations(
    tmp_path: Path, demo_database_file: Path
) -> None:
    settings = _demo_copy(tmp_path, demo_database_file)
    feed, reset = _feed_and_reset(settings)
    invitation = _invitation(settings)
    secrets = [feed, reset, invitation]
    paths = [
        f"/ogp2021/schedule/export/agenda/{feed}.ics",
        f"/reset/{reset}",
        f"/invite/{invitation}",
        f"/reset/{reset}/not-a-page",  # no route: logged all the same
    ]
    log_path = tmp_path / "server.log"
    with serving(
        settings.database_url, log_path, environment={"SUMMIT_LOG_LEVEL": "INFO"}
    ) as address:
        statuses = [httpx.get(address + path).status_code for path in paths]
    log = log_path.read_text()
    requests = [line for line in log.splitlines() if "request" in line and REDACTED in line]

    assert statuses == [200, 200, 200, 404]
    assert [secret for secret in secrets if secret in log] == []
    assert len(requests) == len(paths)


@pytest.mark.parametrize(("level", "logged"), [("WARNING", False), ("INFO", True)])
def test_sockets_and_requests_are_logged_only_at_info(
    tmp_path: Path, demo_database_file: Path, level: str, logged: bool
) -> None:
    settings = _demo_copy(tmp_path, demo_database_file)
    log_path = tmp_path / "server.log"
    environment = {"SUMMIT_LOG_LEVEL": level, "PYTHONUNBUFFERED": "1"}
    with serving(settings.database_url, log_path, environment=environment) as address:
        page = httpx.get(f"{address}/ogp2021/programme")
        # The server writes its line for a socket before the client sees the socket accepted.
        with connect(
            f"{address.replace('http', 'ws')}/ogp2021/live?page=programme",
            origin=Origin(address),
        ):
            pass
    lines = log_path.read_text().splitlines()
    sockets = [line for line in lines if "/ogp2021/live" in line or "connection open" in line]
    requests = [line for line in lines if "request" in line and "/ogp2021/programme" in line]

    assert page.status_code == 200
    assert (bool(sockets), bool(requests)) == (logged, logged)
