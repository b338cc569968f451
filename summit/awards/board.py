"""The organisers' board: every card of the current round with its scores, read in one go, which
the results are computed from."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from summit.auth.models import Account
from summit.awards.models import (
    Award,
    CardStatus,
    Conflict,
    Criterion,
    JuryAssignment,
    JuryMember,
    Score,
    ScoreCard,
    Submission,
    SubmissionStatus,
)
from summit.awards.scoring import criteria_of, current_round
from summit.persistence import pk


@dataclass(frozen=True)
class CardRow:
    """One assignment of the current round, for the organisers' board."""

    juror_id: int
    juror_name: str
    submission_id: int
    card: ScoreCard | None
    scores: dict[int, float]

    @property
    def progress(self) -> str:
        return CardStatus(self.card.status).value if self.card else "not_started"


@dataclass(frozen=True)
class Board:
    """Everything the results are computed from, read in one go."""

    award: Award
    criteria: list[Criterion]
    submissions: list[Submission]
    rows: list[CardRow]


def load_board(db: Session, *, award: Award) -> Board:
    round_ = current_round(db, award=award)
    submissions = list(
        db.exec(
            select(Submission)
            .where(Submission.award_id == award.id, Submission.status == SubmissionStatus.SUBMITTED)
            .order_by(col(Submission.code))
        )
    )
    conflicts = {
        (row.jury_member_id, row.submission_id)
        for row in db.exec(
            select(Conflict)
            .join(JuryMember, col(JuryMember.id) == Conflict.jury_member_id)
            .where(JuryMember.award_id == award.id)
        )
    }
    rows: list[CardRow] = []
    if round_ is not None:
        found = db.exec(
            select(JuryAssignment, JuryMember, Account, ScoreCard)
            .join(JuryMember, col(JuryMember.id) == JuryAssignment.jury_member_id)
            .join(Account, col(Account.id) == JuryMember.account_id)
            .outerjoin(ScoreCard, col(ScoreCard.assignment_id) == JuryAssignment.id)
            .where(JuryAssignment.round_id == round_.id)
            .order_by(col(Account.display_name), col(JuryAssignment.submission_id))
        ).all()
        card_ids = [card.id for _, _, _, card in found if card is not None]
        scores: dict[int, dict[int, float]] = {}
        for score in db.exec(select(Score).where(col(Score.card_id).in_(card_ids))):
            scores.setdefault(score.card_id, {})[score.criterion_id] = score.value
        rows = [
            CardRow(
                juror_id=pk(member),
                juror_name=account.display_name,
                submission_id=assignment.submission_id,
                card=card,
                scores=scores.get(card.id or 0, {}) if card else {},
            )
            for assignment, member, account, card in found
            if (member.id, assignment.submission_id) not in conflicts
        ]
    return Board(
        award=award,
        criteria=criteria_of(db, award_id=pk(award)),
        submissions=submissions,
        rows=rows,
    )
