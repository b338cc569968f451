"""Opening, voting in, counting and publishing an election. Keyword-only; the caller owns the
transaction, then publishes the events it gets back.

Secrecy: a ballot row holds only its choices and the SHA-256 of the voter's receipt code. The
electorate row of the voter's delegation says only that it has voted. The audit log records
who voted, never how. Counts exist only from the close, and pages show them once published.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from summit.agenda.models import Summit
from summit.auth.audit import AuditAction, record
from summit.auth.models import Role
from summit.auth.permissions import Principal
from summit.bodies.models import Body
from summit.elections.count import Candidate, count, is_valid
from summit.elections.forms import ElectionInput
from summit.elections.models import Ballot, Election, ElectionCandidate, ElectionVoter
from summit.errors import DomainError
from summit.events import DomainEvent, ElectionPublished
from summit.i18n.viewer import N_plural
from summit.people.models import Delegation
from summit.persistence import pk


def receipt_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def _new_receipt() -> str:
    raw = secrets.token_hex(8).upper()
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def open_election(
    db: Session, *, summit: Summit, data: ElectionInput, account_id: int | None
) -> Election:
    """A new election with its candidates and electorate; its draw seed is fixed now, before
    any ballot, and published with the results."""
    body = db.get(Body, data.body_id)
    if body is None or body.summit_id != summit.id:
        raise DomainError("No such committee or network in this summit.", field="body_id")
    taken = db.exec(
        select(Election.id).where(Election.summit_id == summit.id, Election.slug == data.slug)
    ).first()
    if taken is not None:
        raise DomainError("Another election has this short name.", field="slug")
    wanted = set(data.candidates) | set(data.electorate)
    found = set(
        db.exec(
            select(Delegation.id).where(
                Delegation.summit_id == summit.id, col(Delegation.id).in_(wanted)
            )
        ).all()
    )
    for name in ("candidates", "electorate"):
        if not set(getattr(data, name)) <= found:
            raise DomainError("No such delegation in this summit.", field=name)
    election = Election(
        summit_id=pk(summit),
        body_id=pk(body),
        slug=data.slug,
        title=data.title,
        seats=data.seats,
        method=data.method,
        tie_rule=data.tie_rule,
        draw_seed=secrets.token_hex(16),
        opens_at=data.opens_at,
        closes_at=data.closes_at,
    )
    db.add(election)
    db.flush()
    for delegation_id in sorted(set(data.candidates)):
        db.add(ElectionCandidate(election_id=pk(election), delegation_id=delegation_id))
    for delegation_id in sorted(set(data.electorate)):
        db.add(ElectionVoter(election_id=pk(election), delegation_id=delegation_id))
    record(
        db,
        action=AuditAction.ELECTION_OPENED,
        summit_id=summit.id,
        account_id=account_id,
        target=f"election:{election.id}",
        seats=data.seats,
        method=data.method.value,
        tie_rule=data.tie_rule.value,
    )
    db.flush()
    return election


def candidates_of(db: Session, *, election: Election) -> list[Candidate]:
    rows = db.exec(
        select(Delegation.id, Delegation.slug)
        .join(ElectionCandidate, col(ElectionCandidate.delegation_id) == Delegation.id)
        .where(ElectionCandidate.election_id == election.id)
    ).all()
    return [Candidate(id=row_id or 0, slug=slug) for row_id, slug in rows]


def voting_delegations(principal: Principal, summit_id: int) -> set[int]:
    """The delegations whose ballot this principal may cast: those it heads."""
    return {
        grant.delegation_id
        for grant in principal.grants
        if grant.summit_id == summit_id
        and grant.role == Role.DELEGATION_HEAD
        and grant.delegation_id is not None
    }


def cast_ballot(
    db: Session,
    *,
    election: Election,
    principal: Principal,
    delegation_id: int,
    choices: list[int],
    now: datetime,
) -> str:
    """Cast ``delegation_id``'s ballot; the receipt code, which only the voter ever sees."""
    if not election.opens_at <= now < election.closes_at:
        raise DomainError("This election is not taking ballots now.")
    if delegation_id not in voting_delegations(principal, election.summit_id):
        raise DomainError("Only its head of delegation casts a delegation's ballot.")
    known = {candidate.id for candidate in candidates_of(db, election=election)}
    if not is_valid(
        sorted(choices), candidates=known, seats=election.seats, method=election.method
    ):
        raise DomainError(
            N_plural(
                "Choose one candidate.",
                "Choose at least one candidate, and no more than %(num)d.",
            ),
            field="choices",
            num=election.seats if election.method == "plurality" else len(known),
        )
    # One statement that both checks and marks: two tabs posting at once cannot both pass.
    marked = db.exec(
        update(ElectionVoter)
        .where(
            col(ElectionVoter.election_id) == election.id,
            col(ElectionVoter.delegation_id) == delegation_id,
            col(ElectionVoter.has_voted).is_(False),
        )
        .values(has_voted=True)
    )
    if marked.rowcount != 1:
        voter = db.exec(
            select(ElectionVoter).where(
                ElectionVoter.election_id == election.id,
                ElectionVoter.delegation_id == delegation_id,
            )
        ).first()
        if voter is None:
            raise DomainError("Your delegation is not in this election's electorate.")
        raise DomainError("Your delegation has already voted in this election.")
    code = _new_receipt()
    db.add(
        Ballot(receipt_hash=receipt_hash(code), election_id=pk(election), choices=sorted(choices))
    )
    record(
        db,
        action=AuditAction.BALLOT_CAST,
        summit_id=election.summit_id,
        account_id=principal.account_id,
        target=f"election:{election.id}",
        delegation=delegation_id,
    )
    db.flush()
    return code


def ballots_of(db: Session, *, election: Election) -> list[list[int]]:
    rows = db.exec(select(Ballot.choices).where(Ballot.election_id == election.id)).all()
    return [list(choices) for choices in rows]


def count_election(
    db: Session, *, election: Election, now: datetime, account_id: int | None
) -> None:
    """Count the ballots once the window has closed; the figures stay unseen until published."""
    if now < election.closes_at:
        raise DomainError("The ballots are counted once the election has closed.")
    if election.counted_at is not None:
        return
    result = count(
        ballots=ballots_of(db, election=election),
        candidates=candidates_of(db, election=election),
        seats=election.seats,
        method=election.method,
        tie_rule=election.tie_rule,
        seed=election.draw_seed,
    )
    election.result = result.as_json()
    election.counted_at = now
    db.add(election)
    record(
        db,
        action=AuditAction.ELECTION_COUNTED,
        summit_id=election.summit_id,
        account_id=account_id,
        target=f"election:{election.id}",
    )
    db.flush()


def publish_election(
    db: Session, *, election: Election, now: datetime, account_id: int | None
) -> list[DomainEvent]:
    """Make the count public (counting first if need be): every open page is told at once."""
    count_election(db, election=election, now=now, account_id=account_id)
    if election.published_at is not None:
        return []
    election.published_at = now
    db.add(election)
    names = dict(
        db.exec(
            select(Delegation.id, Delegation.name).where(
                col(Delegation.id).in_(election.result["elected"])
            )
        ).all()
    )
    record(
        db,
        action=AuditAction.ELECTION_PUBLISHED,
        summit_id=election.summit_id,
        account_id=account_id,
        target=f"election:{election.id}",
    )
    db.flush()
    return [
        ElectionPublished(
            summit_id=election.summit_id,
            election_id=pk(election),
            election_slug=election.slug,
            title=dict(election.title),
            elected=[dict(names[cid]) for cid in election.result["elected"] if cid in names],
        )
    ]


def receipt_counted(db: Session, *, election: Election, code: str) -> bool:
    """Whether a ballot with this receipt code is among those counted (published only)."""
    if election.published_at is None or not code.strip():
        return False
    found = db.get(Ballot, receipt_hash(code))
    return found is not None and found.election_id == election.id
