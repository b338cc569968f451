"""How far the jury has got: per juror and per submission, assigned, draft and final cards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from summit.auth.models import Account
from summit.awards.models import (
    Award,
    AwardRound,
    CardStatus,
    JuryAssignment,
    JuryMember,
    ScoreCard,
    Submission,
    SubmissionStatus,
)


@dataclass(frozen=True)
class Counts:
    assigned: int = 0
    draft: int = 0
    final: int = 0

    @property
    def not_started(self) -> int:
        return self.assigned - self.draft - self.final

    def plus(self, status: str | None) -> Counts:
        return Counts(
            assigned=self.assigned + 1,
            draft=self.draft + (status == CardStatus.DRAFT),
            final=self.final + (status == CardStatus.FINAL),
        )


@dataclass(frozen=True)
class Progress:
    round: AwardRound
    jurors: list[tuple[JuryMember, Account, Counts]]
    submissions: list[tuple[Submission, Counts]]
    total: Counts


def round_progress(db: Session, *, award: Award, round_: AwardRound) -> Progress:
    """Counts for one round, in two queries whatever the size of the jury."""
    rows = db.exec(
        select(JuryAssignment.jury_member_id, JuryAssignment.submission_id, ScoreCard.status)
        .outerjoin(ScoreCard, col(ScoreCard.assignment_id) == JuryAssignment.id)
        .where(JuryAssignment.round_id == round_.id)
    ).all()
    jurors = db.exec(
        select(JuryMember, Account)
        .join(Account, col(Account.id) == JuryMember.account_id)
        .where(JuryMember.award_id == award.id)
    ).all()
    submissions = db.exec(
        select(Submission)
        .where(
            Submission.award_id == award.id,
            Submission.status == SubmissionStatus.SUBMITTED,
            col(Submission.round_number) >= round_.number,
        )
        .order_by(col(Submission.code))
    ).all()
    by_juror: dict[int, Counts] = {}
    by_submission: dict[int, Counts] = {}
    total = Counts()
    for member_id, submission_id, status in rows:
        by_juror[member_id] = by_juror.get(member_id, Counts()).plus(status)
        by_submission[submission_id] = by_submission.get(submission_id, Counts()).plus(status)
        total = total.plus(status)
    return Progress(
        round=round_,
        jurors=sorted(
            [
                (member, account, by_juror.get(member.id or 0, Counts()))
                for member, account in jurors
            ],
            key=lambda row: (not row[0].is_chair, row[1].display_name.casefold()),
        ),
        submissions=[
            (submission, by_submission.get(submission.id or 0, Counts()))
            for submission in submissions
        ],
        total=total,
    )


def progress_context(db: Session, *, award: Award, round_number: int) -> dict[str, Any]:
    """What the ``progress`` block of ``awards/manage/progress.html`` needs (with ``summit``),
    so that the live layer can render it without a request."""
    rounds = list(
        db.exec(
            select(AwardRound)
            .where(AwardRound.award_id == award.id)
            .order_by(col(AwardRound.number))
        )
    )
    current = next((r for r in rounds if r.number == round_number), rounds[0] if rounds else None)
    return {
        "award": award,
        "rounds": rounds,
        "progress": round_progress(db, award=award, round_=current) if current else None,
    }
