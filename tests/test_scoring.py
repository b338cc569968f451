"""Scoring services: saving as jurors type, stale and repeated saves, the log that rebuilds every
card, concurrent saves (also on PostgreSQL), conflicts of interest and the deadline."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import anyio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session, col, delete, select

from summit.awards.models import (
    CardStatus,
    Score,
    ScoreCard,
    ScoreLog,
)
from summit.awards.scorelog import replay
from summit.awards.scoring import (
    Assigned,
    CardInput,
    criteria_of,
    declare_conflict,
    reopen_card,
    save_card,
)
from summit.db import Database
from summit.errors import DomainError
from summit.migrate import upgrade
from summit.persistence import pk
from summit.seeding import load_summit
from tests.conftest import (
    DEMO_FOLDER,
)
from tests.jury import (
    account,
    add_jurors,
    demo_award,
    open_judging,
    queue_of,
)
from tests.scoring_support import NOW, _first, _save


def test_queue_lists_assigned_submissions_without_conflicted_ones(judging: Database) -> None:
    with judging.read() as db:
        codes_1 = [item.submission.code for item in queue_of(db, "juror1@example.org")]
        codes_2 = [item.submission.code for item in queue_of(db, "juror2@example.org")]
        delegate = queue_of(db, "delegate@example.org")

    assert len(codes_1) == 10
    assert "NG-EXAMPLE-CITY" in codes_1
    assert sorted(set(codes_1) - set(codes_2)) == ["NG-EXAMPLE-CITY"]
    assert delegate == []


def test_a_save_creates_the_card_and_logs_each_change(judging: Database) -> None:
    with judging.write() as db:
        item, who = _first(db)
        impact = pk(criteria_of(db, award_id=pk(item.award))[0])
        result = _save(db, item, who, revision=0, key="a:0", scores={impact: 7}, comment="Good")

    with judging.read() as db:
        card = db.exec(select(ScoreCard)).one()
        log = db.exec(select(ScoreLog).order_by(col(ScoreLog.id))).all()
        scores = db.exec(select(Score)).all()
    assert result == (True, False, False)
    assert (card.revision, card.status, card.comment) == (1, CardStatus.DRAFT, "Good")
    assert [(row.field, row.old_value, row.new_value, row.account_id) for row in log] == [
        (f"criterion:{impact}", None, "7.0", who),
        ("comment", "", "Good", who),
    ]
    assert [(row.criterion_id, row.value) for row in scores] == [(impact, 7.0)]


def test_a_stale_save_is_refused_and_changes_nothing(judging: Database) -> None:
    with judging.write() as db:
        item, who = _first(db)
        impact = pk(criteria_of(db, award_id=pk(item.award))[0])
        _save(db, item, who, revision=0, key="tab1:0", scores={impact: 7})
        stale = _save(db, item, who, revision=0, key="tab2:0", scores={impact: 3})

    with judging.read() as db:
        values = [row.value for row in db.exec(select(Score)).all()]
        revision = db.exec(select(ScoreCard.revision)).one()
    assert stale == (False, False, True)
    assert (values, revision) == ([7.0], 1)


def test_a_repeated_save_is_applied_once(judging: Database) -> None:
    with judging.write() as db:
        item, who = _first(db)
        impact = pk(criteria_of(db, award_id=pk(item.award))[0])
        first = _save(db, item, who, revision=0, key="n:0", scores={impact: 7})
        again = _save(db, item, who, revision=0, key="n:0", scores={impact: 7})

    with judging.read() as db:
        log_rows = len(db.exec(select(ScoreLog)).all())
        revision = db.exec(select(ScoreCard.revision)).one()
    assert (first, again) == ((True, False, False), (False, True, False))
    assert (log_rows, revision) == (1, 1)


def test_a_card_is_final_only_when_every_criterion_is_scored(judging: Database) -> None:
    with judging.write() as db:
        item, who = _first(db)
        ids = [pk(c) for c in criteria_of(db, award_id=pk(item.award))]
        with pytest.raises(DomainError):
            _save(db, item, who, revision=0, key="k:0", scores={ids[0]: 5}, status=CardStatus.FINAL)
        final = _save(
            db, item, who, revision=0, key="k:0", scores=dict.fromkeys(ids, 5.0),
            status=CardStatus.FINAL,
        )  # fmt: skip

    assert final == (True, False, False)


def test_out_of_scale_scores_are_refused(judging: Database) -> None:
    with judging.write() as db:
        item, who = _first(db)
        impact = pk(criteria_of(db, award_id=pk(item.award))[0])
        with pytest.raises(DomainError) as refused:
            _save(db, item, who, revision=0, key="k:0", scores={impact: 11})

    assert refused.value.field == f"criterion:{impact}"


def test_scores_lock_at_the_deadline_until_an_organiser_reopens_the_card(
    judging: Database,
) -> None:
    with judging.write() as db:
        item, who = _first(db)
        impact = pk(criteria_of(db, award_id=pk(item.award))[0])
        _save(db, item, who, revision=0, key="k:0", scores={impact: 5})
        late = item.award.scoring_closes_at
        data = CardInput(revision=1, save_key="k:1", scores={impact: 6}, comment="")
        with pytest.raises(DomainError):
            save_card(db, item=item, account_id=who, data=data, now=late)
        card = db.exec(select(ScoreCard)).one()
        reopen_card(db, card=card, account_id=pk(account(db, "organiser@example.org")), now=late)
        data = CardInput(revision=2, save_key="k:2", scores={impact: 6}, comment="")
        outcome = save_card(db, item=item, account_id=who, data=data, now=late)

    with judging.read() as db:
        last = db.exec(select(ScoreLog).order_by(col(ScoreLog.id).desc())).first()
        reopened = db.exec(select(ScoreLog).where(ScoreLog.save_key == "reopen")).one()
    assert outcome.applied
    assert last is not None and (last.field, last.new_value) == (f"criterion:{impact}", "6.0")
    assert (reopened.field, reopened.old_value, reopened.new_value) == ("status", "draft", "draft")


def test_a_declared_conflict_takes_the_submission_out_of_the_queue(judging: Database) -> None:
    with judging.write() as db:
        item, _ = _first(db)
        declare_conflict(db, item=item, reason="I advised them in 2020", now=NOW)

    with judging.read() as db:
        codes = [entry.submission.code for entry in queue_of(db, "juror1@example.org")]
    assert item.submission.code not in codes
    assert len(codes) == 9


SAVES = st.lists(
    st.tuples(
        st.integers(0, 2),  # which card
        st.dictionaries(st.integers(0, 4), st.none() | st.integers(0, 20).map(lambda x: x / 2)),
        st.sampled_from(["", "Fine", "Strong impact; weak on inclusion"]),
        st.booleans(),  # based on a stale revision
    ),
    max_size=12,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(saves=SAVES)
def test_replaying_the_log_rebuilds_every_card(judging: Database, saves: list) -> None:  # type: ignore[type-arg]
    with judging.write() as db:
        db.exec(delete(ScoreCard))
        items = queue_of(db, "juror1@example.org")[:3]
        who = pk(account(db, "juror1@example.org"))
        ids = [pk(c) for c in criteria_of(db, award_id=pk(items[0].award))]
        for number, (which, scores, comment, stale) in enumerate(saves):
            item = items[which]
            card = db.exec(
                select(ScoreCard).where(ScoreCard.assignment_id == item.assignment.id)
            ).first()
            revision = (card.revision if card else 0) - (1 if stale else 0)
            stored = {row.criterion_id: row.value for row in db.exec(select(Score)).all()}
            wanted = {ids[k]: v for k, v in scores.items()}
            _save(db, item, who, revision=revision, key=f"s{number}", comment=comment,
                  scores={**{c: stored.get(c) for c in ids}, **wanted})  # fmt: skip

    with judging.read() as db:
        rebuilt = replay(db.exec(select(ScoreLog)).all())
        cards = db.exec(select(ScoreCard)).all()
        actual = {
            pk(card): (
                {row.criterion_id: row.value for row in db.exec(
                    select(Score).where(Score.card_id == card.id)
                )},
                card.comment, str(card.status), card.revision,
            )
            for card in cards
        }  # fmt: skip
    assert {
        card_id: (state.scores, state.comment, state.status, state.revision)
        for card_id, state in rebuilt.items()
    } == actual


def test_fifty_concurrent_saves_all_succeed(judging: Database) -> None:
    with judging.write() as db:
        award = demo_award(db)
        add_jurors(db, award, 5)
    with judging.read() as db:
        items = [
            entry for number in range(5, 10) for entry in queue_of(db, f"juror{number}@example.org")
        ]
        who = {pk(item.member): item.member.account_id for item in items}
        impact = pk(criteria_of(db, award_id=pk(items[0].award))[0])
    assert len(items) == 50
    outcomes: list[bool] = []

    async def save(item: Assigned) -> None:
        def run(db: Session) -> bool:
            data = CardInput(revision=0, save_key="c:0", scores={impact: 4.5}, comment="")
            result = save_card(db, item=item, account_id=who[pk(item.member)], data=data, now=NOW)
            return result.applied

        outcomes.append(await judging.run_write(run))

    async def main() -> None:
        async with anyio.create_task_group() as tasks:
            for item in items:
                tasks.start_soon(save, item)

    anyio.run(main)

    with judging.read() as db:
        saved = db.exec(select(Score).where(Score.value == 4.5)).all()
    assert outcomes == [True] * 50
    assert len(saved) == 50


def test_deadline_is_checked_with_the_time_given(judging: Database) -> None:
    with judging.write() as db:
        item, who = _first(db)
        impact = pk(criteria_of(db, award_id=pk(item.award))[0])
        just_before = item.award.scoring_closes_at - timedelta(seconds=1)
        data = CardInput(revision=0, save_key="k:0", scores={impact: 1}, comment="")
        outcome = save_card(db, item=item, account_id=who, data=data, now=just_before)

    assert outcome.applied


@pytest.mark.postgres
def test_on_postgres_a_save_waits_for_another_of_the_same_revision_and_is_refused(
    postgres_engine: Engine,
) -> None:
    upgrade(postgres_engine)
    database = Database(postgres_engine)
    with database.write() as db:
        load_summit(db, DEMO_FOLDER)
    with database.write() as db:
        open_judging(db)
    with database.write() as db:
        item, who = _first(db)
        impact = pk(criteria_of(db, award_id=pk(item.award))[0])
        _save(db, item, who, revision=0, key="first:0", scores={impact: 1})

    def save(number: int) -> tuple[bool, bool, bool]:
        with database.write() as db:
            return _save(db, item, who, revision=1, key=f"tab{number}:1", scores={impact: number})

    # The first tab's save holds its transaction open until the second tab's save is waiting.
    with ThreadPoolExecutor(max_workers=1) as pool:
        with database.write() as db:
            first = _save(db, item, who, revision=1, key="tab1:1", scores={impact: 2})
            second = pool.submit(save, 3)
            while _waiting_for_a_lock(postgres_engine) == 0:
                time.sleep(0.01)
        outcomes = [first, second.result()]

    with database.read() as db:
        revision = db.exec(select(ScoreCard.revision)).one()
    assert outcomes == [(True, False, False), (False, False, True)]
    assert revision == 2


def _waiting_for_a_lock(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.exec_driver_sql(
                "SELECT count(*) FROM pg_locks WHERE NOT granted"
            ).scalar_one()
        )
