"""Mail about an award, found by the schedule: jurors' assignments and deadline reminders,
entrants' receipts and results."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlmodel import col, select

from summit.agenda.models import Summit
from summit.awards.models import (
    Award,
    AwardResult,
    CardStatus,
    JuryAssignment,
    JuryMember,
    ScoreCard,
    Submission,
)
from summit.mail.mailing import Mailing, short_hash
from summit.mail.models import MailKind

RECENT = timedelta(days=2)
"""How far back the schedule looks for a submission or a publication to write about: a new
deployment (or one whose sender was stopped for long) does not mail what is long past."""
REMINDERS = (("1d", timedelta(days=1)), ("3d", timedelta(days=3)))
"""Before the scoring deadline, closest first: only the closest due reminder goes."""


def queue_award_mail(mailing: Mailing, *, now: datetime) -> None:
    db = mailing.db
    summits: dict[int, Summit] = {}
    for award in db.exec(select(Award)):
        summit = summits.get(award.summit_id) or db.get(Summit, award.summit_id)
        if summit is None:
            continue
        summits[award.summit_id] = summit
        if now < award.scoring_closes_at:
            _jurors(mailing, summit, award, now)
        _receipts(mailing, summit, award, now)
        published = award.results_published_at
        if published is not None and now - RECENT <= published <= now:
            _results(mailing, summit, award)


def _jurors(mailing: Mailing, summit: Summit, award: Award, now: datetime) -> None:
    rows = mailing.db.exec(
        select(JuryMember.account_id, JuryAssignment.id, ScoreCard.status)
        .join(JuryAssignment, col(JuryAssignment.jury_member_id) == JuryMember.id)
        .outerjoin(ScoreCard, col(ScoreCard.assignment_id) == JuryAssignment.id)
        .where(JuryMember.award_id == award.id)
    )
    assigned: dict[int, list[int]] = defaultdict(list)
    left: dict[int, int] = defaultdict(int)
    for account_id, assignment_id, status in rows:
        if assignment_id is None:
            continue
        assigned[account_id].append(assignment_id)
        left[account_id] += status != CardStatus.FINAL
    mailing.load(assigned)
    remaining = award.scoring_closes_at - now
    for account_id, ids in assigned.items():
        context = {
            "award_name": award.name,
            "count": len(ids),
            "left": left[account_id],
            "deadline": award.scoring_closes_at,
            "link": f"{mailing.base_url}/{summit.slug}/jury",
        }
        mailing.to_account(
            account_id=account_id,
            summit=summit,
            kind=MailKind.JUROR_ASSIGNMENT,
            subject_key=f"award:{award.id}:{short_hash(ids)}",
            context=context,
        )
        due = next((name for name, before in REMINDERS if remaining <= before), None)
        if due is not None and left[account_id]:
            mailing.to_account(
                account_id=account_id,
                summit=summit,
                kind=MailKind.JUROR_DEADLINE,
                subject_key=f"award:{award.id}:{due}",
                context=context,
            )


def _entrant(mailing: Mailing, summit: Summit, submission: Submission, **context: object) -> None:
    kind = MailKind.ENTRANT_RESULT if "place" in context else MailKind.ENTRANT_RECEIVED
    subject_key = f"submission:{submission.id}"
    if submission.submitter_account_id is not None:
        mailing.to_account(
            account_id=submission.submitter_account_id,
            summit=summit,
            kind=kind,
            subject_key=subject_key,
            context=context,
        )
    elif submission.contact_email:
        mailing.to_address(
            email=submission.contact_email,
            language=submission.language,
            summit=summit,
            kind=kind,
            subject_key=subject_key,
            context=context,
        )


def _receipts(mailing: Mailing, summit: Summit, award: Award, now: datetime) -> None:
    recent = mailing.db.exec(
        select(Submission).where(
            Submission.award_id == award.id,
            col(Submission.submitted_at) >= now - RECENT,
            col(Submission.submitted_at) <= now,
        )
    )
    for submission in recent:
        _entrant(
            mailing,
            summit,
            submission,
            award_name=award.name,
            code=submission.code,
            title=submission.title,
            link=f"{mailing.base_url}/{summit.slug}/awards/{award.slug}/my",
        )


def _results(mailing: Mailing, summit: Summit, award: Award) -> None:
    db = mailing.db
    places = {
        row.submission_id: row
        for row in db.exec(select(AwardResult).where(AwardResult.award_id == award.id))
    }
    for submission in db.exec(select(Submission).where(Submission.award_id == award.id)):
        result = places.get(submission.id or 0)
        _entrant(
            mailing,
            summit,
            submission,
            award_name=award.name,
            code=submission.code,
            title=submission.title,
            place=result.place if result else None,
            mention=bool(result and result.is_mention),
            link=f"{mailing.base_url}/{summit.slug}/",
        )
