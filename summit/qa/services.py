"""Asking, voting and moderating. Keyword-only; the caller owns the transaction and records the
events returned (``summit.eventlog.record``) before it commits."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from summit.agenda.models import ProgrammeSession, Summit
from summit.auth.permissions import Principal, is_organiser
from summit.columns import utcnow
from summit.errors import DomainError, NotFound
from summit.events import DomainEvent, PendingQuestionsChanged, QuestionsChanged
from summit.i18n.viewer import N_plural
from summit.persistence import pk
from summit.qa import queries
from summit.qa.models import Question, QuestionStatus, QuestionVote
from summit.settings import LANGUAGES

MIN_LENGTH = 3
MAX_LENGTH = 500


class NotAllowed(DomainError):
    """The asker may not do this here (the web answers 403)."""


class Moderation(StrEnum):
    APPROVE = "approve"
    HIDE = "hide"
    PIN = "pin"
    UNPIN = "unpin"
    ANSWER = "answer"


def may_moderate(principal: Principal, session: queries.QaSession) -> bool:
    """Organisers of the summit, and whoever is linked (a role's ``person_id``) to one of the
    session's moderators on the published programme."""
    if is_organiser(principal, session.summit_id):
        return True
    return any(
        grant.summit_id == session.summit_id and grant.person_id in session.moderator_ids
        for grant in principal.grants
    )


def _session(db: Session, summit: Summit, session_id: int) -> queries.QaSession:
    found = queries.qa_session(db, summit_id=pk(summit), session_id=session_id)
    if found is None:
        raise NotFound("No such session in this summit.")
    return found


def _open(session: queries.QaSession) -> None:
    if not session.is_open:
        raise DomainError("Questions are closed: the session is cancelled.", field="body")


def _question(db: Session, session: queries.QaSession, question_id: int) -> Question:
    """A question of the session that has not been hidden; anything else is missing."""
    question = db.get(Question, question_id)
    if (
        question is None
        or question.session_id != session.id
        or question.status == QuestionStatus.HIDDEN
    ):
        raise NotFound("No such question on this session.")
    return question


def _pending_events(
    db: Session, session: queries.QaSession, question_id: int, change: str
) -> list[DomainEvent]:
    """One event for the organisers, and one for each moderator's own sockets."""
    return [
        PendingQuestionsChanged(
            summit_id=session.summit_id,
            session_id=session.id,
            question_id=question_id,
            change=change,
            account_id=account_id,
        )
        for account_id in [None, *sorted(queries.moderator_accounts(db, session=session))]
    ]


def _public_event(session: queries.QaSession, question_id: int, change: str) -> DomainEvent:
    return QuestionsChanged(
        summit_id=session.summit_id, session_id=session.id, question_id=question_id, change=change
    )


def ask(
    db: Session,
    *,
    summit: Summit,
    session_id: int,
    account_id: int,
    body: str,
    language: str = "en",
    anonymous: bool = False,
) -> tuple[Question, list[DomainEvent]]:
    """Ask a question: visible at once, or waiting for approval when the session's questions
    are pre-moderated."""
    session = _session(db, summit, session_id)
    _open(session)
    text = body.strip()
    if "\x00" in text:
        raise DomainError("A question may not contain NUL characters.", field="body")
    if not MIN_LENGTH <= len(text) <= MAX_LENGTH:
        raise DomainError(
            N_plural(
                "Write a question of %(least)d to %(num)d character.",
                "Write a question of %(least)d to %(num)d characters.",
            ),
            field="body",
            least=MIN_LENGTH,
            num=MAX_LENGTH,
        )
    question = Question(
        session_id=session.id,
        account_id=account_id,
        body=text,
        language=language if language in LANGUAGES else "en",
        is_anonymous=anonymous,
        status=QuestionStatus.PENDING if session.premoderated else QuestionStatus.APPROVED,
    )
    db.add(question)
    db.flush()
    if question.status == QuestionStatus.PENDING:
        return question, _pending_events(db, session, pk(question), "asked")
    return question, [_public_event(session, pk(question), "asked")]


def vote(
    db: Session,
    *,
    summit: Summit,
    session_id: int,
    question_id: int,
    account_id: int,
    up: bool = True,
) -> list[DomainEvent]:
    """Give one vote (``up``) or take it back; giving it twice counts once."""
    session = _session(db, summit, session_id)
    question = _question(db, session, question_id)
    if question.status not in queries.VISIBLE:
        raise NotFound("No such question on this session.")
    _open(session)
    existing = db.exec(
        select(QuestionVote).where(
            QuestionVote.question_id == question_id, QuestionVote.account_id == account_id
        )
    ).first()
    if up == (existing is not None):
        return []
    if up:
        try:
            # A savepoint: a concurrent identical vote loses on the unique constraint, and
            # the rest of the transaction carries on.
            with db.begin_nested():
                db.add(QuestionVote(question_id=question_id, account_id=account_id))
        except IntegrityError:
            return []
        step = 1
    else:
        db.delete(existing)
        step = -1
    # Counted in the database, so that concurrent votes add up.
    db.exec(
        update(Question)
        .where(col(Question.id) == question_id)
        .values(vote_count=col(Question.vote_count) + step)
    )
    db.flush()
    return [_public_event(session, question_id, "voted" if up else "unvoted")]


def moderate(
    db: Session,
    *,
    summit: Summit,
    principal: Principal,
    session_id: int,
    question_id: int,
    action: Moderation,
) -> list[DomainEvent]:
    """Approve a waiting question, hide one (from everyone, for good), pin or unpin one, or
    mark it answered. Only the session's moderators may (see ``may_moderate``)."""
    session = _session(db, summit, session_id)
    if not may_moderate(principal, session):
        raise NotAllowed("Only organisers and the session's moderator may moderate questions.")
    question = _question(db, session, question_id)
    was_pending = question.status == QuestionStatus.PENDING
    if action is Moderation.HIDE:
        question.status = QuestionStatus.HIDDEN
        question.is_pinned = False
    elif action is Moderation.APPROVE:
        if not was_pending:
            return []
        question.status = QuestionStatus.APPROVED
    elif was_pending:
        raise DomainError("Approve the question first.", field="action")
    elif action in (Moderation.PIN, Moderation.UNPIN):
        pinned = action is Moderation.PIN
        if question.is_pinned == pinned:
            return []
        question.is_pinned = pinned
    else:
        if question.status == QuestionStatus.ANSWERED:
            return []
        question.status = QuestionStatus.ANSWERED
        question.answered_at = utcnow()
    db.add(question)
    db.flush()
    change = action.value
    events: list[DomainEvent] = []
    if was_pending:
        events.extend(_pending_events(db, session, question_id, change))
    if action is Moderation.APPROVE or not was_pending:
        events.append(_public_event(session, question_id, change))
    return events


def set_premoderation(
    db: Session, *, summit: Summit, principal: Principal, session_id: int, on: bool
) -> bool:
    """Make new questions of the session wait for approval, or not; True when it changed.
    Questions already waiting keep waiting."""
    session = _session(db, summit, session_id)
    if not may_moderate(principal, session):
        raise NotAllowed("Only organisers and the session's moderator may moderate questions.")
    draft = db.get(ProgrammeSession, session_id)
    assert draft is not None  # noqa: S101 - the published session has its draft
    if draft.qa_premoderated == on:
        return False
    draft.qa_premoderated = on
    db.add(draft)
    db.flush()
    return True
