"""Live Q&A over real sockets: asking, voting and moderating reach every open page of the
session, in the order everyone sees, and nobody sees what they should not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession, SessionStatus, Summit
from summit.auth.forms import AccountInput, RoleInput
from summit.auth.models import Account, Role
from summit.auth.services import grant_role, upsert_account
from summit.db import Database
from summit.eventlog import LiveEvent
from summit.events import PendingQuestionsChanged, QuestionsChanged
from summit.i18n.viewer import Viewer, ngettext, viewing_as
from summit.people.models import Person
from summit.qa import services
from summit.qa.models import Question, QuestionStatus, QuestionVote
from tests.conftest import (
    BASE_URL,
    DEMO_PASSWORD,
    choose_english,
    csrf_token,
    make_client,
    sign_in,
)
from tests.factories import make_summit
from tests.test_queries import count_queries

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


def test_hiding_removes_the_question_everywhere(
    accounts: Accounts, opening_id: int, demo_database: Database
) -> None:
    asker = accounts.use("delegate@example.org")
    _ask(asker, opening_id, "Keep this one")
    _ask(asker, opening_id, "Something rude")
    rude = _question_id(demo_database, "Something rude")

    with _socket(accounts.use(None), opening_id) as visitor:
        hidden = _moderate(accounts.use("organiser@example.org"), opening_id, rude, "hide")
        pushed = visitor.receive_text()

    page = accounts.use(None).get(f"/ogp2021/sessions/{opening_id}/questions").text
    assert hidden.status_code == 200
    assert _shown(pushed) == ["Keep this one"]
    assert "Something rude" not in page
    # A hidden question can no longer be voted for: it answers like a missing one.
    assert _vote(accounts.use("delegate2@example.org"), opening_id, rude).status_code == 404


def test_a_pinned_question_comes_first_and_an_answered_one_moves_to_its_own_section(
    accounts: Accounts, opening_id: int, demo_database: Database
) -> None:
    asker = accounts.use("delegate@example.org")
    _ask(asker, opening_id, "Popular question")
    _ask(asker, opening_id, "Chosen question")
    popular = _question_id(demo_database, "Popular question")
    chosen = _question_id(demo_database, "Chosen question")
    _vote(accounts.use("delegate2@example.org"), opening_id, popular)

    organiser = accounts.use("organiser@example.org")
    with _socket(organiser, opening_id) as page:
        _moderate(organiser, opening_id, chosen, "pin")
        pinned = page.receive_text()
        _moderate(organiser, opening_id, chosen, "answer")
        answered = page.receive_text()

    assert _shown(pinned) == ["Chosen question", "Popular question"]
    assert f'class="question question--pinned" id="question-{chosen}"' in pinned
    # One message: the list without it, then the answered questions with it.
    listed, done = answered.split('<div id="questions-answered-')
    assert _shown(listed) == ["Popular question"]
    assert _shown(done) == ["Chosen question"]
    assert f'class="question question--answered" id="question-{chosen}"' in done


def test_under_pre_moderation_delegates_see_a_question_only_once_approved(
    accounts: Accounts, opening_id: int, demo_database: Database
) -> None:
    _ask(accounts.use("delegate@example.org"), opening_id, "Already visible")
    visible = _question_id(demo_database, "Already visible")
    assert _premoderate(accounts.use("organiser@example.org"), opening_id).status_code == 200

    with (
        _socket(accounts.use("delegate2@example.org"), opening_id) as delegate_page,
        _socket(accounts.use("organiser@example.org"), opening_id) as organiser_page,
    ):
        answer = _ask(accounts.use("delegate@example.org"), opening_id, "Waiting question")
        waiting = _question_id(demo_database, "Waiting question")
        to_moderate = organiser_page.receive_text()
        # Something public happens: the delegate's next message is about it, not the waiting one.
        _vote(accounts.use("juror1@example.org"), opening_id, visible)
        delegate_next = delegate_page.receive_text()
        organiser_page.receive_text()
        fragment = _list_fragment(accounts.use("delegate2@example.org"), opening_id)

        _moderate(accounts.use("organiser@example.org"), opening_id, waiting, "approve")
        delegate_after = delegate_page.receive_text()

    assert "waits for a moderator" in answer.text
    assert '<div id="questions-pending-' in to_moderate
    assert _shown(to_moderate) == ["Waiting question"]
    assert _shown(delegate_next) == ["Already visible"]
    assert _shown(fragment) == ["Already visible"]
    assert _shown(delegate_after) == ["Already visible", "Waiting question"]


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


def test_the_sessions_moderator_moderates_and_sees_waiting_questions_live(
    accounts: Accounts, opening_id: int, demo_database: Database
) -> None:
    _link_moderator(demo_database)
    moderator = accounts.use(MODERATOR_EMAIL)
    assert _premoderate(moderator, opening_id).status_code == 200

    with _socket(accounts.use(MODERATOR_EMAIL), opening_id) as page:
        _ask(accounts.use("delegate@example.org"), opening_id, "For the moderator")
        pushed = page.receive_text()
    question_id = _question_id(demo_database, "For the moderator")
    approved = _moderate(accounts.use(MODERATOR_EMAIL), opening_id, question_id, "approve")

    assert _shown(pushed) == ["For the moderator"]
    assert '<div id="questions-pending-' in pushed
    assert approved.status_code == 200


def test_a_delegate_may_not_moderate(
    accounts: Accounts, opening_id: int, demo_database: Database
) -> None:
    delegate = accounts.use("delegate@example.org")
    _ask(delegate, opening_id, "Pin mine please")
    question_id = _question_id(demo_database, "Pin mine please")
    with demo_database.read() as db:
        before = len(db.exec(select(LiveEvent.id)).all())

    answers = [
        _moderate(delegate, opening_id, question_id, action).status_code
        for action in ("pin", "hide", "answer")
    ] + [_premoderate(delegate, opening_id).status_code]

    with demo_database.read() as db:
        after = len(db.exec(select(LiveEvent.id)).all())
        question = db.get(Question, question_id)
    assert answers == [403, 403, 403, 403]
    assert question is not None and (question.status, question.is_pinned) == ("approved", False)
    assert after == before


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


def test_a_waiting_question_is_told_to_organisers_and_to_linked_moderators(
    demo_database: Database, opening_id: int
) -> None:
    _link_moderator(demo_database)
    with demo_database.write() as db:
        summit = db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()
        robin = db.exec(select(Account).where(Account.email == MODERATOR_EMAIL)).one()
        asker = db.exec(select(Account).where(Account.email == VOTERS[0])).one()
        draft = db.get(ProgrammeSession, opening_id)
        assert draft is not None and asker.id is not None and summit.id is not None
        draft.qa_premoderated = True
        db.add(draft)
        question, events = services.ask(
            db, summit=summit, session_id=opening_id, account_id=asker.id, body="Wait for it"
        )

    assert [event.topic for event in events] == [
        f"summit:{summit.id}:organisers",
        f"account:{robin.id}",
    ]
    assert all(isinstance(event, PendingQuestionsChanged) for event in events)


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


def test_moderators_see_the_waiting_list_and_others_do_not(
    accounts: Accounts, opening_id: int
) -> None:
    _premoderate(accounts.use("organiser@example.org"), opening_id)
    _ask(accounts.use("delegate@example.org"), opening_id, "Secret until approved")

    def panel(email: str | None) -> str:
        return str(
            accounts.use(email)
            .get(f"/ogp2021/sessions/{opening_id}/questions", headers={"hx-request": "true"})
            .text
        )

    assert "Secret until approved" in panel("organiser@example.org")
    assert "qa--moderating" in panel("organiser@example.org")
    for email in (None, "delegate@example.org", "delegate2@example.org"):
        assert "Secret until approved" not in panel(email)
        assert "qa--moderating" not in panel(email)


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
