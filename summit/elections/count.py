"""The count: a pure function of the stored ballots, so that anyone holding them (and the
election's declared rules and seed) gets the same result. Nothing here reads the database."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from summit.elections.models import TieRule, VotingMethod


@dataclass(frozen=True)
class Candidate:
    id: int
    slug: str


@dataclass(frozen=True)
class Count:
    ballots: int
    """Ballots cast, spoilt ones included."""
    spoilt: int
    tallies: dict[int, int]
    """Votes by candidate id, every candidate present (0 for none)."""
    order: list[int]
    """Candidates from most votes to fewest, ties ordered by the tie rule."""
    elected: list[int]
    tie_broken: list[int] = field(default_factory=list)
    """The candidates tied at the last seat, whom the tie rule put in order; empty without."""

    def as_json(self) -> dict[str, Any]:
        return {
            "ballots": self.ballots,
            "spoilt": self.spoilt,
            "tallies": {str(key): value for key, value in self.tallies.items()},
            "order": self.order,
            "elected": self.elected,
            "tie_broken": self.tie_broken,
        }


def is_valid(
    choices: Sequence[int], *, candidates: set[int], seats: int, method: VotingMethod
) -> bool:
    """A ballot counts when it names at least one candidate, each once, only candidates, and
    (plurality) no more of them than there are seats."""
    if not choices or len(set(choices)) != len(choices) or not set(choices) <= candidates:
        return False
    return method is VotingMethod.APPROVAL or len(choices) <= seats


def draw_key(seed: str, slug: str) -> str:
    """A candidate's place in the draw: anyone can recompute it from the published seed."""
    return hashlib.sha256(f"{seed}:{slug}".encode()).hexdigest()


def count(
    *,
    ballots: Sequence[Sequence[int]],
    candidates: Sequence[Candidate],
    seats: int,
    method: VotingMethod,
    tie_rule: TieRule,
    seed: str,
) -> Count:
    """Plurality (each ballot names up to ``seats`` candidates) or approval (any number): the
    ``seats`` candidates with most votes are elected; ties are ordered by ``tie_rule``."""
    known = {candidate.id for candidate in candidates}
    tallies = dict.fromkeys(sorted(known), 0)
    spoilt = 0
    for choices in ballots:
        if not is_valid(choices, candidates=known, seats=seats, method=method):
            spoilt += 1
            continue
        for choice in choices:
            tallies[choice] += 1

    def tie_key(candidate: Candidate) -> str:
        if tie_rule is TieRule.DRAW:
            return draw_key(seed, candidate.slug)
        return candidate.slug

    ranked = sorted(candidates, key=lambda c: (-tallies[c.id], tie_key(c), c.id))
    order = [candidate.id for candidate in ranked]
    elected = order[:seats]
    tie_broken: list[int] = []
    if 0 < seats < len(order) and tallies[order[seats - 1]] == tallies[order[seats]]:
        boundary = tallies[order[seats - 1]]
        tie_broken = [cid for cid in order if tallies[cid] == boundary]
    return Count(
        ballots=len(ballots),
        spoilt=spoilt,
        tallies=tallies,
        order=order,
        elected=elected,
        tie_broken=tie_broken,
    )
