"""Nothing of a hidden or waiting question reaches anyone but moderators: with questions planted
in one copy of the demo (waiting for approval, hidden from the list, hidden while waiting), a
delegate's and a visitor's pages and socket messages are the very same bytes as without them."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, col, select
from starlette.applications import Starlette

from summit.agenda.models import ProgrammeSession, Summit
from summit.app import create_app
from summit.auth.models import Account
from summit.db import Database, create_db_engine
from summit.persistence import pk
from summit.qa import services
from summit.qa.models import Question, QuestionStatus
from tests.conftest import BASE_URL, DURING_THE_SUMMIT, make_client, sign_in, sqlite_settings
from tests.qa_support import Accounts, _moderate, _vote

WS = BASE_URL.replace("http://", "ws://")
TOKEN = re.compile(r"[0-9a-f]{64}")
# The app's clock is frozen here, so its offset from the real one (for the room's countdown)
# grows between two renderings: a second, not a leak.
CLOCK_OFFSET = re.compile(r'data-clock-offset="-?[0-9]+"')
PLANTED = "Planted"
ORGANISER = "organiser@example.org"
ASKER = "speaker@example.org"


def _account(db: Session, email: str) -> int:
    return pk(db.exec(select(Account).where(Account.email == email)).one())


def _opening(db: Session) -> int:
    return pk(db.exec(select(ProgrammeSession).where(ProgrammeSession.code == "OPENING")).one())


def _ask_common(db: Session) -> None:
    """The questions both copies have, asked through the service."""
    summit = db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()
    for body in ("Common question one", "Common question two"):
        services.ask(
            db, summit=summit, session_id=_opening(db), account_id=_account(db, ASKER), body=body
        )


def _plant(db: Session) -> None:
    asker = _account(db, "delegate2@example.org")
    session_id = _opening(db)
    for body, status, was in (
        ("Planted waiting question", QuestionStatus.PENDING, None),
        ("Planted hidden question", QuestionStatus.HIDDEN, QuestionStatus.APPROVED),
        ("Planted hidden while waiting", QuestionStatus.HIDDEN, QuestionStatus.PENDING),
        ("Planted hidden answer", QuestionStatus.HIDDEN, QuestionStatus.ANSWERED),
    ):
        db.add(
            Question(
                session_id=session_id,
                account_id=asker,
                body=body,
                status=status,
                hidden_from=was,
                is_anonymous=True,
            )
        )


Twin = tuple[Starlette, Database]


@pytest.fixture
def twins(tmp_path: Path, demo_database_file: Path) -> Iterator[tuple[Twin, Twin]]:
    """Two copies of the demo with the same two questions; the first also holds the planted
    ones (written after the common ones, so that every id the pages show is the same)."""
    made: list[Twin] = []
    for name in ("planted", "clean"):
        path = tmp_path / f"{name}.db"
        shutil.copyfile(demo_database_file, path)
        settings = sqlite_settings(path)
        database = Database(create_db_engine(settings))
        with database.write() as db:
            _ask_common(db)
            if name == "planted":
                _plant(db)
        made.append((create_app(settings, clock=lambda: DURING_THE_SUMMIT), database))
    yield made[0], made[1]
    for _, database in made:
        database.dispose()


def _ids(database: Database) -> tuple[int, dict[str, int]]:
    with database.read() as db:
        common = select(Question).where(col(Question.body).startswith("Common"))
        return _opening(db), {question.body: pk(question) for question in db.exec(common)}


def _pages(twin: Twin, email: str | None) -> list[tuple[int, str]]:
    app, database = twin
    session_id, _ = _ids(database)
    base = f"/ogp2021/sessions/{session_id}"
    htmx = {"hx-request": "true"}
    with make_client(app) as client:
        if email is not None:
            sign_in(client, email)
        answers = [
            client.get(base),
            client.get(f"{base}/questions"),
            client.get(f"{base}/questions", headers=htmx),
            *(
                client.get(
                    f"{base}/questions", headers={**htmx, "hx-target": f"{target}-{session_id}"}
                )
                for target in (
                    "questions",
                    "questions-answered",
                    "questions-pending",
                    "questions-hidden",
                )
            ),
        ]
        return [
            (answer.status_code, CLOCK_OFFSET.sub("", TOKEN.sub("TOKEN", answer.text)))
            for answer in answers
        ]


@pytest.mark.parametrize("email", [None, "delegate@example.org", "juror1@example.org"])
def test_a_non_moderator_sees_the_same_bytes_with_or_without_the_planted_questions(
    twins: tuple[Twin, Twin], email: str | None
) -> None:
    planted, clean = twins

    with_planted = _pages(planted, email)
    without = _pages(clean, email)

    assert [status for status, _ in with_planted] == [200, 200, 200, 200, 200, 403, 403]
    assert PLANTED not in "".join(text for _, text in with_planted)
    assert with_planted == without


def test_the_planted_questions_are_there_for_moderators(twins: tuple[Twin, Twin]) -> None:
    planted, _ = twins

    seen = "".join(text for _, text in _pages(planted, "organiser@example.org"))

    for body in (
        "Planted waiting question",
        "Planted hidden question",
        "Planted hidden while waiting",
        "Planted hidden answer",
    ):
        assert body in seen


def _socket_messages(twin: Twin) -> tuple[list[str], list[str]]:
    """What a delegate's and an organiser's pages of the opening receive while an organiser
    moderates and a delegate votes: one message per public change for the delegate."""
    app, database = twin
    session_id, questions = _ids(database)
    one, two = questions["Common question one"], questions["Common question two"]
    address = f"{WS}/ogp2021/live?page=session&session={session_id}"
    with make_client(app) as client:
        accounts = Accounts(client)
        with (
            accounts.use("delegate@example.org").websocket_connect(
                address, headers={"origin": BASE_URL}
            ) as delegate_page,
            accounts.use(ORGANISER).websocket_connect(
                address, headers={"origin": BASE_URL}
            ) as organiser_page,
        ):
            # Each changes the public list once; hiding and unhiding the moderators' list too.
            # Each change's messages are read before the next change: a page is sent the list
            # as it is when the dispatcher renders it, so changes made meanwhile would show in
            # one copy's message and not in the other's (a matter of timing, not of leaks).
            organiser = accounts.use(ORGANISER)
            public: list[str] = []
            moderators: list[str] = []
            for question, action in (
                (two, "hide"),
                (two, "unhide"),
                (one, "pin"),
                (one, "answer"),
                (one, "unanswer"),
                (two, "vote"),
            ):
                if action == "vote":
                    voter = accounts.use("delegate@example.org")
                    assert _vote(voter, session_id, question).status_code == 200
                else:
                    assert _moderate(organiser, session_id, question, action).status_code == 200
                public.append(delegate_page.receive_text())
                hidden_list_too = action in {"hide", "unhide"}
                moderators += [organiser_page.receive_text() for _ in range(1 + hidden_list_too)]
    return public, moderators


def test_a_delegates_socket_gets_the_same_messages_with_or_without_the_planted_questions(
    twins: tuple[Twin, Twin],
) -> None:
    planted, clean = twins

    with_planted, moderators = _socket_messages(planted)
    without, _ = _socket_messages(clean)

    assert with_planted == without
    assert all('<div id="questions-' in message for message in with_planted)
    assert not any(
        marker in message
        for message in with_planted
        for marker in (PLANTED, "questions-pending-", "questions-hidden-")
    )
    # The organiser's page heard of the hidden questions, planted ones included.
    assert sum("Planted hidden question" in message for message in moderators) == 2
