"""The score log read back: every card rebuilt from its append-only rows (``scoring`` writes
them), so that a card's history can be checked and a stale tab's save merged field by field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from summit.awards.models import CardStatus, ScoreLog
from summit.awards.scoring import COMMENT, STATUS


@dataclass
class CardState:
    """A card as rebuilt from its log."""

    scores: dict[int, float] = field(default_factory=dict)
    comment: str = ""
    status: str = CardStatus.DRAFT.value
    revision: int = 0


def replay(rows: Iterable[ScoreLog]) -> dict[int, CardState]:
    """Every card's scores, comment and status, rebuilt from its log rows in id order."""
    cards: dict[int, CardState] = {}
    for row in sorted(rows, key=lambda row: row.id or 0):
        state = cards.setdefault(row.card_id, CardState())
        state.revision = row.revision
        if row.field == COMMENT:
            state.comment = row.new_value or ""
        elif row.field == STATUS:
            state.status = row.new_value or CardStatus.DRAFT.value
        else:
            cid = int(row.field.removeprefix("criterion:"))
            if row.new_value is None:
                state.scores.pop(cid, None)
            else:
                state.scores[cid] = float(row.new_value)
    return cards
