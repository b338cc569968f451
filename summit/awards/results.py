"""Results from final scoresheets: pure functions, no database.

A card's total is the weighted mean of its scores, each taken as a share of its criterion's
scale, on 0..100; weights are normalised, so only their ratios matter. A submission's raw total
is the mean of its cards' totals. The normalised total is the mean of per-juror z-scores, which
cancels out jurors who mark high or low across the board. Ranking sorts by one of the two, then
breaks ties with the award's declared rules, in order:

- ``criterion:<slug>``: the higher mean score on that criterion;
- ``first_places``: more jurors whose best card it is;
- ``chair``: the chair's casting vote among exactly those still tied.

Totals are computed whenever they are read, so a change of weight changes every total.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import fmean, pstdev

PRECISION = 9
"""Totals equal to this many decimals are tied (floating-point sums differ in the last bits)."""
SAME = 10**-PRECISION
"""A juror whose totals spread less than this gave every submission the same."""


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    slug: str
    weight: float
    scale_min: float = 0
    scale_max: float = 10


@dataclass(frozen=True)
class FinalCard:
    juror_id: int
    submission_id: int
    scores: Mapping[int, float]
    """Criterion id -> score."""


@dataclass(frozen=True)
class Standing:
    submission_id: int
    cards: int
    raw: float | None
    normalised: float | None
    criterion_means: Mapping[str, float] = field(default_factory=dict)
    first_places: int = 0


@dataclass(frozen=True)
class Ranked:
    standing: Standing
    rank: int | None
    """1 for the best; equal for submissions that stay tied; None without any final card."""
    tied: bool = False
    """Its total equals another's."""
    resolved_by: str | None = None
    """The tie-break rule that separated it from the others it was tied with."""
    unresolved: bool = False
    """Still tied after every rule."""

    @property
    def submission_id(self) -> int:
        return self.standing.submission_id


def normalised_weights(criteria: Sequence[CriterionSpec]) -> dict[int, float]:
    """Weights that sum to 1; all equal when every weight is zero."""
    total = sum(criterion.weight for criterion in criteria)
    if total <= 0:
        return {criterion.id: 1 / len(criteria) for criterion in criteria} if criteria else {}
    return {criterion.id: criterion.weight / total for criterion in criteria}


def card_total(card: FinalCard, criteria: Sequence[CriterionSpec]) -> float:
    """The card's weighted mean, as a share of the scales, on 0..100."""
    weights = normalised_weights(criteria)
    total = 0.0
    for criterion in criteria:
        span = criterion.scale_max - criterion.scale_min
        value = card.scores.get(criterion.id, criterion.scale_min)
        total += weights[criterion.id] * (value - criterion.scale_min) / span
    return 100 * total


def z_scores(totals: Mapping[tuple[int, int], float]) -> dict[tuple[int, int], float]:
    """Each (juror, submission) total as standard deviations from that juror's own mean;
    0 for a juror who gave every submission the same total."""
    by_juror: dict[int, list[float]] = defaultdict(list)
    for (juror, _), value in totals.items():
        by_juror[juror].append(value)
    spread = {juror: (fmean(values), pstdev(values)) for juror, values in by_juror.items()}
    found: dict[tuple[int, int], float] = {}
    for (juror, submission), value in totals.items():
        mean, deviation = spread[juror]
        found[(juror, submission)] = (value - mean) / deviation if deviation > SAME else 0.0
    return found


def standings(
    criteria: Sequence[CriterionSpec],
    cards: Iterable[FinalCard],
    submission_ids: Iterable[int],
) -> dict[int, Standing]:
    """Every submission's figures from the final cards."""
    cards = list(cards)
    totals = {(card.juror_id, card.submission_id): card_total(card, criteria) for card in cards}
    normal = z_scores(totals)
    per_submission: dict[int, list[FinalCard]] = defaultdict(list)
    for card in cards:
        per_submission[card.submission_id].append(card)
    best: dict[int, float] = {}
    for (juror, _), value in totals.items():
        best[juror] = max(value, best.get(juror, -math.inf))
    firsts: dict[int, int] = defaultdict(int)
    for (juror, submission), value in totals.items():
        if _same(value, best[juror]):
            firsts[submission] += 1
    found: dict[int, Standing] = {}
    for submission in submission_ids:
        mine = per_submission.get(submission, [])
        if not mine:
            found[submission] = Standing(submission, 0, None, None)
            continue
        means = {
            criterion.slug: fmean(
                card.scores.get(criterion.id, criterion.scale_min) for card in mine
            )
            for criterion in criteria
        }
        found[submission] = Standing(
            submission_id=submission,
            cards=len(mine),
            raw=fmean(totals[(card.juror_id, submission)] for card in mine),
            normalised=fmean(normal[(card.juror_id, submission)] for card in mine),
            criterion_means=means,
            first_places=firsts.get(submission, 0),
        )
    return found


def tie_key(submission_ids: Iterable[int]) -> str:
    """How a tie is named where a casting vote is stored."""
    return ",".join(str(number) for number in sorted(submission_ids))


def rank(
    table: Mapping[int, Standing],
    *,
    rules: Sequence[str],
    by_normalised: bool = False,
    casting_votes: Mapping[str, int] | None = None,
) -> list[Ranked]:
    """The submissions best first; those without final cards last, unranked. Submissions
    that no rule separates share a rank (1, 2, 2, 4)."""
    votes = casting_votes or {}

    def score(standing: Standing) -> float:
        value = standing.normalised if by_normalised else standing.raw
        return value if value is not None else -math.inf

    scored = sorted(
        (s for s in table.values() if s.cards),
        key=lambda s: (-round(score(s), PRECISION), s.submission_id),
    )
    blocks: list[list[Ranked]] = []
    for group in _groups(scored, score):
        blocks.extend(_break(group, list(rules), votes, tied=len(group) > 1))
    ranked: list[Ranked] = []
    for block in blocks:
        number = len(ranked) + 1
        ranked.extend(
            Ranked(entry.standing, number, entry.tied, entry.resolved_by, entry.unresolved)
            for entry in block
        )
    unscored = sorted((s for s in table.values() if not s.cards), key=lambda s: s.submission_id)
    ranked.extend(Ranked(standing, None) for standing in unscored)
    return ranked


def _groups(items: list[Standing], key: Callable[[Standing], float]) -> list[list[Standing]]:
    """Runs of neighbours with equal keys (``items`` sorted by that key)."""
    groups: list[list[Standing]] = []
    for item in items:
        if groups and _same(key(groups[-1][0]), key(item)):
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def _break(
    group: list[Standing], rules: list[str], votes: Mapping[str, int], *, tied: bool
) -> list[list[Ranked]]:
    """Order a group of equal totals with the remaining rules: blocks, best first, each block
    one submission or several that stay tied."""
    if len(group) == 1:
        return [[Ranked(group[0], None, tied=tied)]]
    if not rules:
        return [[Ranked(s, None, tied=True, unresolved=True) for s in group]]
    rule, rest = rules[0], rules[1:]
    if rule == "chair":
        chosen = votes.get(tie_key(s.submission_id for s in group))
        if chosen is None or chosen not in {s.submission_id for s in group}:
            return _break(group, rest, votes, tied=tied)
        first = next(s for s in group if s.submission_id == chosen)
        others = [s for s in group if s.submission_id != chosen]
        return [
            [Ranked(first, None, tied=True, resolved_by=rule)],
            *_break(others, rules, votes, tied=tied),
        ]

    def value(standing: Standing) -> float:
        return _rule_value(rule, standing)

    keyed = sorted(group, key=lambda s: (-round(value(s), PRECISION), s.submission_id))
    parts = _groups(keyed, value)
    if len(parts) == 1:
        return _break(group, rest, votes, tied=tied)
    found: list[list[Ranked]] = []
    for part in parts:
        if len(part) == 1:
            found.append([Ranked(part[0], None, tied=True, resolved_by=rule)])
        else:
            found.extend(_break(part, rest, votes, tied=tied))
    return found


def _rule_value(rule: str, standing: Standing) -> float:
    if rule.startswith("criterion:"):
        return standing.criterion_means.get(rule.removeprefix("criterion:"), 0.0)
    if rule == "first_places":
        return float(standing.first_places)
    return 0.0


def _same(a: float, b: float) -> bool:
    return round(a, PRECISION) == round(b, PRECISION)
