"""Making, opening, closing and voting in a session's polls.

Keyword-only; the caller owns the transaction and records the events returned. Who may do
what is the Q&A's rule: members of the summit vote, the summit's organisers and the session's
moderators make, open and close polls (``summit.qa.services.may_moderate``).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, field_validator
from sqlmodel import Session, col, delete, select

from summit.agenda.models import Summit
from summit.auth.audit import AuditAction
from summit.auth.audit import record as audit
from summit.auth.permissions import Principal
from summit.errors import DomainError, NotFound
from summit.events import DomainEvent, PollsChanged
from summit.i18n.viewer import N_
from summit.persistence import pk
from summit.polls.models import Poll, PollOption, PollStatus, PollVote, ResultsShown
from summit.qa import queries as qa_queries
from summit.qa.services import NotAllowed, may_moderate
from summit.settings import LANGUAGES
from summit.validation import MAX_SHORT_TEXT, Input

MAX_OPTIONS = 8
MAX_TEXT = MAX_SHORT_TEXT
# The messages below say these numbers in words.


def _texts(value: dict[str, str]) -> dict[str, str]:
    """Texts in the summit's languages (up to three), trimmed, empty ones left out."""
    cleaned = {key: text.strip() for key, text in value.items() if text.strip()}
    if set(cleaned) - set(LANGUAGES):
        raise ValueError(N_("Write in English, French or Arabic."))
    if any(len(text) > MAX_TEXT for text in cleaned.values()):
        raise ValueError(N_("At most 300 characters each."))
    return cleaned


class PollInput(Input):
    question: dict[str, str]
    options: list[dict[str, str]] = Field(default_factory=list)
    multiple: bool = False
    results: ResultsShown = ResultsShown.LIVE

    @field_validator("question")
    @classmethod
    def _a_question(cls, value: dict[str, str]) -> dict[str, str]:
        cleaned = _texts(value)
        if not cleaned:
            raise ValueError(N_("Write the question in at least one language."))
        return cleaned

    @field_validator("options")
    @classmethod
    def _options(cls, value: list[dict[str, str]]) -> list[dict[str, str]]:
        cleaned = [texts for texts in (_texts(option) for option in value) if texts]
        if not 2 <= len(cleaned) <= MAX_OPTIONS:
            raise ValueError(N_("Give between 2 and 8 options."))
        return cleaned


def _session(db: Session, summit: Summit, session_id: int) -> qa_queries.QaSession:
    found = qa_queries.qa_session(db, summit_id=pk(summit), session_id=session_id)
    if found is None:
        raise NotFound("No such session in this summit.")
    return found


def _moderated(
    db: Session, summit: Summit, principal: Principal, session_id: int
) -> qa_queries.QaSession:
    session = _session(db, summit, session_id)
    if not may_moderate(principal, session):
        raise NotAllowed("Only organisers and the session's moderator may run its polls.")
    return session


def poll_of(db: Session, *, session_id: int, poll_id: int) -> Poll:
    poll = db.get(Poll, poll_id)
    if poll is None or poll.session_id != session_id:
        raise NotFound("No such poll in this session.")
    return poll


def create_poll(
    db: Session,
    *,
    summit: Summit,
    principal: Principal,
    session_id: int,
    data: PollInput,
    client_ip: str | None = None,
) -> Poll:
    """A new poll, not open yet (only moderators see it until they open it)."""
    session = _moderated(db, summit, principal, session_id)
    poll = Poll(
        session_id=session_id,
        question=data.question,
        multiple=data.multiple,
        results=data.results,
        created_by_id=principal.account_id,
    )
    db.add(poll)
    db.flush()
    for position, label in enumerate(data.options):
        db.add(PollOption(poll_id=pk(poll), label=label, position=position))
    audit(
        db,
        action=AuditAction.POLL_CREATED,
        summit_id=session.summit_id,
        account_id=principal.account_id,
        target=f"poll:{pk(poll)}",
        client_ip=client_ip,
        session=session.code,
    )
    db.flush()
    return poll


def set_state(
    db: Session,
    *,
    summit: Summit,
    principal: Principal,
    session_id: int,
    poll_id: int,
    status: PollStatus,
    now: datetime,
    client_ip: str | None = None,
) -> list[DomainEvent]:
    """Open a poll (from its draft, or again after a close) or close it; written to the audit
    log. Voting closes with the poll, and hidden results show from then on."""
    session = _moderated(db, summit, principal, session_id)
    poll = poll_of(db, session_id=session_id, poll_id=poll_id)
    if status is PollStatus.DRAFT:
        raise DomainError("A poll opens or closes.", field="status")
    if poll.status == status:
        return []
    if status is PollStatus.OPEN and not session.is_open:
        raise DomainError("This session is cancelled: its polls stay closed.")
    poll.status = status
    poll.closed_at = now if status is PollStatus.CLOSED else None
    db.add(poll)
    audit(
        db,
        action=AuditAction.POLL_OPENED if status is PollStatus.OPEN else AuditAction.POLL_CLOSED,
        summit_id=session.summit_id,
        account_id=principal.account_id,
        target=f"poll:{poll_id}",
        client_ip=client_ip,
        session=session.code,
    )
    db.flush()
    return [
        PollsChanged(
            summit_id=session.summit_id, session_id=session_id, poll_id=poll_id, change=status
        )
    ]


def vote(
    db: Session,
    *,
    summit: Summit,
    session_id: int,
    poll_id: int,
    account_id: int,
    option_ids: list[int],
) -> list[DomainEvent]:
    """The account's choice in an open poll, replacing its earlier one (one vote per account,
    changeable until the poll closes). An empty choice takes the vote back."""
    session = _session(db, summit, session_id)
    poll = poll_of(db, session_id=session_id, poll_id=poll_id)
    if poll.status != PollStatus.OPEN:
        raise DomainError("This poll is not open.", field="option")
    if not session.is_open:
        raise DomainError("This session is cancelled: its polls stay closed.", field="option")
    wanted = set(option_ids)
    if len(wanted) > 1 and not poll.multiple:
        raise DomainError("Choose one option.", field="option")
    options = set(db.exec(select(PollOption.id).where(PollOption.poll_id == poll_id)).all())
    if not wanted <= options:
        raise DomainError("Choose among the poll's options.", field="option")
    before = set(
        db.exec(
            select(PollVote.option_id).where(
                PollVote.poll_id == poll_id, PollVote.account_id == account_id
            )
        ).all()
    )
    if before == wanted:
        return []
    db.exec(
        delete(PollVote).where(
            col(PollVote.poll_id) == poll_id,
            col(PollVote.account_id) == account_id,
            col(PollVote.option_id).not_in(wanted),
        )
    )
    for option_id in wanted - before:
        db.add(PollVote(poll_id=poll_id, option_id=option_id, account_id=account_id))
    db.flush()
    if poll.results != ResultsShown.LIVE:
        # Nobody sees anything of it before the close: nothing to push (not even a count).
        return []
    return [
        PollsChanged(
            summit_id=session.summit_id, session_id=session_id, poll_id=poll_id, change="vote"
        )
    ]
