"""Asking, voting and moderating. Keyword-only; the caller owns the transaction and records the
events returned (``summit.eventlog.record``) before it commits."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from summit.agenda.models import ProgrammeSession, Summit
from summit.auth.audit import AuditAction
from summit.auth.audit import record as audit
from summit.auth.permissions import Principal, is_organiser
from summit.columns import utcnow
from summit.errors import DomainError, NotFound
from summit.events import (
    DomainEvent,
    HiddenQuestionsChanged,
    PendingQuestionsChanged,
    QuestionsChanged,
)
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
    UNHIDE = "unhide"
    PIN = "pin"
    UNPIN = "unpin"
    ANSWER = "answer"
    UNANSWER = "unanswer"


AUDITED = {
    Moderation.APPROVE: AuditAction.QUESTION_APPROVED,
    Moderation.HIDE: AuditAction.QUESTION_HIDDEN,
    Moderation.UNHIDE: AuditAction.QUESTION_UNHIDDEN,
    Moderation.PIN: AuditAction.QUESTION_PINNED,
    Moderation.UNPIN: AuditAction.QUESTION_UNPINNED,
    Moderation.ANSWER: AuditAction.QUESTION_ANSWERED,
    Moderation.UNANSWER: AuditAction.QUESTION_UNANSWERED,
}
"""Every moderation that changes something is written to the audit log."""


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


def _question(
    db: Session, session: queries.QaSession, question_id: int, *, hidden: bool = False
) -> Question:
    """A question of the session; a hidden one only when ``hidden`` (for moderators, who may
    unhide it): to anyone else it is missing."""
    question = db.get(Question, question_id)
    if (
        question is None
        or question.session_id != session.id
        or (question.status == QuestionStatus.HIDDEN and not hidden)
    ):
        raise NotFound("No such question on this session.")
    return question


def _moderator_events(
    db: Session,
    session: queries.QaSession,
    question_id: int,
    change: str,
    kind: type[PendingQuestionsChanged | HiddenQuestionsChanged],
) -> list[DomainEvent]:
    """One event for the organisers, and one for each moderator's own sockets."""
    return [
        kind(
            summit_id=session.summit_id,
            session_id=session.id,
            question_id=question_id,
            change=change,
            account_id=account_id,
        )
        for account_id in [None, *sorted(queries.moderator_accounts(db, session=session))]
    ]


def _pending_events(
    db: Session, session: queries.QaSession, question_id: int, change: str
) -> list[DomainEvent]:
    return _moderator_events(db, session, question_id, change, PendingQuestionsChanged)


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
    """Give one vote (``up``) or take it back; giving it twice counts once. Votes are for the
    questions on the list (not yet answered), and never for one's own."""
    session = _session(db, summit, session_id)
    question = _question(db, session, question_id)
    if question.status == QuestionStatus.PENDING:
        raise NotFound("No such question on this session.")
    if question.account_id == account_id:
        raise NotAllowed("You cannot vote for your own question.")
    if question.status == QuestionStatus.ANSWERED:
        raise DomainError("This question has been answered: its votes are closed.", field="vote")
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
    client_ip: str | None = None,
) -> list[DomainEvent]:
    """Approve a waiting question; hide one (from everyone but moderators) or unhide it (back
    to where it was: waiting, on the list or answered); pin or unpin one; mark it answered or
    unanswered. Only the session's moderators may (see ``may_moderate``); each change is
    written to the audit log. Returns the events of the lists that changed: the public ones
    (``QuestionsChanged``), and the moderators' waiting and hidden ones."""
    session = _session(db, summit, session_id)
    if not may_moderate(principal, session):
        raise NotAllowed("Only organisers and the session's moderator may moderate questions.")
    question = _question(db, session, question_id, hidden=action is Moderation.UNHIDE)
    before = QuestionStatus(question.status)
    if action is Moderation.HIDE:
        question.hidden_from = before
        question.status = QuestionStatus.HIDDEN
    elif action is Moderation.UNHIDE:
        if before != QuestionStatus.HIDDEN:
            return []
        question.status = question.hidden_from or QuestionStatus.APPROVED
        question.hidden_from = None
    elif action is Moderation.APPROVE:
        if before != QuestionStatus.PENDING:
            return []
        question.status = QuestionStatus.APPROVED
    elif before == QuestionStatus.PENDING:
        raise DomainError("Approve the question first.", field="action")
    elif action in (Moderation.PIN, Moderation.UNPIN):
        pinned = action is Moderation.PIN
        if question.is_pinned == pinned:
            return []
        question.is_pinned = pinned
    elif action is Moderation.ANSWER:
        if before == QuestionStatus.ANSWERED:
            return []
        question.status = QuestionStatus.ANSWERED
        question.answered_at = utcnow()
    else:
        if before != QuestionStatus.ANSWERED:
            return []
        question.status = QuestionStatus.APPROVED
        question.answered_at = None
    db.add(question)
    audit(
        db,
        action=AUDITED[action],
        summit_id=session.summit_id,
        account_id=principal.account_id,
        target=f"question:{question_id}",
        client_ip=client_ip,
        session=session.code,
    )
    db.flush()
    return _events_of(db, session, question_id, action, before, QuestionStatus(question.status))


def _events_of(
    db: Session,
    session: queries.QaSession,
    question_id: int,
    action: Moderation,
    before: QuestionStatus,
    after: QuestionStatus,
) -> list[DomainEvent]:
    """The lists a question's move from ``before`` to ``after`` changed: the waiting and hidden
    ones (moderators only), and what everyone sees."""
    change = action.value
    events: list[DomainEvent] = []
    if QuestionStatus.PENDING in (before, after):
        events.extend(_pending_events(db, session, question_id, change))
    if QuestionStatus.HIDDEN in (before, after):
        events.extend(_moderator_events(db, session, question_id, change, HiddenQuestionsChanged))
    if before in queries.VISIBLE or after in queries.VISIBLE:
        events.append(_public_event(session, question_id, change))
    return events


def set_premoderation(
    db: Session,
    *,
    summit: Summit,
    principal: Principal,
    session_id: int,
    on: bool,
    client_ip: str | None = None,
) -> bool:
    """Make new questions of the session wait for approval, or not; True when it changed (and
    then written to the audit log). Questions already waiting keep waiting."""
    session = _session(db, summit, session_id)
    if not may_moderate(principal, session):
        raise NotAllowed("Only organisers and the session's moderator may moderate questions.")
    draft = db.get(ProgrammeSession, session_id)
    assert draft is not None  # noqa: S101 - the published session has its draft
    if draft.qa_premoderated == on:
        return False
    draft.qa_premoderated = on
    db.add(draft)
    audit(
        db,
        action=AuditAction.QUESTIONS_PREMODERATED if on else AuditAction.QUESTIONS_UNMODERATED,
        summit_id=session.summit_id,
        account_id=principal.account_id,
        target=f"session:{session.code}",
        client_ip=client_ip,
    )
    db.flush()
    return True
