"""Reading elections for pages. Figures come only from a published count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from summit.agenda.models import Summit
from summit.bodies.models import Body
from summit.elections.models import Election, ElectionCandidate, ElectionVoter
from summit.people.models import Delegation


@dataclass(frozen=True)
class ResultRow:
    delegation: Delegation
    votes: int
    elected: bool
    tie_broken: bool


@dataclass(frozen=True)
class ElectionView:
    election: Election
    body: Body
    candidates: list[Delegation]
    voters: list[tuple[Delegation, bool]]
    """The electorate and whether each has voted: shown to organisers, and to all once
    published."""
    results: list[ResultRow]
    """Empty until the organiser publishes the count."""

    def phase(self, now: datetime) -> str:
        return phase_of(self.election, now)

    @property
    def published_figures(self) -> dict[str, Any]:
        return self.election.result if self.election.published_at is not None else {}


def phase_of(election: Election, now: datetime) -> str:
    """Where an election stands: upcoming, open, closed (counted or not) or published."""
    if election.published_at is not None:
        return "published"
    if now < election.opens_at:
        return "upcoming"
    if now < election.closes_at:
        return "open"
    return "closed"


def elections_with_bodies(db: Session, *, summit: Summit) -> list[tuple[Election, Body]]:
    """Every election of the summit with its body, in one query."""
    rows = db.exec(
        select(Election, Body)
        .join(Body, col(Body.id) == Election.body_id)
        .where(Election.summit_id == summit.id)
        .order_by(col(Election.opens_at), col(Election.slug))
    ).all()
    return [(election, body) for election, body in rows]


def elections(db: Session, *, summit: Summit) -> list[Election]:
    return list(
        db.exec(
            select(Election)
            .where(Election.summit_id == summit.id)
            .order_by(col(Election.opens_at), col(Election.slug))
        )
    )


def elections_of_body(db: Session, *, body: Body) -> list[Election]:
    return list(
        db.exec(
            select(Election).where(Election.body_id == body.id).order_by(col(Election.opens_at))
        )
    )


def election_view(db: Session, *, summit: Summit, election: Election) -> ElectionView:
    body = db.get(Body, election.body_id)
    assert body is not None  # noqa: S101 - a foreign key
    candidates = list(
        db.exec(
            select(Delegation)
            .join(ElectionCandidate, col(ElectionCandidate.delegation_id) == Delegation.id)
            .where(ElectionCandidate.election_id == election.id)
        )
    )
    voters = [
        (delegation, voter.has_voted)
        for voter, delegation in db.exec(
            select(ElectionVoter, Delegation)
            .join(Delegation, col(Delegation.id) == ElectionVoter.delegation_id)
            .where(ElectionVoter.election_id == election.id)
        )
    ]
    results: list[ResultRow] = []
    if election.published_at is not None:
        by_id = {delegation.id: delegation for delegation in candidates}
        figures = election.result
        results = [
            ResultRow(
                delegation=by_id[cid],
                votes=int(figures["tallies"][str(cid)]),
                elected=cid in figures["elected"],
                tie_broken=cid in figures["tie_broken"],
            )
            for cid in figures["order"]
            if cid in by_id
        ]
    return ElectionView(
        election=election, body=body, candidates=candidates, voters=voters, results=results
    )


def election_by_slug(db: Session, *, summit: Summit, slug: str) -> Election | None:
    return db.exec(
        select(Election).where(Election.summit_id == summit.id, Election.slug == slug)
    ).first()
