"""Award calls as organisers shape them: the call itself, its rounds, its rubric, and which
submissions go on from one round to the next. Keyword-only; the caller owns the transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from summit.agenda.models import Summit
from summit.awards.forms import AwardInput, CriterionInput, RoundInput
from summit.awards.models import (
    Award,
    AwardRound,
    Criterion,
    JuryAssignment,
    Submission,
    SubmissionStatus,
)
from summit.awards.services import upsert_award, upsert_criterion, upsert_round
from summit.errors import DomainError, NotFound
from summit.i18n.viewer import N_plural
from summit.parsing import local_datetime


def awards_of(db: Session, *, summit: Summit) -> list[Award]:
    return list(
        db.exec(select(Award).where(Award.summit_id == summit.id).order_by(col(Award.opens_at)))
    )


def award_by_slug(db: Session, *, summit: Summit, slug: str) -> Award:
    """The summit's award with this slug; another summit's answers like a missing one."""
    award = db.exec(select(Award).where(Award.summit_id == summit.id, Award.slug == slug)).first()
    if award is None:
        raise NotFound("No such award.")
    return award


def is_open(award: Award, now: datetime) -> bool:
    """Whether the call takes submissions at ``now`` (opening included, closing excluded)."""
    return award.opens_at <= now < award.closes_at


def save_award(db: Session, *, summit: Summit, award: Award | None, data: AwardInput) -> Award:
    """Create a call, or change one; its slug, once set, stays (links and imports use it)."""
    if award is None:
        taken = db.exec(
            select(Award.id).where(Award.summit_id == summit.id, Award.slug == data.slug)
        ).first()
        if taken is not None:
            raise DomainError("Another award already uses this short name.", field="slug")
    elif data.slug != award.slug:
        raise DomainError("The short name of an award cannot change.", field="slug")
    _check_tie_break_criteria(db, award=award, rules=data.tie_break)
    return upsert_award(db, summit=summit, data=data)


def _check_tie_break_criteria(db: Session, *, award: Award | None, rules: list[str]) -> None:
    # A new call has no rubric yet, so it cannot break ties on a criterion.
    slugs = {criterion.slug for criterion in criteria_of(db, award=award)} if award else set()
    for rule in rules:
        if rule.startswith("criterion:") and rule.removeprefix("criterion:") not in slugs:
            raise DomainError("No such criterion in this rubric.", field="tie_break")


def local_moment(value: str, zone: ZoneInfo, *, field: str) -> datetime:
    """A ``datetime-local`` form value read in the summit's zone, as UTC."""
    return local_datetime(value, field=field).replace(tzinfo=zone).astimezone(UTC)


def local_value(moment: datetime, zone: ZoneInfo) -> str:
    """The ``datetime-local`` form value of ``moment`` in the summit's zone."""
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def rounds_of(db: Session, *, award: Award) -> list[AwardRound]:
    return list(
        db.exec(
            select(AwardRound)
            .where(AwardRound.award_id == award.id)
            .order_by(col(AwardRound.number))
        )
    )


def round_by_number(db: Session, *, award: Award, number: int) -> AwardRound:
    found = db.exec(
        select(AwardRound).where(AwardRound.award_id == award.id, AwardRound.number == number)
    ).first()
    if found is None:
        raise DomainError("No such round.", field="round")
    return found


def save_round(db: Session, *, award: Award, data: RoundInput) -> AwardRound:
    return upsert_round(db, award=award, data=data)


def delete_round(db: Session, *, award: Award, number: int) -> None:
    """Remove a round that nobody has been assigned in yet."""
    found = round_by_number(db, award=award, number=number)
    used = db.exec(select(JuryAssignment.id).where(JuryAssignment.round_id == found.id)).first()
    if used is not None:
        raise DomainError("Jurors are already assigned in this round.", field="round")
    db.delete(found)
    db.flush()


def criteria_of(db: Session, *, award: Award) -> list[Criterion]:
    return list(
        db.exec(
            select(Criterion)
            .where(Criterion.award_id == award.id)
            .order_by(col(Criterion.position), col(Criterion.id))
        )
    )


def save_criterion(
    db: Session, *, award: Award, criterion: Criterion | None, data: CriterionInput
) -> Criterion:
    """Add a criterion or change one. A new weight is simply stored: totals are computed when
    they are read, so every ranking follows at once."""
    if criterion is None:
        taken = db.exec(
            select(Criterion.id).where(Criterion.award_id == award.id, Criterion.slug == data.slug)
        ).first()
        if taken is not None:
            raise DomainError("Another criterion already uses this short name.", field="slug")
    elif data.slug != criterion.slug:
        raise DomainError("The short name of a criterion cannot change.", field="slug")
    return upsert_criterion(db, award=award, data=data)


def criterion_of(db: Session, *, award: Award, criterion_id: int) -> Criterion:
    found = db.get(Criterion, criterion_id)
    if found is None or found.award_id != award.id:
        raise NotFound("No such criterion.")
    return found


def delete_criterion(db: Session, *, award: Award, criterion: Criterion) -> None:
    """Remove a criterion (and every score given on it); the tie-break may not name it."""
    if f"criterion:{criterion.slug}" in award.tie_break:
        raise DomainError("The tie-break order uses this criterion.", field="criterion")
    db.delete(criterion)
    db.flush()


def submissions_in_round(db: Session, *, award: Award, number: int) -> list[Submission]:
    """The submitted entries that reached round ``number``, by code."""
    return list(
        db.exec(
            select(Submission)
            .where(
                Submission.award_id == award.id,
                Submission.status == SubmissionStatus.SUBMITTED,
                col(Submission.round_number) >= number,
            )
            .order_by(col(Submission.code))
        )
    )


def advance_shortlist(
    db: Session, *, award: Award, from_round: int, submission_ids: list[int]
) -> list[Submission]:
    """Send exactly these submissions of round ``from_round`` on to the next round.

    The round's shortlist size is a ceiling; submissions that had gone on before and are not
    chosen now come back to ``from_round``.
    """
    current = round_by_number(db, award=award, number=from_round)
    round_by_number(db, award=award, number=from_round + 1)
    chosen = set(submission_ids)
    if not chosen:
        raise DomainError("Choose at least one submission.", field="submission_ids")
    if current.shortlist_size is not None and len(chosen) > current.shortlist_size:
        raise DomainError(
            N_plural(
                "The shortlist of this round holds at most %(num)d submission.",
                "The shortlist of this round holds at most %(num)d submissions.",
            ),
            field="submission_ids",
            num=current.shortlist_size,
        )
    candidates = {row.id: row for row in submissions_in_round(db, award=award, number=from_round)}
    if not chosen <= set(candidates):
        raise DomainError("No such submission in this round.", field="submission_ids")
    advanced: list[Submission] = []
    for submission_id, submission in candidates.items():
        if submission_id in chosen:
            submission.round_number = max(submission.round_number, from_round + 1)
            advanced.append(submission)
        elif submission.round_number > from_round:
            submission.round_number = from_round
    db.flush()
    return advanced
