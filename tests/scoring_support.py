"""What the scoring tests share: the clock before scoring closes, the demo award opened for
judging (a fixture), a juror's first assignment, and a save as a juror's page makes it."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from summit.awards.models import (
    CardStatus,
)
from summit.awards.scoring import (
    Assigned,
    CardInput,
    criteria_of,
    save_card,
)
from summit.db import Database
from summit.persistence import pk
from tests.jury import (
    BEFORE_SCORING_CLOSES,
    account,
    open_judging,
    queue_of,
)

NOW = BEFORE_SCORING_CLOSES


@pytest.fixture
def judging(demo_database: Database) -> Database:
    with demo_database.write() as db:
        open_judging(db)
    return demo_database


def _first(db: Session, email: str = "juror1@example.org") -> tuple[Assigned, int]:
    return queue_of(db, email)[0], pk(account(db, email))


def _save(
    db: Session,
    item: Assigned,
    who: int,
    *,
    revision: int,
    key: str,
    scores: dict[int, float | None] | None = None,
    comment: str = "",
    status: CardStatus | None = None,
) -> tuple[bool, bool, bool]:
    criteria = criteria_of(db, award_id=pk(item.award))
    wanted = {pk(c): None for c in criteria} | (scores or {})
    outcome = save_card(
        db,
        item=item,
        account_id=who,
        data=CardInput(
            revision=revision, save_key=key, scores=wanted, comment=comment, status=status
        ),
        now=NOW,
    )
    return outcome.applied, outcome.repeated, outcome.conflict
