"""Reads of a session's questions: the list everyone sees, the ones waiting for approval, one
account's votes, and who moderates. Each runs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from summit.agenda.models import (
    ProgrammeSession,
    PublishedSession,
    SessionRoleKind,
    SessionStatus,
)
from summit.auth.models import Account, Role, RoleGrant
from summit.qa.models import Question, QuestionStatus, QuestionVote

VISIBLE = (QuestionStatus.APPROVED, QuestionStatus.ANSWERED)
"""What everyone sees: the list, and the answered questions."""
MAX_SHOWN = 100
"""A list shows at most this many (pinned, then the most voted): every push re-sends the list."""


@dataclass(frozen=True)
class QaSession:
    """A published session as the Q&A sees it."""

    id: int
    summit_id: int
    code: str
    status: SessionStatus
    premoderated: bool
    moderator_ids: frozenset[int]
    """The people (``person.id``) who moderate it on the published programme."""

    @property
    def is_open(self) -> bool:
        """Questions and votes are taken while the session is on the programme."""
        return self.status != SessionStatus.CANCELLED


@dataclass(frozen=True)
class Entry:
    """A question as a list shows it."""

    question: Question
    asker: str | None
    """The asker's name; None when they asked anonymously (or their account is gone)."""

    @property
    def id(self) -> int:
        assert self.question.id is not None  # noqa: S101 - read from the table
        return self.question.id


def qa_session(db: Session, *, summit_id: int, session_id: int) -> QaSession | None:
    """The session when it is published in this summit; None otherwise (another summit's
    sessions answer like missing ones)."""
    row = db.exec(
        select(PublishedSession, ProgrammeSession.qa_premoderated)
        .join(ProgrammeSession, col(ProgrammeSession.id) == col(PublishedSession.id))
        .where(PublishedSession.id == session_id, PublishedSession.summit_id == summit_id)
    ).first()
    if row is None:
        return None
    published, premoderated = row
    return QaSession(
        id=published.id,
        summit_id=published.summit_id,
        code=published.code,
        status=SessionStatus(published.status),
        premoderated=bool(premoderated),
        moderator_ids=frozenset(
            int(entry["person_id"])
            for entry in published.people
            if entry.get("role") == SessionRoleKind.MODERATOR
        ),
    )


def _entries(
    db: Session,
    session_id: int,
    status: QuestionStatus,
    order: tuple[Any, ...] = (),
) -> list[Entry]:
    rows = db.exec(
        select(Question, Account.display_name)
        .join(Account, col(Account.id) == col(Question.account_id), isouter=True)
        .where(Question.session_id == session_id, Question.status == status)
        .order_by(
            *order,
            col(Question.is_pinned).desc(),
            col(Question.vote_count).desc(),
            col(Question.created_at),
            col(Question.id),
        )
        .limit(MAX_SHOWN)
    ).all()
    return [Entry(question, None if question.is_anonymous else name) for question, name in rows]


def board(db: Session, *, session_id: int) -> list[Entry]:
    """What everyone sees and votes on: the approved questions not yet answered, pinned first,
    then by votes, then oldest first."""
    return _entries(db, session_id, QuestionStatus.APPROVED)


def answered(db: Session, *, session_id: int) -> list[Entry]:
    """The answered questions (everyone sees them, in a section of their own), the most
    recently answered first."""
    return _entries(db, session_id, QuestionStatus.ANSWERED, (col(Question.answered_at).desc(),))


def pending(db: Session, *, session_id: int) -> list[Entry]:
    """Questions waiting for a moderator, in the list's order."""
    return _entries(db, session_id, QuestionStatus.PENDING)


def hidden(db: Session, *, session_id: int) -> list[Entry]:
    """Questions a moderator hid (moderators only), the newest first."""
    return _entries(db, session_id, QuestionStatus.HIDDEN, (col(Question.id).desc(),))


def asked_by(db: Session, *, session_id: int, account_id: int) -> set[int]:
    """The questions of the session this account asked (it may not vote for them)."""
    rows = db.exec(
        select(Question.id).where(
            Question.session_id == session_id, Question.account_id == account_id
        )
    )
    return {question_id for question_id in rows if question_id is not None}


def votes_of(db: Session, *, session_id: int, account_id: int) -> set[int]:
    """The questions of the session this account voted for."""
    return set(
        db.exec(
            select(QuestionVote.question_id)
            .join(Question, col(Question.id) == col(QuestionVote.question_id))
            .where(Question.session_id == session_id, QuestionVote.account_id == account_id)
        ).all()
    )


def moderator_accounts(db: Session, *, session: QaSession) -> set[int]:
    """Accounts linked (by a role's ``person_id``) to the session's moderators, except
    organisers, who follow the organisers' topic anyway."""
    if not session.moderator_ids:
        return set()
    linked = set(
        db.exec(
            select(RoleGrant.account_id).where(
                RoleGrant.summit_id == session.summit_id,
                col(RoleGrant.person_id).in_(session.moderator_ids),
            )
        ).all()
    )
    if not linked:
        return set()
    organisers = set(
        db.exec(
            select(RoleGrant.account_id).where(
                RoleGrant.summit_id == session.summit_id,
                RoleGrant.role == Role.ORGANISER,
                col(RoleGrant.account_id).in_(linked),
            )
        ).all()
    )
    return linked - organisers
