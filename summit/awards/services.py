"""Changes to awards: calls, rubric, rounds, submissions, jury, conflicts and results.

Keyword-only; the caller owns the transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from summit.agenda.models import ProgrammeSession, Summit
from summit.auth.models import Account
from summit.awards.forms import (
    AwardInput,
    CriterionInput,
    ResultInput,
    RoundInput,
    SubmissionInput,
)
from summit.awards.models import (
    Award,
    AwardResult,
    AwardRound,
    Criterion,
    JuryMember,
    Submission,
)
from summit.awards.recusals import record_rule_conflicts
from summit.columns import utcnow
from summit.errors import DomainError
from summit.people.models import Delegation
from summit.persistence import assign, pk


def upsert_award(db: Session, *, summit: Summit, data: AwardInput) -> Award:
    if data.ceremony_session_id is not None:
        ceremony = db.get(ProgrammeSession, data.ceremony_session_id)
        if ceremony is None or ceremony.summit_id != summit.id:
            raise DomainError("No such session in this summit.", field="ceremony_session_id")
    award = db.exec(
        select(Award).where(Award.summit_id == summit.id, Award.slug == data.slug)
    ).first()
    if award is None:
        award = Award(summit_id=pk(summit), **data.model_dump())
        db.add(award)
    else:
        assign(award, data.model_dump())
    db.flush()
    return award


def upsert_criterion(db: Session, *, award: Award, data: CriterionInput) -> Criterion:
    criterion = db.exec(
        select(Criterion).where(Criterion.award_id == award.id, Criterion.slug == data.slug)
    ).first()
    if criterion is None:
        criterion = Criterion(award_id=pk(award), **data.model_dump())
        db.add(criterion)
    else:
        assign(criterion, data.model_dump())
    db.flush()
    return criterion


def upsert_round(db: Session, *, award: Award, data: RoundInput) -> AwardRound:
    round_ = db.exec(
        select(AwardRound).where(AwardRound.award_id == award.id, AwardRound.number == data.number)
    ).first()
    if round_ is None:
        round_ = AwardRound(award_id=pk(award), **data.model_dump())
        db.add(round_)
    else:
        assign(round_, data.model_dump())
    db.flush()
    return round_


def upsert_submission(
    db: Session, *, award: Award, data: SubmissionInput, submitted_at: datetime
) -> Submission:
    if data.delegation_id is not None:
        delegation = db.get(Delegation, data.delegation_id)
        if delegation is None or delegation.summit_id != award.summit_id:
            raise DomainError("No such delegation in this summit.", field="delegation_id")
    values = {**data.model_dump(), "contact_email": data.contact_email or ""}
    submission = db.exec(
        select(Submission).where(Submission.award_id == award.id, Submission.code == data.code)
    ).first()
    if submission is None:
        submission = Submission(award_id=pk(award), submitted_at=submitted_at, **values)
        db.add(submission)
    elif assign(submission, values):
        submission.updated_at = utcnow()
    db.flush()
    return submission


def add_juror(db: Session, *, award: Award, account: Account, is_chair: bool) -> JuryMember:
    """Put ``account`` on the jury (and give it the juror role), then record its conflicts."""
    member = db.exec(
        select(JuryMember).where(
            JuryMember.award_id == award.id, JuryMember.account_id == account.id
        )
    ).first()
    if is_chair:
        chair = db.exec(
            select(JuryMember).where(JuryMember.award_id == award.id, col(JuryMember.is_chair))
        ).first()
        if chair is not None and chair.account_id != account.id:
            raise DomainError("The jury already has a chair.", field="is_chair")
    if member is None:
        member = JuryMember(award_id=pk(award), account_id=pk(account), is_chair=is_chair)
        db.add(member)
    else:
        assign(member, {"is_chair": is_chair})
    db.flush()
    # The same rules, and the same audit entry, as every other way a conflict is found.
    submissions = list(db.exec(select(Submission).where(Submission.award_id == award.id)))
    record_rule_conflicts(db, award=award, members=[member], submissions=submissions)
    return member


def set_results(
    db: Session, *, award: Award, results: list[ResultInput], published_at: datetime | None
) -> list[AwardResult]:
    """Replace the award's decided places and mentions; publish them at ``published_at``."""
    places = [entry.place for entry in results if entry.place is not None]
    if len(places) != len(set(places)):
        raise DomainError("Each place goes to one submission.", field="results")
    ids = {entry.submission_id for entry in results}
    if len(ids) != len(results):
        raise DomainError("A submission appears twice in the results.", field="results")
    valid = set(
        db.exec(
            select(Submission.id).where(
                Submission.award_id == award.id, col(Submission.id).in_(ids)
            )
        ).all()
    )
    if valid != ids:
        raise DomainError("No such submission in this award.", field="results")
    existing = {
        row.submission_id: row
        for row in db.exec(select(AwardResult).where(AwardResult.award_id == award.id)).all()
    }
    for submission_id, row in existing.items():
        if submission_id not in ids:
            db.delete(row)
    db.flush()
    kept: list[AwardResult] = []
    for entry in results:
        values: dict[str, Any] = {
            "place": entry.place,
            "is_mention": entry.is_mention,
            "reason": entry.reason,
        }
        found = existing.get(entry.submission_id)
        if found is None:
            found = AwardResult(award_id=pk(award), submission_id=entry.submission_id, **values)
            db.add(found)
        elif assign(found, values):
            found.decided_at = utcnow()
        kept.append(found)
    if award.results_published_at != published_at:
        award.results_published_at = published_at
    db.flush()
    return kept


def withdraw_reveals(db: Session, *, award: Award) -> None:
    """Put the decided places back as they stood before the ceremony, none of them revealed
    (a demo loaded again runs its ceremony again). Published results stay as they are."""
    if award.results_published_at is not None:
        raise DomainError("The results are published: their reveal cannot be taken back.")
    for row in db.exec(
        select(AwardResult).where(
            AwardResult.award_id == award.id, col(AwardResult.revealed_at).is_not(None)
        )
    ):
        row.revealed_at = None
    db.flush()
