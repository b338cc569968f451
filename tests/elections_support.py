"""What the election tests share: the demo election sc-2022 opened with its window (a fixture),
a clock the app reads, the app and its client, and a head of delegation's vote as the page posts
it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import Summit
from summit.app import create_app
from summit.bodies.models import Body
from summit.db import Database
from summit.elections.forms import ElectionInput
from summit.elections.models import Election, TieRule, VotingMethod
from summit.elections.services import (
    open_election,
)
from summit.people.models import Delegation
from summit.settings import Settings
from tests.conftest import make_client

OPENS = datetime(2021, 12, 16, 0, 0, tzinfo=UTC)
CLOSES = OPENS + timedelta(hours=6)
PAGE = "/ogp2021/elections/sc-2022"
RECEIPT = re.compile(r"<code>([0-9A-F]{4}(?:-[0-9A-F]{4}){3})</code>")


class Clock:
    def __init__(self) -> None:
        self.now = OPENS + timedelta(hours=1)

    def __call__(self) -> datetime:
        return self.now


def _ids(database: Database, *slugs: str) -> list[int]:
    with database.read() as db:
        rows = db.exec(select(Delegation).where(col(Delegation.slug).in_(slugs))).all()
        by_slug = {row.slug: row.id for row in rows}
    return [int(by_slug[slug] or 0) for slug in slugs]


@pytest.fixture
def election(demo_database: Database) -> Election:
    with demo_database.write() as db:
        summit = db.exec(select(Summit)).one()
        body = db.exec(select(Body).where(Body.slug == "steering-committee")).one()
        data = ElectionInput(
            slug="sc-2022",
            body_id=body.id or 0,
            title={"en": "Steering Committee election (demo)", "ar": "انتخاب اللجنة (تجريبي)"},
            seats=1,
            method=VotingMethod.PLURALITY,
            tie_rule=TieRule.NAME,
            opens_at=OPENS,
            closes_at=CLOSES,
            candidates=_ids(demo_database, "tunisia", "kenya", "estonia"),
            electorate=_ids(demo_database, "morocco", "kenya", "nigeria"),
        )
        return open_election(db, summit=summit, data=data, account_id=None)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(demo_settings: Settings, election: Election, clock: Clock) -> Starlette:
    return create_app(demo_settings, clock=clock)


@pytest.fixture
def app_client(app: Starlette) -> Iterator[TestClient]:
    with make_client(app) as client:
        yield client


def _vote(client: TestClient, delegation: str, *choices: str, database: Database) -> object:
    ids = _ids(database, delegation, *choices)
    return client.post(
        f"{PAGE}/vote",
        data={
            "delegation_id": str(ids[0]),
            "choices": [str(i) for i in ids[1:]],
            "csrf_token": _token(client),
        },
        headers={"origin": "http://127.0.0.1:8000"},
        follow_redirects=False,
    )


def _token(client: TestClient) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(PAGE).text)
    assert found
    return found.group(1)
