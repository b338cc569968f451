"""Q&A moderation: hidden and answered questions in sections of their own, each move undone
(unhide, mark unanswered), nobody voting for their own question, and every moderation in the
audit log, in words."""

from __future__ import annotations

import html
import re

from sqlmodel import col, func, select
from starlette.applications import Starlette

from summit.auth.models import Account, AuditEntry
from summit.db import Database
from summit.qa.models import Question, QuestionStatus, QuestionVote
from tests.qa_support import (
    ASKER,
    Accounts,
    _ask,
    _moderate,
    _premoderate,
    _question_id,
    _shown,
    _socket,
    _vote,
)

ORGANISER = "organiser@example.org"
DELEGATE = "delegate@example.org"


SECTIONS = {
    "list": re.compile(r'<div id="questions-\d+"'),
    "answered": re.compile(r'<div id="questions-answered-\d+"'),
    "pending": re.compile(r'<div id="questions-pending-\d+"'),
    "hidden": re.compile(r'<div id="questions-hidden-\d+"'),
}


def _section(page: str, name: str) -> str:
    """One section of a panel (``list``, ``answered``, ``pending`` or ``hidden``), up to the
    next; empty when the page has none."""
    found = SECTIONS[name].search(page)
    if found is None:
        return ""
    later = [
        match.start()
        for pattern in SECTIONS.values()
        if (match := pattern.search(page, found.end())) is not None
    ]
    return page[found.start() : min(later, default=len(page))]


def _panel(accounts: Accounts, email: str | None, session_id: int) -> str:
    return str(
        accounts.use(email)
        .get(f"/ogp2021/sessions/{session_id}/questions", headers={"hx-request": "true"})
        .text
    )


def test_a_member_may_not_vote_for_their_own_question(
    accounts: Accounts, opening_id: int, demo_database: Database
) -> None:
    asked = _ask(accounts.use(DELEGATE), opening_id, "My very own question")
    own = _question_id(demo_database, "My very own question")

    refused = _vote(accounts.use(DELEGATE), opening_id, own)
    whole_page = accounts.use(DELEGATE).get(f"/ogp2021/sessions/{opening_id}/questions").text
    others = _panel(accounts, "delegate2@example.org", opening_id)

    with demo_database.read() as db:
        question = db.get(Question, own)
        votes = db.exec(select(QuestionVote).where(QuestionVote.question_id == own)).all()
    assert refused.status_code == 403
    assert question is not None and question.vote_count == 0 and votes == []
    # The answer to asking tells the page which question is theirs: its button goes.
    assert f'data-my-questions="{own}"' in asked.text
    assert f'data-my-questions="{own}"' in _panel(accounts, DELEGATE, opening_id)
    # Without JavaScript, their own page offers no vote for it; others' pages do.
    assert f'data-vote-for="{own}"' not in whole_page
    assert f'data-vote-for="{own}"' in others
    assert 'data-my-questions=""' in others


def test_a_hidden_question_has_its_own_section_and_unhiding_puts_it_back(
    accounts: Accounts, opening_id: int, demo_database: Database
) -> None:
    asker = accounts.use(ASKER)
    _ask(asker, opening_id, "Keep me")
    _ask(asker, opening_id, "Hide me for a while")
    question_id = _question_id(demo_database, "Hide me for a while")
    _moderate(accounts.use(ORGANISER), opening_id, question_id, "pin")

    with (
        _socket(accounts.use(ORGANISER), opening_id) as organiser_page,
        _socket(accounts.use(DELEGATE), opening_id) as delegate_page,
    ):
        hidden = _moderate(accounts.use(ORGANISER), opening_id, question_id, "hide")
        pushed = sorted((organiser_page.receive_text(), organiser_page.receive_text()), key=len)
        delegate_pushed = delegate_page.receive_text()
        while_hidden = _panel(accounts, ORGANISER, opening_id)
        unhidden = _moderate(accounts.use(ORGANISER), opening_id, question_id, "unhide")
        after = [organiser_page.receive_text(), organiser_page.receive_text()]

    assert (hidden.status_code, unhidden.status_code) == (200, 200)
    assert _shown(_section(while_hidden, "list")) == ["Keep me"]
    assert _shown(_section(while_hidden, "hidden")) == ["Hide me for a while"]
    assert 'value="unhide"' in _section(while_hidden, "hidden")
    # The organiser's page hears of both lists; a delegate's of the public one only.
    assert any('<div id="questions-hidden-' in message for message in pushed)
    assert '<div id="questions-hidden-' not in delegate_pushed
    assert _shown(delegate_pushed) == ["Keep me"]
    # Unhidden, it is back where it was: on the list, still pinned, first.
    public = next(message for message in after if '<div id="questions-hidden-' not in message)
    assert _shown(public) == ["Hide me for a while", "Keep me"]
    assert f'class="question question--pinned" id="question-{question_id}"' in public
    assert _shown(_section(_panel(accounts, ORGANISER, opening_id), "hidden")) == []


def test_a_waiting_question_hidden_then_unhidden_waits_again(
    accounts: Accounts, opening_id: int, demo_database: Database
) -> None:
    _premoderate(accounts.use(ORGANISER), opening_id)
    _ask(accounts.use(ASKER), opening_id, "Not sure about this one")
    question_id = _question_id(demo_database, "Not sure about this one")

    _moderate(accounts.use(ORGANISER), opening_id, question_id, "hide")
    hidden = _panel(accounts, ORGANISER, opening_id)
    _moderate(accounts.use(ORGANISER), opening_id, question_id, "unhide")
    back = _panel(accounts, ORGANISER, opening_id)

    assert _shown(_section(hidden, "pending")) == []
    assert _shown(_section(hidden, "hidden")) == ["Not sure about this one"]
    assert "Waiting for approval" in _section(hidden, "hidden")
    assert _shown(_section(back, "pending")) == ["Not sure about this one"]
    assert _shown(_section(back, "list")) == []
    assert "Not sure about this one" not in _panel(accounts, DELEGATE, opening_id)


def test_an_answered_question_has_its_own_section_and_can_be_marked_unanswered(
    accounts: Accounts, opening_id: int, demo_database: Database
) -> None:
    _ask(accounts.use(ASKER), opening_id, "Answer me")
    question_id = _question_id(demo_database, "Answer me")
    _vote(accounts.use(DELEGATE), opening_id, question_id)

    _moderate(accounts.use(ORGANISER), opening_id, question_id, "answer")
    answered = _panel(accounts, DELEGATE, opening_id)
    moderators = _panel(accounts, ORGANISER, opening_id)
    closed = _vote(accounts.use("delegate2@example.org"), opening_id, question_id)
    _moderate(accounts.use(ORGANISER), opening_id, question_id, "unanswer")
    unanswered = _panel(accounts, DELEGATE, opening_id)

    # Everyone sees the answered questions, apart from the list; moderators may undo.
    assert _shown(_section(answered, "list")) == []
    assert _shown(_section(answered, "answered")) == ["Answer me"]
    assert "1 answered question" in _section(answered, "answered")
    assert 'value="unanswer"' in _section(moderators, "answered")
    assert closed.status_code == 422
    assert _shown(_section(unanswered, "list")) == ["Answer me"]
    assert _shown(_section(unanswered, "answered")) == []
    with demo_database.read() as db:
        question = db.get(Question, question_id)
    assert question is not None
    assert (question.status, question.answered_at, question.vote_count) == ("approved", None, 1)


def test_only_moderators_may_undo_or_see_the_hidden_questions(
    accounts: Accounts, opening_id: int, demo_database: Database
) -> None:
    _ask(accounts.use(ASKER), opening_id, "Hidden from delegates")
    question_id = _question_id(demo_database, "Hidden from delegates")
    _moderate(accounts.use(ORGANISER), opening_id, question_id, "hide")
    delegate = accounts.use(DELEGATE)

    answers = [
        _moderate(delegate, opening_id, question_id, "unhide").status_code,
        _moderate(delegate, opening_id, question_id, "unanswer").status_code,
        delegate.get(
            f"/ogp2021/sessions/{opening_id}/questions",
            headers={"hx-request": "true", "hx-target": f"questions-hidden-{opening_id}"},
        ).status_code,
        _vote(delegate, opening_id, question_id).status_code,
    ]

    with demo_database.read() as db:
        question = db.get(Question, question_id)
    assert answers == [403, 403, 403, 404]
    assert question is not None and question.status == QuestionStatus.HIDDEN


def test_every_moderation_is_in_the_audit_log_with_who_and_when(
    accounts: Accounts, opening_id: int, demo_database: Database, demo_app: Starlette
) -> None:
    organiser = accounts.use(ORGANISER)
    _premoderate(organiser, opening_id, "1")
    _ask(accounts.use(ASKER), opening_id, "Audited question")
    question_id = _question_id(demo_database, "Audited question")
    with demo_database.read() as db:
        first = db.exec(select(func.max(AuditEntry.id))).one() or 0
    organiser = accounts.use(ORGANISER)
    for action in ("approve", "pin", "unpin", "answer", "unanswer", "hide", "unhide"):
        assert _moderate(organiser, opening_id, question_id, action).status_code == 200
    _moderate(organiser, opening_id, question_id, "pin")
    _moderate(organiser, opening_id, question_id, "pin")  # already pinned: nothing to log
    _premoderate(organiser, opening_id, "0")
    page = html.unescape(organiser.get("/ogp2021/manage/audit").text)

    with demo_database.read() as db:
        rows = db.exec(
            select(AuditEntry, Account.email)
            .join(Account, col(Account.id) == AuditEntry.account_id)
            .where(col(AuditEntry.id) > first)
            .order_by(col(AuditEntry.id))
        ).all()
        code = db.exec(
            select(AuditEntry.target).where(AuditEntry.action == "questions_premoderated")
        ).one()
    question = f"question:{question_id}"
    assert [(entry.action, email, entry.target) for entry, email in rows] == [
        ("question_approved", ORGANISER, question),
        ("question_pinned", ORGANISER, question),
        ("question_unpinned", ORGANISER, question),
        ("question_answered", ORGANISER, question),
        ("question_unanswered", ORGANISER, question),
        ("question_hidden", ORGANISER, question),
        ("question_unhidden", ORGANISER, question),
        ("question_pinned", ORGANISER, question),
        ("questions_unmoderated", ORGANISER, code),
    ]
    assert code == "session:OPENING"
    assert all(entry.created_at is not None and entry.client_ip for entry, _ in rows)
    assert all(entry.detail == {"session": "OPENING"} for entry, _ in rows[:-1])
    for words in (
        "Approved a question",
        "Hid a question",
        "Unhid a question",
        "Pinned a question",
        "Unpinned a question",
        "Marked a question answered",
        "Marked a question unanswered",
        "Made a session's new questions wait for approval",
        "Let a session's new questions show at once",
    ):
        assert words in page
    assert "<code>question" not in page


def test_a_premoderation_switch_that_changes_nothing_is_not_logged(
    accounts: Accounts, opening_id: int, demo_database: Database
) -> None:
    organiser = accounts.use(ORGANISER)

    _premoderate(organiser, opening_id, "0")  # already off

    with demo_database.read() as db:
        logged = db.exec(select(AuditEntry.action).where(col(AuditEntry.action).like("q%"))).all()
    assert logged == []


def test_an_htmx_moderation_answers_with_every_list_it_may_have_changed(
    accounts: Accounts, opening_id: int, demo_database: Database
) -> None:
    _ask(accounts.use(ASKER), opening_id, "Which lists?")
    question_id = _question_id(demo_database, "Which lists?")

    organiser = _moderate(accounts.use(ORGANISER), opening_id, question_id, "hide").text

    for block in ("questions", "questions-answered", "questions-pending", "questions-hidden"):
        assert f'<div id="{block}-{opening_id}"' in organiser
    assert 'data-hx-swap-oob="true"' in organiser
