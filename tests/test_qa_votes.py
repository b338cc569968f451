"""Votes on live questions: they reorder the list on every open page, count once per account
(even two at once on PostgreSQL), can be taken back, and are counted in Arabic plurals."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from summit.agenda.models import ProgrammeSession, Summit
from summit.auth.forms import AccountInput
from summit.auth.services import upsert_account
from summit.db import Database
from summit.i18n.viewer import Viewer, ngettext, viewing_as
from summit.qa import services
from summit.qa.models import Question, QuestionVote
from tests.factories import make_summit
from tests.qa_support import (
    ASKER,
    VOTERS,
    Accounts,
    _ask,
    _list_fragment,
    _question_id,
    _shown,
    _socket,
    _vote,
)


def test_votes_reorder_the_list_on_every_page(
    accounts: Accounts, opening_id: int, demo_database: Database
) -> None:
    asker = accounts.use(ASKER)
    _ask(asker, opening_id, "First question")
    _ask(asker, opening_id, "Second question")
    second = _question_id(demo_database, "Second question")

    with (
        _socket(accounts.use(None), opening_id) as visitor,
        _socket(accounts.use("organiser@example.org"), opening_id) as organiser,
    ):
        for email in VOTERS:
            assert _vote(accounts.use(email), opening_id, second).status_code == 200
        last = [[socket.receive_text() for _ in VOTERS][-1] for socket in (visitor, organiser)]

    assert [_shown(message) for message in last] == [["Second question", "First question"]] * 2
    assert "3 votes" in last[0]


def test_a_second_vote_counts_once_and_a_vote_can_be_taken_back(
    accounts: Accounts, opening_id: int, demo_database: Database
) -> None:
    _ask(accounts.use(ASKER), opening_id, "Is this counted once?")
    question_id = _question_id(demo_database, "Is this counted once?")
    voter = accounts.use("delegate@example.org")

    _vote(voter, opening_id, question_id)
    twice = _vote(voter, opening_id, question_id)
    with demo_database.read() as db:
        after_two = db.get(Question, question_id)
        rows = db.exec(select(QuestionVote).where(QuestionVote.question_id == question_id)).all()
    _vote(voter, opening_id, question_id, "0")
    with demo_database.read() as db:
        after_back = db.get(Question, question_id)

    assert after_two is not None and after_back is not None
    assert (after_two.vote_count, len(rows), after_back.vote_count) == (1, 1, 0)
    # The voter's own answer says which questions they voted for; the list itself does not.
    assert f'data-my-votes="{question_id}"' in twice.text
    assert 'aria-pressed="true"' not in _list_fragment(voter, opening_id)


@pytest.mark.parametrize(
    ("count", "expected"),
    # No votes, one vote, two (the dual, without a number), then the number with a plural
    # (3-10), an accusative singular (11-99) and a genitive singular (100).
    [
        (0, "لا أصوات"),
        (1, "صوت واحد"),
        (2, "صوتان"),
        (5, "5 أصوات"),
        (11, "11 صوتًا"),
        (100, "100 صوت"),
    ],
)
def test_vote_counts_follow_arabic_plurals(count: int, expected: str) -> None:
    with viewing_as(Viewer("ar", "UTC")):
        text = ngettext("%(num)d vote", "%(num)d votes", count) % {"num": count}

    assert text == expected


@pytest.mark.postgres
def test_two_identical_votes_at_once_count_once_on_postgres(postgres_engine: Any) -> None:
    """The second transaction waits on the unique index, then loses: one vote, no error."""
    import threading

    from sqlalchemy import text

    from summit.migrate import upgrade

    upgrade(postgres_engine)
    database = Database(postgres_engine)
    with database.write() as db:
        summit = make_summit(db, slug="pg", days=1, streams=1, sessions_per_stream_per_day=1)
        session_id = db.exec(
            select(ProgrammeSession.id).where(ProgrammeSession.summit_id == summit.id)
        ).one()
        account = upsert_account(
            db, data=AccountInput(email="voter@example.org", display_name="Voter")
        )
        asker = upsert_account(
            db, data=AccountInput(email="asker@example.org", display_name="Asker")
        )
        assert session_id is not None and account.id is not None and asker.id is not None
        question, _ = services.ask(
            db, summit=summit, session_id=session_id, account_id=asker.id, body="Race?"
        )
        question_id, account_id = question.id, account.id
    assert question_id is not None
    results: dict[str, list[object]] = {}
    first_voted = threading.Event()

    def vote(name: str, hold: bool) -> None:
        with database.write() as db:
            fresh = db.get(Summit, summit.id)
            assert fresh is not None
            results[name] = list(
                services.vote(
                    db,
                    summit=fresh,
                    session_id=session_id,
                    question_id=question_id,
                    account_id=account_id,
                )
            )
            if hold:
                first_voted.set()
                # Commit only once the other transaction waits on our uncommitted vote.
                with postgres_engine.connect() as watcher:
                    while not watcher.execute(
                        text("SELECT count(*) FROM pg_locks WHERE NOT granted")
                    ).scalar():
                        watcher.rollback()

    first = threading.Thread(target=vote, args=("first", True))
    first.start()
    first_voted.wait(timeout=30)
    second = threading.Thread(target=vote, args=("second", False))
    second.start()
    first.join(timeout=60)
    second.join(timeout=60)

    with database.read() as db:
        counted = db.get(Question, question_id)
        rows = db.exec(select(QuestionVote).where(QuestionVote.question_id == question_id)).all()
    assert counted is not None
    assert (len(results["first"]), results["second"], counted.vote_count, len(rows)) == (
        1,
        [],
        1,
        1,
    )
