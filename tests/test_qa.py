"""Moderating live questions over real sockets: hiding, pinning, answering and approving reach
every open page of the session, the session's moderator moderates as organisers do, delegates
may not, and only moderators see the questions waiting."""

from __future__ import annotations

from sqlmodel import select

from summit.agenda.models import ProgrammeSession, Summit
from summit.auth.models import Account
from summit.db import Database
from summit.eventlog import LiveEvent
from summit.events import PendingQuestionsChanged
from summit.qa import services
from summit.qa.models import Question
from tests.qa_support import (
    MODERATOR_EMAIL,
    VOTERS,
    Accounts,
    _ask,
    _link_moderator,
    _list_fragment,
    _moderate,
    _premoderate,
    _question_id,
    _shown,
    _socket,
    _vote,
)


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
