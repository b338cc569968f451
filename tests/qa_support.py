"""Accounts, fixtures and helpers shared by the live Q&A tests: several accounts on one client,
the demo's opening session, and the posts and reads each test repeats."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession, Summit
from summit.auth.forms import AccountInput, RoleInput
from summit.auth.models import Role
from summit.auth.services import grant_role, upsert_account
from summit.db import Database
from summit.people.models import Person
from summit.qa.models import Question
from tests.conftest import (
    BASE_URL,
    DEMO_PASSWORD,
    choose_english,
    csrf_token,
    make_client,
    sign_in,
)

WS = BASE_URL.replace("http://", "ws://")
VOTERS = ["delegate@example.org", "delegate2@example.org", "juror1@example.org"]
ASKER = "speaker@example.org"
"""Asks the questions the voters vote for (nobody votes for their own)."""
MODERATOR_EMAIL = "robin.moderator@example.org"


class Accounts:
    """One client, several accounts: sign in once each, then switch by cookie jar (sockets
    keep the account they were opened with)."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self._jars: dict[str, dict[str, str]] = {}

    def use(self, email: str | None) -> TestClient:
        self.client.cookies.clear()
        # Some of the accounts speak French or Arabic; the tests read English.
        choose_english(self.client)
        if email is None:
            return self.client
        if email not in self._jars:
            sign_in(self.client, email)
            self._jars[email] = dict(self.client.cookies)
        else:
            self.client.cookies.update(self._jars[email])
        return self.client


@pytest.fixture
def opening_id(demo_database: Database) -> int:
    with demo_database.read() as db:
        found = db.exec(select(ProgrammeSession.id).where(ProgrammeSession.code == "OPENING")).one()
    assert found is not None
    return found


@pytest.fixture
def accounts(demo_app: Starlette) -> Iterator[Accounts]:
    with make_client(demo_app) as client:
        yield Accounts(client)


def _socket(client: TestClient, session_id: int) -> Any:
    return client.websocket_connect(
        f"{WS}/ogp2021/live?page=session&session={session_id}", headers={"origin": BASE_URL}
    )


def _post(client: TestClient, path: str, data: dict[str, str], *, htmx: bool = True) -> Any:
    headers = {"origin": BASE_URL}
    token = csrf_token(client, "/signin")
    if htmx:
        headers |= {"hx-request": "true", "x-csrf-token": token}
    else:
        data = {**data, "csrf_token": token}
    return client.post(path, data=data, headers=headers, follow_redirects=False)


def _ask(client: TestClient, session_id: int, body: str, **extra: str) -> Any:
    return _post(client, f"/ogp2021/sessions/{session_id}/questions", {"body": body, **extra})


def _vote(client: TestClient, session_id: int, question_id: int, vote: str = "1") -> Any:
    return _post(
        client, f"/ogp2021/sessions/{session_id}/questions/{question_id}/vote", {"vote": vote}
    )


def _moderate(client: TestClient, session_id: int, question_id: int, action: str) -> Any:
    return _post(
        client,
        f"/ogp2021/sessions/{session_id}/questions/{question_id}/moderate",
        {"action": action},
    )


def _premoderate(client: TestClient, session_id: int, on: str = "1") -> Any:
    return _post(client, f"/ogp2021/sessions/{session_id}/questions/premoderation", {"on": on})


def _question_id(database: Database, body: str) -> int:
    with database.read() as db:
        found = db.exec(select(Question.id).where(Question.body == body)).one()
    assert found is not None
    return found


def _shown(html: str) -> list[str]:
    """The question texts of a list, in order."""
    return re.findall(r'<p class="question__body"[^>]*>([^<]*)</p>', html)


def _block(message: str) -> str:
    """A pushed message without its event marker."""
    return message.split("</div>", 1)[1]


def _list_fragment(client: TestClient, session_id: int) -> str:
    response = client.get(
        f"/ogp2021/sessions/{session_id}/questions",
        headers={"hx-request": "true", "hx-target": f"questions-{session_id}"},
    )
    assert response.status_code == 200
    return str(response.text)


def _link_moderator(database: Database) -> None:
    """An account for Robin Sample, who moderates the opening (a speaker account)."""
    with database.write() as db:
        summit = db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()
        robin = db.exec(select(Person).where(Person.slug == "robin-sample")).one()
        account = upsert_account(
            db,
            data=AccountInput(
                email=MODERATOR_EMAIL, display_name="Robin (demo)", password=DEMO_PASSWORD
            ),
        )
        grant_role(
            db,
            summit=summit,
            account=account,
            data=RoleInput(role=Role.SPEAKER, person_id=robin.id),
        )
