"""The count is a pure function of the ballots: properties that hold for any election."""

from __future__ import annotations

from random import Random
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from summit.elections.count import Candidate, count, is_valid
from summit.elections.models import TieRule, VotingMethod

Election = dict[str, Any]


@st.composite
def elections(draw: st.DrawFn) -> Election:
    size = draw(st.integers(min_value=1, max_value=8))
    candidates = [Candidate(id=10 + n, slug=f"c{n}") for n in range(size)]
    ids = [c.id for c in candidates]
    ballots = draw(
        st.lists(
            st.lists(st.sampled_from([*ids, 99]), max_size=size + 1),
            max_size=30,
        )
    )
    return {
        "ballots": ballots,
        "candidates": candidates,
        "seats": draw(st.integers(min_value=1, max_value=size)),
        "method": draw(st.sampled_from(list(VotingMethod))),
        "tie_rule": draw(st.sampled_from(list(TieRule))),
        "seed": draw(st.text(max_size=16)),
    }


@given(elections(), st.randoms())
def test_count_ignores_the_order_ballots_came_in(election: Election, rng: Random) -> None:
    shuffled = list(election["ballots"])
    rng.shuffle(shuffled)

    assert count(**{**election, "ballots": shuffled}) == count(**election)


@given(elections())
def test_a_recount_gives_the_same_result(election: Election) -> None:
    assert count(**election).as_json() == count(**election).as_json()


@given(elections())
def test_seats_are_filled_by_the_most_voted(election: Election) -> None:
    result = count(**election)

    assert len(result.elected) == election["seats"]
    losers = [cid for cid in result.order if cid not in result.elected]
    assert all(result.tallies[w] >= result.tallies[lo] for w in result.elected for lo in losers)


@given(elections())
def test_every_valid_choice_is_one_vote(election: Election) -> None:
    known = {c.id for c in election["candidates"]}
    valid = [
        b
        for b in election["ballots"]
        if is_valid(b, candidates=known, seats=election["seats"], method=election["method"])
    ]

    result = count(**election)

    assert sum(result.tallies.values()) == sum(len(b) for b in valid)
    assert result.spoilt == len(election["ballots"]) - len(valid)


@given(elections())
def test_a_tie_at_the_last_seat_is_declared(election: Election) -> None:
    result = count(**election)
    seats = election["seats"]

    at_boundary = seats < len(result.order) and (
        result.tallies[result.order[seats - 1]] == result.tallies[result.order[seats]]
    )
    assert bool(result.tie_broken) == at_boundary


def test_plurality_refuses_more_choices_than_seats_and_approval_accepts_them() -> None:
    known = {1, 2, 3}

    assert not is_valid([1, 2], candidates=known, seats=1, method=VotingMethod.PLURALITY)
    assert is_valid([1, 2], candidates=known, seats=1, method=VotingMethod.APPROVAL)
    assert not is_valid([1, 1], candidates=known, seats=2, method=VotingMethod.APPROVAL)
    assert not is_valid([], candidates=known, seats=2, method=VotingMethod.APPROVAL)


def test_name_rule_orders_a_tie_by_short_name() -> None:
    candidates = [Candidate(1, "tunisia"), Candidate(2, "kenya"), Candidate(3, "morocco")]

    result = count(
        ballots=[[1], [2], [3, 1]],
        candidates=candidates,
        seats=2,
        method=VotingMethod.APPROVAL,
        tie_rule=TieRule.NAME,
        seed="",
    )

    assert result.elected == [1, 2]
    assert result.tie_broken == [2, 3]
