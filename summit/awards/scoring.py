"""Jurors' scoresheets: what a juror may see, saving as they type, and the score log.

Keyword-only; the caller owns the transaction. A card is saved against the revision it was
read at: a save based on an older revision is refused (two tabs), and a save whose key has
already been applied (a double click, a retry) changes nothing. Every change is written to the
append-only score log, from which ``scorelog.replay`` rebuilds the cards exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, func, select

from summit.awards.models import (
    Award,
    AwardRound,
    CardStatus,
    Conflict,
    ConflictSource,
    Criterion,
    JuryAssignment,
    JuryMember,
    Score,
    ScoreCard,
    ScoreLog,
    Submission,
    SubmissionStatus,
)
from summit.errors import DomainError
from summit.persistence import pk

COMMENT = "comment"
STATUS = "status"
MAX_COMMENT = 10_000


def criterion_field(criterion_id: int) -> str:
    return f"criterion:{criterion_id}"


@dataclass(frozen=True)
class Assigned:
    """One submission a juror is to score, with their card if they have started it."""

    award: Award
    member: JuryMember
    assignment: JuryAssignment
    submission: Submission
    card: ScoreCard | None

    @property
    def progress(self) -> str:
        return CardStatus(self.card.status).value if self.card else "not_started"


@dataclass(frozen=True)
class Sheet:
    """A scoresheet as the juror sees it."""

    assigned: Assigned
    criteria: list[Criterion]
    scores: dict[int, float]
    locked: bool

    @property
    def revision(self) -> int:
        card = self.assigned.card
        return card.revision if card else 0


@dataclass(frozen=True)
class CardInput:
    """What one save asks for, based on the card's ``revision``: the criteria's values (None
    when emptied; a criterion left out keeps its score), the comment (None: unchanged) and the
    status (None: unchanged)."""

    revision: int
    save_key: str
    scores: dict[int, float | None]
    comment: str | None
    status: CardStatus | None = None


@dataclass(frozen=True)
class SaveOutcome:
    card: ScoreCard | None
    applied: bool = False
    repeated: bool = False
    conflict: bool = False
    changes: int = 0
    current: dict[int, float] = field(default_factory=dict)


def current_round(db: Session, *, award: Award) -> AwardRound | None:
    """The latest round that has assignments (the first round before any)."""
    rounds = db.exec(
        select(AwardRound)
        .where(AwardRound.award_id == award.id)
        .order_by(col(AwardRound.number).desc())
    ).all()
    for round_ in rounds:
        used = db.exec(
            select(func.count())
            .select_from(JuryAssignment)
            .where(JuryAssignment.round_id == round_.id)
        ).one()
        if used:
            return round_
    return rounds[-1] if rounds else None


def queue(db: Session, *, summit_id: int, account_id: int) -> list[Assigned]:
    """Every submission assigned to this account in the current round of each of the summit's
    awards, without the ones it has a conflict with."""
    found: list[Assigned] = []
    members = db.exec(
        select(JuryMember, Award)
        .join(Award, col(Award.id) == JuryMember.award_id)
        .where(Award.summit_id == summit_id, JuryMember.account_id == account_id)
        .order_by(col(Award.slug))
    ).all()
    for member, award in members:
        round_ = current_round(db, award=award)
        if round_ is None:
            continue
        conflicted = select(Conflict.submission_id).where(Conflict.jury_member_id == member.id)
        rows = db.exec(
            select(JuryAssignment, Submission, ScoreCard)
            .join(Submission, col(Submission.id) == JuryAssignment.submission_id)
            .outerjoin(ScoreCard, col(ScoreCard.assignment_id) == JuryAssignment.id)
            .where(
                JuryAssignment.round_id == round_.id,
                JuryAssignment.jury_member_id == member.id,
                Submission.status == SubmissionStatus.SUBMITTED,
                col(JuryAssignment.submission_id).not_in(conflicted),
            )
            .order_by(col(Submission.code))
        ).all()
        found.extend(
            Assigned(award, member, assignment, submission, card)
            for assignment, submission, card in rows
        )
    return found


def assigned(
    db: Session, *, summit_id: int, account_id: int, submission_id: int
) -> Assigned | None:
    """The submission if this account may score it now; None exactly as for a missing one."""
    for item in queue(db, summit_id=summit_id, account_id=account_id):
        if item.submission.id == submission_id:
            return item
    return None


def criteria_of(db: Session, *, award_id: int) -> list[Criterion]:
    return list(
        db.exec(
            select(Criterion)
            .where(Criterion.award_id == award_id)
            .order_by(col(Criterion.position), col(Criterion.id))
        )
    )


def scores_of(db: Session, *, card: ScoreCard | None) -> dict[int, float]:
    if card is None:
        return {}
    return {
        row.criterion_id: row.value
        for row in db.exec(select(Score).where(Score.card_id == card.id)).all()
    }


def is_locked(award: Award, card: ScoreCard | None, now: datetime) -> bool:
    """Scores lock at the deadline, unless an organiser has reopened the card."""
    return now >= award.scoring_closes_at and (card is None or card.reopened_at is None)


def sheet(
    db: Session, *, summit_id: int, account_id: int, submission_id: int, now: datetime
) -> Sheet | None:
    item = assigned(db, summit_id=summit_id, account_id=account_id, submission_id=submission_id)
    if item is None:
        return None
    return Sheet(
        assigned=item,
        criteria=criteria_of(db, award_id=pk(item.award)),
        scores=scores_of(db, card=item.card),
        locked=is_locked(item.award, item.card, now),
    )


def parse_score(raw: str, criterion: Criterion) -> float | None:
    """A form value as a score on the criterion's scale; empty is no score."""
    text = raw.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    return check_score(value, criterion)


def check_score(value: float, criterion: Criterion) -> float:
    if not math.isfinite(value) or not criterion.scale_min <= value <= criterion.scale_max:
        raise DomainError(
            "Give a score from %(low)s to %(high)s.",
            field=criterion_field(pk(criterion)),
            low=criterion.scale_min,
            high=criterion.scale_max,
        )
    return value


def save_card(
    db: Session,
    *,
    item: Assigned,
    account_id: int,
    data: CardInput,
    now: datetime,
) -> SaveOutcome:
    """Apply one save of a juror's scoresheet, logging every field that changes."""
    # Locked until commit on PostgreSQL, so that two saves of one revision cannot both pass the
    # revision check (SQLite already runs one writer at a time).
    card = db.exec(
        select(ScoreCard).where(ScoreCard.assignment_id == item.assignment.id).with_for_update()
    ).first()
    if card is not None and data.save_key:
        repeated = db.exec(
            select(ScoreLog.id).where(
                ScoreLog.card_id == card.id, ScoreLog.save_key == data.save_key
            )
        ).first()
        if repeated is not None:
            return SaveOutcome(card, repeated=True, current=scores_of(db, card=card))
    if is_locked(item.award, card, now):
        raise DomainError("Scoring has closed: the scores are locked.")
    criteria = {pk(criterion): criterion for criterion in criteria_of(db, award_id=pk(item.award))}
    if set(data.scores) - set(criteria):
        raise DomainError("No such criterion in this award.")
    old_comment = card.comment if card else ""
    comment = old_comment if data.comment is None else data.comment
    if len(comment) > MAX_COMMENT:
        raise DomainError("The comment is too long.", field=COMMENT)
    for cid, value in data.scores.items():
        if value is not None:
            check_score(value, criteria[cid])
    stored = scores_of(db, card=card)
    wanted = {cid: data.scores.get(cid, stored.get(cid)) for cid in criteria}
    old_status = CardStatus(card.status) if card else CardStatus.DRAFT
    status = data.status or old_status
    changes: list[tuple[str, str | None, str | None]] = []
    for cid in criteria:
        old, new = stored.get(cid), wanted[cid]
        if old != new:
            changes.append((criterion_field(cid), _text(old), _text(new)))
    if comment != old_comment:
        changes.append((COMMENT, old_comment, comment))
    if status is CardStatus.FINAL and any(value is None for value in wanted.values()):
        raise DomainError("Score every criterion before marking the scoresheet final.")
    if status != old_status:
        changes.append((STATUS, old_status.value, status.value))
    if not changes:
        return SaveOutcome(card, applied=True, current=stored)
    if (card.revision if card else 0) != data.revision:
        # A stale tab: refuse rather than overwrite, and say what is stored now.
        return SaveOutcome(card, conflict=True, current=stored)
    if card is None:
        card = ScoreCard(assignment_id=pk(item.assignment))
        db.add(card)
        db.flush()
    card.revision += 1
    card.updated_at = now
    card.comment = comment
    if status != old_status:
        card.status = status
        if status is CardStatus.FINAL:
            card.finalised_at = now
            card.reopened_at = None
        else:
            card.finalised_at = None
    rows = {
        row.criterion_id: row
        for row in db.exec(select(Score).where(Score.card_id == card.id)).all()
    }
    for cid, value in wanted.items():
        row = rows.get(cid)
        if value is None:
            if row is not None:
                db.delete(row)
        elif row is None:
            db.add(Score(card_id=pk(card), criterion_id=cid, value=value, updated_at=now))
        elif row.value != value:
            row.value = value
            row.updated_at = now
    for name, old_value, new_value in changes:
        db.add(
            ScoreLog(
                card_id=pk(card),
                account_id=account_id,
                field=name,
                old_value=old_value,
                new_value=new_value,
                revision=card.revision,
                save_key=data.save_key,
                created_at=now,
            )
        )
    db.flush()
    current = {cid: value for cid, value in wanted.items() if value is not None}
    return SaveOutcome(card, applied=True, changes=len(changes), current=current)


def reopen_card(db: Session, *, card: ScoreCard, account_id: int, now: datetime) -> ScoreCard:
    """An organiser lets the juror change a card again after the deadline (or after it was
    marked final); logged in the score log."""
    old = CardStatus(card.status)
    card.revision += 1
    card.status = CardStatus.DRAFT
    card.finalised_at = None
    card.reopened_at = now
    card.updated_at = now
    db.add(
        ScoreLog(
            card_id=pk(card),
            account_id=account_id,
            field=STATUS,
            old_value=old.value,
            new_value=CardStatus.DRAFT.value,
            revision=card.revision,
            save_key="reopen",
            created_at=now,
        )
    )
    db.flush()
    return card


def declare_conflict(db: Session, *, item: Assigned, reason: str, now: datetime) -> Conflict:
    """The juror recuses themself from a submission; it leaves their queue."""
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why, in a few words.", field="reason")
    if len(reason) > 1000:
        raise DomainError("The reason is too long.", field="reason")
    conflict = Conflict(
        jury_member_id=pk(item.member),
        submission_id=pk(item.submission),
        source=ConflictSource.DECLARED,
        reason=reason,
        created_at=now,
    )
    db.add(conflict)
    db.flush()
    return conflict


def _text(value: float | None) -> str | None:
    # repr of a float reads back as the very same float.
    return None if value is None else repr(float(value))
