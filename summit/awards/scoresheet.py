"""What a scoresheet's save asks for, and the figures the sheet shows while the juror scores.

A tab posts its whole form, based on the revision it last loaded or saved. Only the fields
that differ from the card *at that revision* are this tab's changes: a field it never touched
keeps whatever another tab has saved since, so "Keep my values" after a conflict merges field
by field and never clears a score it did not change. The card at a revision is rebuilt from
the score log, which keeps every change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from summit.awards import results
from summit.awards.models import Criterion, ScoreCard, ScoreLog
from summit.awards.scorelog import CardState, replay
from summit.awards.scoring import criterion_field, parse_score
from summit.errors import DomainError
from summit.persistence import pk


class InvalidScores(Exception):
    """Scores off their criterion's scale; one refusal per field, so that all show at once."""

    def __init__(self, errors: dict[str, DomainError]) -> None:
        self.errors = errors
        super().__init__(", ".join(errors))


def read_scores(form: Mapping[str, str], criteria: Iterable[Criterion]) -> dict[int, float | None]:
    """The form's ``score-<id>`` fields that are there, parsed (empty is no score).

    A field that is absent (a disabled input is not sent) leaves its score as it is."""
    scores: dict[int, float | None] = {}
    errors: dict[str, DomainError] = {}
    for criterion in criteria:
        name = f"score-{criterion.id}"
        if name not in form:
            continue
        try:
            scores[pk(criterion)] = parse_score(form[name], criterion)
        except DomainError as refused:
            errors[criterion_field(pk(criterion))] = refused
    if errors:
        raise InvalidScores(errors)
    return scores


def card_at(db: Session, *, assignment_id: int, revision: int) -> CardState:
    """The card as it stood at ``revision`` (empty before its first save)."""
    card_id = db.exec(select(ScoreCard.id).where(ScoreCard.assignment_id == assignment_id)).first()
    if card_id is None or revision <= 0:
        return CardState()
    rows = db.exec(
        select(ScoreLog).where(ScoreLog.card_id == card_id, col(ScoreLog.revision) <= revision)
    ).all()
    return replay(rows).get(card_id, CardState())


@dataclass(frozen=True)
class Changes:
    scores: dict[int, float | None]
    """Only the criteria this tab changed; the others keep their stored score."""
    comment: str | None
    """None when this tab left the comment as it was."""


def changes_since(
    base: CardState, *, scores: Mapping[int, float | None], comment: str | None
) -> Changes:
    """What the tab changed since ``base``, the card as the tab last had it."""
    return Changes(
        scores={cid: value for cid, value in scores.items() if base.scores.get(cid) != value},
        comment=comment if comment is not None and comment != base.comment else None,
    )


@dataclass(frozen=True)
class Total:
    """The card's weighted total so far, as the results will count it once the card is final
    (an unscored criterion counts as the bottom of its scale)."""

    points: float
    """0 to 100."""
    scored: int
    criteria: int


def running_total(criteria: Sequence[Criterion], scores: Mapping[int, float]) -> Total:
    specs = _specs(criteria)
    card = results.FinalCard(juror_id=0, submission_id=0, scores=scores)
    return Total(
        points=results.card_total(card, specs) if specs else 0.0,
        scored=sum(1 for spec in specs if spec.id in scores),
        criteria=len(specs),
    )


def weight_shares(criteria: Sequence[Criterion]) -> dict[int, float]:
    """Each criterion's share of the total, 0 to 1 (only the weights' ratios matter)."""
    return results.normalised_weights(_specs(criteria))


def _specs(criteria: Sequence[Criterion]) -> list[results.CriterionSpec]:
    return [
        results.CriterionSpec(pk(c), c.slug, c.weight, c.scale_min, c.scale_max) for c in criteria
    ]
