"""What the JSON API tests share: the demo summit's API address, an organiser's bearer token
(made directly, and as the ``token`` fixture), a cookie-less ``api`` client, and session ids by
code."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession, Summit
from summit.auth.api_tokens import ApiScope, issue_api_token
from summit.auth.models import Account
from summit.db import Database
from tests.conftest import BASE_URL, DURING_THE_SUMMIT, make_client

WS = BASE_URL.replace("http://", "ws://")
API = "/api/v1/summits/ogp2021"


def _token(
    database: Database,
    email: str = "organiser@example.org",
    scopes: tuple[ApiScope, ...] = (ApiScope.PROGRAMME_WRITE, ApiScope.PEOPLE_WRITE),
    *,
    days: int = 30,
    now: datetime = DURING_THE_SUMMIT,
) -> str:
    with database.write() as db:
        summit = db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()
        account = db.exec(select(Account).where(Account.email == email)).one()
        return issue_api_token(
            db, summit=summit, account=account, name="test", scopes=list(scopes), now=now, days=days
        ).token


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _session_id(database: Database, code: str) -> int:
    with database.read() as db:
        found = db.exec(select(ProgrammeSession.id).where(ProgrammeSession.code == code)).one()
    assert found is not None
    return found


@pytest.fixture
def api(demo_app: Starlette) -> Iterator[TestClient]:
    """A client with no cookies at all, as a script would be."""
    with make_client(demo_app) as client:
        yield client


@pytest.fixture
def token(demo_database: Database) -> str:
    return _token(demo_database)


@pytest.fixture
def bearer(demo_database: Database) -> dict[str, str]:
    """The organiser's token, for programme writes only, as headers."""
    return _bearer(_token(demo_database, scopes=(ApiScope.PROGRAMME_WRITE,)))
