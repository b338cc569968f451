"""Results as properties: weighted means, normalisation (z-scores), ranking and the tie-breaks,
checked on the pure functions of summit/awards/results.py."""

from __future__ import annotations

import itertools
import random
from statistics import fmean, pstdev

import pytest
from hypothesis import given
from hypothesis import strategies as st

from summit.awards.results import (
    CriterionSpec,
    FinalCard,
    Standing,
    card_total,
    normalised_weights,
    rank,
    standings,
    tie_key,
    z_scores,
)

CRITERIA = [
    CriterionSpec(1, "impact", 30),
    CriterionSpec(2, "innovation", 25),
    CriterionSpec(3, "participation", 20, scale_min=1, scale_max=5),
]
SCORE = st.integers(0, 20).map(lambda x: x / 2)
WEIGHTS = st.lists(st.integers(0, 100), min_size=3, max_size=3)


def _specs(weights: list[int]) -> list[CriterionSpec]:
    return [CriterionSpec(i + 1, f"c{i + 1}", float(w)) for i, w in enumerate(weights)]


def _card(juror: int, submission: int, values: list[float]) -> FinalCard:
    return FinalCard(juror, submission, {i + 1: v for i, v in enumerate(values)})


CARD_VALUES = st.lists(SCORE, min_size=3, max_size=3)


@given(weights=WEIGHTS, values=CARD_VALUES, factor=st.integers(1, 50))
def test_only_the_ratio_of_weights_matters(
    weights: list[int], values: list[float], factor: int
) -> None:
    card = _card(1, 1, values)

    once = card_total(card, _specs(weights))
    scaled = card_total(card, _specs([w * factor for w in weights]))

    assert once == pytest.approx(scaled)
    assert sum(normalised_weights(_specs(weights)).values()) == pytest.approx(1)


@given(weights=WEIGHTS, values=CARD_VALUES, which=st.integers(0, 2))
def test_a_total_stays_on_its_scale_and_rises_with_any_score(
    weights: list[int], values: list[float], which: int
) -> None:
    criteria = _specs(weights)
    higher = list(values)
    higher[which] = min(10.0, higher[which] + 1)

    total = card_total(_card(1, 1, values), criteria)

    assert 0 <= total <= 100
    assert card_total(_card(1, 1, higher), criteria) >= total - 1e-9


def test_a_total_is_the_weighted_share_of_the_scales() -> None:
    card = FinalCard(1, 1, {1: 10, 2: 5, 3: 3})

    # impact 30 × 100%, innovation 25 × 50%, participation 20 × (3-1)/(5-1) = 50%
    assert card_total(card, CRITERIA) == pytest.approx((30 + 12.5 + 10) / 75 * 100)


def test_changing_a_weight_recomputes_every_total() -> None:
    cards = [FinalCard(1, 1, {1: 10, 2: 0, 3: 1}), FinalCard(1, 2, {1: 0, 2: 10, 3: 1})]
    heavier_innovation = [CRITERIA[0], CriterionSpec(2, "innovation", 90), CRITERIA[2]]

    before = standings(CRITERIA, cards, [1, 2])
    after = standings(heavier_innovation, cards, [1, 2])

    assert (before[1].raw or 0) > (before[2].raw or 0)
    assert (after[1].raw or 0) < (after[2].raw or 0)


TOTALS = st.dictionaries(
    st.tuples(st.integers(1, 4), st.integers(1, 8)),
    # Totals come from half-point scores and weights: hundredths are fine enough.
    st.integers(0, 10_000).map(lambda x: x / 100),
    min_size=1,
    max_size=24,
)


@given(totals=TOTALS)
def test_each_jurors_z_scores_have_mean_zero_and_unit_spread(
    totals: dict[tuple[int, int], float],
) -> None:
    found = z_scores(totals)

    for juror in {juror for juror, _ in totals}:
        mine = [value for (j, _), value in found.items() if j == juror]
        raw = [value for (j, _), value in totals.items() if j == juror]
        assert fmean(mine) == pytest.approx(0, abs=1e-6)
        if pstdev(raw) > 1e-6:
            assert pstdev(mine) == pytest.approx(1, rel=1e-6)


@given(totals=TOTALS, scale=st.floats(0.1, 10), shift=st.floats(-50, 50))
def test_a_harsh_or_lenient_juror_gets_the_same_z_scores(
    totals: dict[tuple[int, int], float], scale: float, shift: float
) -> None:
    juror = min(j for j, _ in totals)
    moved = {
        key: value * scale + shift if key[0] == juror else value for key, value in totals.items()
    }

    before, after = z_scores(totals), z_scores(moved)

    for key in totals:
        assert after[key] == pytest.approx(before[key], abs=1e-6)


CARDS = st.lists(
    st.tuples(st.integers(1, 4), st.integers(1, 6), CARD_VALUES),
    max_size=20,
    unique_by=lambda entry: (entry[0], entry[1]),
)
RULES = st.lists(
    st.sampled_from(["criterion:c1", "criterion:c2", "first_places", "chair"]),
    unique=True,
    max_size=4,
)


def _table(cards: list[tuple[int, int, list[float]]]) -> dict[int, Standing]:
    return standings(_specs([30, 20, 10]), [_card(j, s, v) for j, s, v in cards], range(1, 7))


@given(cards=CARDS, rules=RULES, by_normalised=st.booleans(), seed=st.integers())
def test_ranking_is_best_first_and_does_not_depend_on_input_order(
    cards: list[tuple[int, int, list[float]]], rules: list[str], by_normalised: bool, seed: int
) -> None:
    table = _table(cards)
    shuffled = list(table.items())
    random.Random(seed).shuffle(shuffled)

    ranked = rank(table, rules=rules, by_normalised=by_normalised)
    again = rank(dict(shuffled), rules=rules, by_normalised=by_normalised)

    assert ranked == again
    assert sorted(r.submission_id for r in ranked) == list(range(1, 7))
    keys = [
        (r.standing.normalised if by_normalised else r.standing.raw)
        for r in ranked
        if r.rank is not None
    ]
    assert all(
        a is not None and b is not None and a >= b - 1e-6 for a, b in itertools.pairwise(keys)
    )
    ranks = [r.rank for r in ranked if r.rank is not None]
    assert ranks == sorted(ranks)
    assert all(r.rank is None for r in ranked if r.standing.cards == 0)


@given(cards=CARDS, rules=RULES)
def test_shared_ranks_only_for_ties_no_rule_breaks(
    cards: list[tuple[int, int, list[float]]], rules: list[str]
) -> None:
    ranked = rank(_table(cards), rules=rules)

    for a, b in itertools.pairwise(ranked):
        if a.rank is not None and a.rank == b.rank:
            assert a.unresolved and b.unresolved
            assert a.standing.raw == pytest.approx(b.standing.raw)
            for rule in rules:
                if rule.startswith("criterion:"):
                    slug = rule.removeprefix("criterion:")
                    assert a.standing.criterion_means[slug] == pytest.approx(
                        b.standing.criterion_means[slug]
                    )
                if rule == "first_places":
                    assert a.standing.first_places == b.standing.first_places


def _tied(first_places: tuple[int, int], impact: tuple[float, float]) -> dict[int, Standing]:
    return {
        1: Standing(1, 3, 60.0, 0.0, {"impact": impact[0]}, first_places[0]),
        2: Standing(2, 3, 60.0, 0.0, {"impact": impact[1]}, first_places[1]),
        3: Standing(3, 3, 80.0, 1.0, {"impact": 1.0}, 3),
    }


def test_a_tie_goes_to_the_higher_mean_on_the_named_criterion() -> None:
    ranked = rank(_tied((1, 1), (6.0, 7.0)), rules=["criterion:impact", "first_places"])

    assert [(r.submission_id, r.rank, r.resolved_by) for r in ranked] == [
        (3, 1, None),
        (2, 2, "criterion:impact"),
        (1, 3, "criterion:impact"),
    ]


def test_then_to_more_first_places() -> None:
    ranked = rank(_tied((2, 1), (7.0, 7.0)), rules=["criterion:impact", "first_places"])

    assert [(r.submission_id, r.resolved_by) for r in ranked[1:]] == [
        (1, "first_places"),
        (2, "first_places"),
    ]


def test_then_to_the_chairs_casting_vote() -> None:
    table = _tied((1, 1), (7.0, 7.0))

    undecided = rank(table, rules=["first_places", "chair"])
    decided = rank(table, rules=["first_places", "chair"], casting_votes={tie_key([1, 2]): 2})

    assert [(r.submission_id, r.rank, r.unresolved) for r in undecided[1:]] == [
        (1, 2, True),
        (2, 2, True),
    ]
    assert [(r.submission_id, r.rank, r.resolved_by) for r in decided[1:]] == [
        (2, 2, "chair"),
        (1, 3, None),
    ]


def test_first_places_count_each_jurors_best_card() -> None:
    cards = [
        FinalCard(1, 1, {1: 9, 2: 9, 3: 5}),
        FinalCard(1, 2, {1: 5, 2: 5, 3: 3}),
        FinalCard(2, 1, {1: 3, 2: 3, 3: 2}),
        FinalCard(2, 2, {1: 8, 2: 8, 3: 4}),
        FinalCard(3, 2, {1: 7, 2: 7, 3: 4}),
    ]

    table = standings(CRITERIA, cards, [1, 2, 3])

    assert [(s.first_places, s.cards) for s in table.values()] == [(1, 2), (2, 3), (0, 0)]
