"""Reads of awards for the public: the calls, and their results once published.

Nothing here reads scores, score cards, jurors or conflicts: what the public may know of an
award is its call and, from the moment of publication on, its places and mentions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from summit.agenda.models import Summit
from summit.awards.models import Award, AwardResult, Submission


@dataclass(frozen=True)
class PublicResult:
    place: int | None
    is_mention: bool
    submission: Submission


@dataclass(frozen=True)
class PublicAward:
    award: Award
    published: bool
    results: list[PublicResult]
    """Empty until ``published``."""


def is_published(award: Award, now: datetime) -> bool:
    """Results are public from their publication time on, not before (a ceremony may set it
    ahead of the moment it announces them)."""
    return award.results_published_at is not None and award.results_published_at <= now


def public_awards(db: Session, *, summit: Summit, now: datetime) -> list[PublicAward]:
    """Every award of the summit, with its results when they are published; two queries."""
    awards = list(
        db.exec(select(Award).where(Award.summit_id == summit.id).order_by(col(Award.slug)))
    )
    shown = [award.id for award in awards if is_published(award, now)]
    results: dict[int, list[PublicResult]] = {award_id: [] for award_id in shown if award_id}
    if shown:
        rows = db.exec(
            select(AwardResult, Submission)
            .join(Submission, col(Submission.id) == AwardResult.submission_id)
            .where(col(AwardResult.award_id).in_(shown))
            .order_by(col(AwardResult.is_mention), col(AwardResult.place), col(Submission.code))
        )
        for result, submission in rows:
            results[result.award_id].append(
                PublicResult(
                    place=result.place, is_mention=result.is_mention, submission=submission
                )
            )
    return [
        PublicAward(
            award=award,
            published=award.id in results,
            results=results.get(award.id or 0, []),
        )
        for award in awards
    ]
