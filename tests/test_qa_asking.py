"""Asking a live question over real sockets: it reaches every open page of the session as the
htmx fragment, a bad or hasty one comes back inline, only members of the summit may ask, and
the panel's queries do not grow with its questions."""

from __future__ import annotations

import pytest
from sqlmodel import select
from starlette.applications import Starlette

from summit.agenda.models import ProgrammeSession, SessionStatus, Summit
from summit.auth.models import Account
from summit.db import Database
from summit.events import QuestionsChanged
from summit.qa import services
from summit.qa.models import Question, QuestionStatus
from tests.conftest import (
    BASE_URL,
    make_client,
    sign_in,
)
from tests.factories import make_summit
from tests.qa_support import (
    ASKER,
    VOTERS,
    Accounts,
    _ask,
    _block,
    _list_fragment,
    _moderate,
    _post,
    _question_id,
    _shown,
    _socket,
    _vote,
)
from tests.test_queries import count_queries


def test_a_question_asked_appears_on_every_open_page(accounts: Accounts, opening_id: int) -> None:
    with (
        _socket(accounts.use(None), opening_id) as visitor,
        _socket(accounts.use("organiser@example.org"), opening_id) as organiser,
    ):
        answer = _ask(accounts.use("delegate@example.org"), opening_id, "  How will you fund it?  ")
        seen = [visitor.receive_text(), organiser.receive_text()]

    assert answer.status_code == 200
    assert "your question is in the list" in answer.text
    assert [_shown(message) for message in seen] == [["How will you fund it?"]] * 2
    assert all('<div id="questions-' in message for message in seen)
    assert "Dina Delegate (demo)" in seen[0]


def test_the_pushed_list_is_the_htmx_fragment(accounts: Accounts, opening_id: int) -> None:
    with _socket(accounts.use(None), opening_id) as visitor:
        _ask(accounts.use("delegate@example.org"), opening_id, "What comes after the summit?")
        pushed = visitor.receive_text()

    fragment = _list_fragment(accounts.use(None), opening_id)
    assert _block(pushed).strip() == fragment.strip()
    assert _shown(fragment) == ["What comes after the summit?"]


def test_a_visitor_who_is_not_signed_in_may_not_ask_or_vote(
    accounts: Accounts, opening_id: int
) -> None:
    visitor = accounts.use(None)
    panel = visitor.get(
        f"/ogp2021/sessions/{opening_id}/questions", headers={"hx-request": "true"}
    ).text

    assert _ask(visitor, opening_id, "Anonymous question").status_code == 403
    assert _vote(visitor, opening_id, 1).status_code == 403
    assert "Sign in to ask a question and to vote." in panel
    assert 'name="body"' not in panel


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("  ?  ", "Write a question of 3 to 500 characters."),
        ("x" * 501, "Write a question of 3 to 500 characters."),
        ("Bad\x00question", "A question may not contain NUL characters."),
    ],
)
def test_a_bad_question_comes_back_with_an_inline_error(
    accounts: Accounts, opening_id: int, demo_database: Database, body: str, message: str
) -> None:
    delegate = accounts.use("delegate@example.org")

    htmx = _ask(delegate, opening_id, body)
    plain = _post(delegate, f"/ogp2021/sessions/{opening_id}/questions", {"body": body}, htmx=False)

    with demo_database.read() as db:
        assert db.exec(select(Question)).all() == []
    assert (htmx.status_code, plain.status_code) == (422, 422)
    assert f'<p class="field-error" id="body-error">{message}</p>' in htmx.text
    assert htmx.text.lstrip().startswith('<div id="qa-ask-')
    assert "<html" in plain.text and message in plain.text


def test_asking_too_fast_is_refused_inline(accounts: Accounts, opening_id: int) -> None:
    delegate = accounts.use("delegate@example.org")

    answers = [_ask(delegate, opening_id, f"Question number {n}") for n in range(6)]

    assert [answer.status_code for answer in answers] == [200] * 5 + [422]
    assert "You are asking quickly" in answers[-1].text


def test_without_javascript_each_form_comes_back_to_the_questions_page(
    accounts: Accounts, opening_id: int, demo_database: Database
) -> None:
    page = f"/ogp2021/sessions/{opening_id}/questions"

    asked = _post(accounts.use(ASKER), page, {"body": "Plain form question"}, htmx=False)
    question_id = _question_id(demo_database, "Plain form question")
    delegate = accounts.use("delegate@example.org")
    voted = _post(delegate, f"{page}/{question_id}/vote", {"vote": "1"}, htmx=False)
    shown = delegate.get(page).text

    assert (asked.status_code, voted.status_code) == (303, 303)
    assert asked.headers["location"] == f"{BASE_URL}{page}"
    # The whole page is the asker's own: their vote is pressed and its form takes it back.
    assert f'aria-pressed="true" data-vote-for="{question_id}"' in shown
    assert 'name="csrf_token"' in shown.split('<div id="questions-')[1]


def test_questions_close_when_the_session_is_cancelled(
    accounts: Accounts, opening_id: int, demo_database: Database
) -> None:
    with demo_database.write() as db:
        from summit.agenda.models import PublishedSession

        published = db.get(PublishedSession, opening_id)
        assert published is not None
        published.status = SessionStatus.CANCELLED
        db.add(published)

    answer = _ask(accounts.use("delegate@example.org"), opening_id, "Too late?")

    assert answer.status_code == 422
    assert "Questions are closed: the session is cancelled." in answer.text


def test_another_summits_sessions_and_questions_answer_like_missing_ones(
    accounts: Accounts, opening_id: int, demo_database: Database
) -> None:
    with demo_database.write() as db:
        other = make_summit(db, slug="other", days=1, streams=1, sessions_per_stream_per_day=1)
        foreign_session = db.exec(
            select(ProgrammeSession.id).where(ProgrammeSession.summit_id == other.id)
        ).one()
        assert foreign_session is not None
        foreign = Question(
            session_id=foreign_session, body="Elsewhere", status=QuestionStatus.APPROVED
        )
        db.add(foreign)
        db.flush()
        foreign_id = foreign.id
    assert foreign_id is not None
    organiser = accounts.use("organiser@example.org")

    answers = [
        organiser.get(f"/ogp2021/sessions/{foreign_session}/questions").status_code,
        _ask(organiser, foreign_session, "Wrong summit").status_code,
        _vote(organiser, opening_id, foreign_id).status_code,
        _vote(organiser, foreign_session, foreign_id).status_code,
        _moderate(organiser, opening_id, foreign_id, "hide").status_code,
        _vote(organiser, opening_id, 999_999).status_code,
    ]

    assert answers == [404] * 6


def test_services_return_the_events_they_cause(demo_database: Database, opening_id: int) -> None:
    with demo_database.write() as db:
        summit = db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()
        account = db.exec(select(Account).where(Account.email == VOTERS[0])).one()
        asker = db.exec(select(Account).where(Account.email == ASKER)).one()
        assert account.id is not None and summit.id is not None and asker.id is not None
        question, asked = services.ask(
            db, summit=summit, session_id=opening_id, account_id=asker.id, body="Events?"
        )
        assert question.id is not None
        voted = services.vote(
            db, summit=summit, session_id=opening_id, question_id=question.id, account_id=account.id
        )
        again = services.vote(
            db, summit=summit, session_id=opening_id, question_id=question.id, account_id=account.id
        )

    def public(change: str) -> QuestionsChanged:
        assert summit.id is not None and question.id is not None
        return QuestionsChanged(
            summit_id=summit.id, session_id=opening_id, question_id=question.id, change=change
        )

    assert (asked, voted, again) == ([public("asked")], [public("voted")], [])


def _fragment_queries(demo_app: Starlette, database: Database, session_id: int, count: int) -> int:
    with database.write() as db:
        asker = db.exec(select(Account).where(Account.email == VOTERS[0])).one()
        for index in range(count):
            db.add(Question(session_id=session_id, account_id=asker.id, body=f"Q{index}"))
        for question in db.exec(select(Question)):
            question.status = QuestionStatus.APPROVED
            db.add(question)
    with make_client(demo_app) as client:
        sign_in(client, "organiser@example.org")
        client.get(f"/ogp2021/sessions/{session_id}/questions", headers={"hx-request": "true"})
        with count_queries(demo_app.state.db.engine) as statements:
            client.get(f"/ogp2021/sessions/{session_id}/questions", headers={"hx-request": "true"})
    return len(statements)


def test_the_panel_runs_the_same_queries_for_one_or_three_questions(
    demo_app: Starlette, demo_database: Database, opening_id: int
) -> None:
    with demo_database.read() as db:
        closing = db.exec(
            select(ProgrammeSession.id).where(ProgrammeSession.code == "CLOSING")
        ).one()
    assert closing is not None

    one = _fragment_queries(demo_app, demo_database, opening_id, 1)
    three = _fragment_queries(demo_app, demo_database, closing, 3)

    assert one == three


def test_the_session_page_loads_its_questions(accounts: Accounts, opening_id: int) -> None:
    page = accounts.use(None).get(f"/ogp2021/sessions/{opening_id}").text

    questions = f"/ogp2021/sessions/{opening_id}/questions"
    assert f'<section id="qa-{opening_id}" class="qa" data-hx-get="{questions}"' in page
    assert f'<a href="{questions}">' in page
