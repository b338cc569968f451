"""An award's standings as the organisers' results board shows them: the scores board, the
ranking computed from the final cards, the places decided so far, and what follows from them
(ties left for the chair, the next place to reveal, the places to suggest)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from summit.awards import results
from summit.awards.board import Board, load_board
from summit.awards.models import Award, AwardResult, CastingVote, Submission
from summit.persistence import pk

REVEAL_ORDER = (None, 3, 2, 1)
"""Honourable mentions first, then third, second and first place."""


@dataclass(frozen=True)
class Computed:
    board: Board
    ranked: list[results.Ranked]
    places: list[AwardResult]
    votes: dict[str, int]

    def submission(self, submission_id: int) -> Submission:
        return next(s for s in self.board.submissions if s.id == submission_id)


def compute(db: Session, award: Award) -> Computed:
    """The board and the ranking, computed now from the final cards and the current weights."""
    board = load_board(db, award=award)
    specs = [
        results.CriterionSpec(pk(c), c.slug, c.weight, c.scale_min, c.scale_max)
        for c in board.criteria
    ]
    finals = [
        results.FinalCard(row.juror_id, row.submission_id, row.scores)
        for row in board.rows
        if row.progress == "final"
    ]
    table = results.standings(specs, finals, [pk(s) for s in board.submissions])
    votes = {
        vote.tied: vote.submission_id
        for vote in db.exec(select(CastingVote).where(CastingVote.award_id == award.id))
    }
    ranked = results.rank(
        table, rules=award.tie_break, by_normalised=award.normalise, casting_votes=votes
    )
    return Computed(board, ranked, places_of(db, award), votes)


def places_of(db: Session, award: Award) -> list[AwardResult]:
    """The places and mentions decided so far."""
    return list(db.exec(select(AwardResult).where(AwardResult.award_id == award.id)))


def ties(ranked: list[results.Ranked]) -> list[list[results.Ranked]]:
    """The groups no rule separates, for the chair's casting vote."""
    groups: dict[int, list[results.Ranked]] = {}
    for entry in ranked:
        if entry.unresolved and entry.rank is not None:
            groups.setdefault(entry.rank, []).append(entry)
    return [group for group in groups.values() if len(group) > 1]


def jurors_progress(board: Board) -> list[dict[str, Any]]:
    """Each juror's cards: how many are final, draft, not started."""
    jurors: dict[int, dict[str, Any]] = {}
    for row in board.rows:
        entry = jurors.setdefault(
            row.juror_id,
            {"name": row.juror_name, "final": 0, "draft": 0, "not_started": 0},
        )
        entry[row.progress] += 1
    return list(jurors.values())


def suggestions(computed: Computed) -> dict[int, int]:
    """What the places form starts from: the decided places, or else the computed order."""
    decided = {row.place: row.submission_id for row in computed.places if row.place}
    if decided:
        return decided
    order = [entry.submission_id for entry in computed.ranked if entry.rank is not None]
    return {place: submission for place, submission in zip((1, 2, 3), order, strict=False)}


def next_reveal(places: list[AwardResult]) -> AwardResult | None:
    """The place the next reveal shows, in ``REVEAL_ORDER``; None once all are shown."""
    waiting = [row for row in places if row.revealed_at is None]
    for place in REVEAL_ORDER:
        for row in sorted(waiting, key=lambda row: row.submission_id):
            if row.place == place:
                return row
    return None
