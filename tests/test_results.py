"""Results: weighted means, normalisation, ranking and tie-breaks (properties), then the
organisers' results page, publication, the CSV export and the live reveal."""

from __future__ import annotations

import csv
import html
import io
import itertools
import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from statistics import fmean, pstdev
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, col, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession
from summit.app import create_app
from summit.auth.models import AuditEntry
from summit.awards.models import (
    AwardResult,
    AwardRound,
    CardStatus,
    Conflict,
    ConflictSource,
    Criterion,
    EntityKind,
    JuryAssignment,
    JuryMember,
    Score,
    ScoreCard,
    ScoreLog,
    Submission,
)
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
from summit.awards.results_routes import safe_cell
from summit.awards.scoring import CardInput, criteria_of, save_card
from summit.db import Database, create_db_engine
from summit.persistence import pk
from tests.conftest import (
    BASE_URL,
    choose_english,
    csrf_token,
    make_client,
    sign_in,
    sqlite_settings,
)
from tests.jury import (
    AWARD_SLUG,
    BEFORE_SCORING_CLOSES,
    account,
    demo_award,
    open_judging,
    queue_of,
    score_everything,
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


# ---------------------------------------------------------------------------
# The organisers' board, publication, the CSV export and the live reveal
# ---------------------------------------------------------------------------

BOARD = f"/ogp2021/manage/awards/{AWARD_SLUG}/results"
WS = "ws://127.0.0.1:8000"


@pytest.fixture
def scored(demo_database: Database) -> Database:
    with demo_database.write() as db:
        open_judging(db)
        score_everything(db)
    return demo_database


@pytest.fixture
def organiser_client(scored: Database, demo_app: Starlette) -> Iterator[TestClient]:
    with make_client(demo_app) as client:
        sign_in(client, "organiser@example.org")
        yield client


def _ids(database: Database) -> dict[str, int]:
    with database.read() as db:
        return {s.code: pk(s) for s in db.exec(select(Submission)).all()}


def _post(client: TestClient, path: str, data: dict[str, Any]) -> Any:
    return client.post(
        path,
        data={**data, "csrf_token": csrf_token(client, "/signin")},
        headers={"origin": BASE_URL},
        follow_redirects=False,
    )


def _rows(page: str) -> list[str]:
    body = page.split('class="table results-table"')[1].split("</tbody>")[0]
    return [
        html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))).strip()
        for row in body.split("<tr>")[2:]
    ]


def test_the_board_ranks_with_raw_and_normalised_totals_and_flags_ties(
    organiser_client: TestClient,
) -> None:
    rows = _rows(organiser_client.get(BOARD).text)

    assert rows[:4] == [
        "1 TTA-REGION · Regional Council of Tanger-Tétouan-Al Hoceïma 4 90.00 1.408",
        "2 KE-RIVERSIDE · Riverside Example County Council (fictional) 4 80.00 1.029 tied",
        "2 BR-PARTNERSHIP · Sample Citizens' Partnership for Open Cities (fictional)"
        " 4 80.00 1.029 tied",
        "4 CI-EXEMPLEVILLE · Commune of Exempleville (fictional) 4 70.00 0.651",
    ]


def test_the_board_recomputes_the_totals_when_a_weight_changes(
    organiser_client: TestClient, scored: Database
) -> None:
    with scored.write() as db:
        impact = db.exec(select(Criterion).where(Criterion.slug == "impact")).one()
        impact.weight = 0
        card = db.exec(
            select(Score).where(Score.criterion_id == impact.id).order_by(col(Score.id))
        ).first()
        assert card is not None
        card.value = 0.0

    rows = _rows(organiser_client.get(BOARD).text)

    # Impact no longer counts, so the zero given on it changes nothing.
    assert rows[0].startswith("1 TTA-REGION") and " 90.00 " in rows[0]


def test_the_chairs_casting_vote_breaks_a_tie(
    organiser_client: TestClient, scored: Database
) -> None:
    ids = _ids(scored)
    tied = ",".join(str(i) for i in sorted([ids["KE-RIVERSIDE"], ids["BR-PARTNERSHIP"]]))

    response = _post(
        organiser_client,
        f"{BOARD}/casting-vote",
        {"tied": tied, "submission_id": ids["KE-RIVERSIDE"]},
    )
    rows = _rows(organiser_client.get(BOARD).text)

    with scored.read() as db:
        entry = db.exec(select(AuditEntry).where(AuditEntry.action == "award_casting_vote")).one()
    assert response.status_code == 303
    assert rows[1].startswith("2 KE-RIVERSIDE")
    assert rows[1].endswith("Tie broken: The chair's casting vote")
    assert rows[2].startswith("3 BR-PARTNERSHIP")
    assert entry.detail == {"tied": tied, "chosen": ids["KE-RIVERSIDE"]}


def test_places_that_differ_from_the_ranking_need_a_reason(
    organiser_client: TestClient, scored: Database
) -> None:
    ids = _ids(scored)
    places = {"place-1": ids["CI-EXEMPLEVILLE"], "place-2": ids["TTA-REGION"]}

    refused = _post(organiser_client, f"{BOARD}/places", places)
    accepted = _post(organiser_client, f"{BOARD}/places", {**places, "reason": "Jury deliberation"})

    with scored.read() as db:
        results = db.exec(select(AwardResult).order_by(col(AwardResult.place))).all()
        entry = db.exec(select(AuditEntry).where(AuditEntry.action == "award_places_set")).one()
    assert refused.status_code == 422
    assert "differ from the computed ranking" in refused.text
    assert accepted.status_code == 303
    assert [(r.place, r.submission_id) for r in results] == [
        (1, ids["CI-EXEMPLEVILLE"]),
        (2, ids["TTA-REGION"]),
    ]
    assert entry.detail["overrides"] == [
        f"1:{ids['CI-EXEMPLEVILLE']}",
        f"2:{ids['TTA-REGION']}",
    ]
    assert entry.detail["reason"] == "Jury deliberation"


def test_the_csv_export_cannot_carry_a_formula(
    organiser_client: TestClient, scored: Database
) -> None:
    with scored.write() as db:
        submission = db.exec(select(Submission).where(Submission.code == "TTA-REGION")).one()
        submission.entity_name = '=HYPERLINK("http://evil.example","x")'
        submission.title = "@SUM(A1)"

    response = organiser_client.get(f"{BOARD}.csv")

    rows = list(csv.reader(io.StringIO(response.text)))
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert rows[0][:4] == ["rank", "code", "entity", "title"]
    assert rows[1][:4] == [
        "1",
        "TTA-REGION",
        '\'=HYPERLINK("http://evil.example","x")',
        "'@SUM(A1)",
    ]
    assert [safe_cell(v) for v in ("+1", "-1", "\tx", "\rx", "ok")] == [
        "'+1",
        "'-1",
        "'\tx",
        "'\rx",
        "ok",
    ]


def _place(client: TestClient, database: Database) -> None:
    ids = _ids(database)
    _post(
        client,
        f"{BOARD}/places",
        {
            "place-1": ids["TTA-REGION"],
            "place-2": ids["KE-RIVERSIDE"],
            "place-3": ids["BR-PARTNERSHIP"],
            "mention": ids["CI-EXEMPLEVILLE"],
            "reason": "Casting vote given in the room",
        },
    )


def test_nobody_but_organisers_sees_results_before_they_are_published(
    organiser_client: TestClient, scored: Database, demo_app: Starlette
) -> None:
    _place(organiser_client, scored)
    public = f"/ogp2021/awards/{AWARD_SLUG}"

    with make_client(demo_app) as visitor:
        before = visitor.get(public).text
        juror_board = None
        sign_in(visitor, "juror1@example.org")
        juror_board = visitor.get(BOARD).status_code
    published = _post(organiser_client, f"{BOARD}/publish", {})
    with make_client(demo_app) as visitor:
        after = visitor.get(public).text

    assert "The results have not been announced yet." in before
    assert "Tanger" not in before
    assert juror_board == 403
    assert published.status_code == 303
    assert [line.strip() for line in re.findall(r"<strong>([^<]+)</strong>", after)] == [
        "First place",
        "Second place",
        "Third place",
        "Honourable mention",
    ]


def test_the_reveal_goes_from_mentions_to_first_place_on_every_open_page(
    organiser_client: TestClient, scored: Database, demo_app: Starlette
) -> None:
    _place(organiser_client, scored)
    messages = []
    with make_client(demo_app) as visitor:
        with visitor.websocket_connect(
            f"{WS}/ogp2021/live?page=programme", headers={"origin": BASE_URL}
        ) as socket:
            for _ in range(4):
                assert _post(organiser_client, f"{BOARD}/reveal", {}).status_code == 303
                messages.append(socket.receive_text())
        refused = _post(organiser_client, f"{BOARD}/reveal", {})
        public = visitor.get(f"/ogp2021/awards/{AWARD_SLUG}").text

    shown = [re.search(r'award-reveal__place">([^<]+)<', m).group(1) for m in messages]  # type: ignore[union-attr]
    assert shown == ["Honourable mention", "Third place", "Second place", "First place"]
    assert 'id="award-reveal"' in messages[1]
    assert "Regional Council of Tanger-Tétouan-Al Hoceïma" in messages[3]
    assert refused.status_code == 422
    assert public.count("<li>") == 4  # revealed, though not published


def test_the_award_reveal_region_is_on_every_summit_page(demo_app: Starlette) -> None:
    with make_client(demo_app) as visitor:
        pages = [
            visitor.get(path).text
            for path in ("/ogp2021/", "/ogp2021/programme", "/ogp2021/speakers")
        ]

    assert all('<div id="award-reveal"' in page for page in pages)


def test_reopening_a_card_is_logged(organiser_client: TestClient, scored: Database) -> None:
    with scored.read() as db:
        card = db.exec(select(ScoreCard).order_by(col(ScoreCard.id))).first()
    assert card is not None

    response = _post(organiser_client, f"{BOARD}/cards/{card.id}/reopen", {})

    with scored.read() as db:
        fresh = db.get(ScoreCard, card.id)
        entry = db.exec(select(AuditEntry).where(AuditEntry.action == "score_card_reopened")).one()
        log = db.exec(select(ScoreLog).where(ScoreLog.save_key == "reopen")).one()
    assert response.status_code == 303
    assert fresh is not None and (fresh.status, fresh.reopened_at is not None) == ("draft", True)
    assert entry.target == f"score_card:{card.id}"
    assert (log.old_value, log.new_value) == ("final", "draft")


def test_an_award_of_another_summit_answers_like_a_missing_one(
    organiser_client: TestClient,
) -> None:
    assert organiser_client.get("/ogp2021/manage/awards/no-such-award/results").status_code == 404
    assert organiser_client.get("/ogp2021/awards/no-such-award").status_code == 404


# ---------------------------------------------------------------------------
# Leaks: planted data that a juror or a delegate must not see changes nothing they get
# ---------------------------------------------------------------------------

TOKEN = re.compile(r"[0-9a-f]{64}")


def _plant(db: Session) -> None:
    """A submission juror1 has a conflict with, another juror's scores, undisclosed places."""
    award = demo_award(db)
    submission = Submission(
        award_id=pk(award),
        code="ZZ-PLANTED",
        entity_name="Planted Entity (fictional)",
        entity_kind=EntityKind.LOCAL_GOVERNMENT,
        language="en",
        title="Planted title",
        summary="Planted summary",
    )
    db.add(submission)
    db.flush()
    member = db.exec(
        select(JuryMember).where(JuryMember.account_id == pk(account(db, "juror1@example.org")))
    ).one()
    round_one = db.exec(select(AwardRound).where(AwardRound.award_id == award.id)).first()
    assert round_one is not None
    db.add(
        JuryAssignment(
            round_id=pk(round_one), submission_id=pk(submission), jury_member_id=pk(member)
        )
    )
    db.add(
        Conflict(
            jury_member_id=pk(member),
            submission_id=pk(submission),
            source=ConflictSource.DECLARED,
            reason="planted",
        )
    )
    who = pk(account(db, "juror2@example.org"))
    for item in queue_of(db, "juror2@example.org"):
        criteria = criteria_of(db, award_id=pk(award))
        data = CardInput(
            revision=0,
            save_key="planted",
            scores={pk(c): 7.0 for c in criteria},
            comment="Planted comment by juror2",
            status=CardStatus.FINAL,
        )
        save_card(db, item=item, account_id=who, data=data, now=BEFORE_SCORING_CLOSES)
    db.add(AwardResult(award_id=pk(award), submission_id=pk(submission), place=1))
    db.flush()


@pytest.fixture
def twin_apps(tmp_path: Path, demo_database_file: Path) -> Iterator[tuple[Starlette, Starlette]]:
    """Two copies of the demo in judging; the first also holds the planted data."""
    apps = []
    databases = []
    for name in ("planted", "clean"):
        path = tmp_path / f"{name}.db"
        shutil.copyfile(demo_database_file, path)
        settings = sqlite_settings(path)
        database = Database(create_db_engine(settings))
        with database.write() as db:
            open_judging(db)
            if name == "planted":
                _plant(db)
        databases.append(database)
        apps.append(create_app(settings, clock=lambda: BEFORE_SCORING_CLOSES))
    yield apps[0], apps[1]
    for database in databases:
        database.dispose()


def _seen(app: Starlette, email: str, paths: list[str]) -> list[tuple[int, str]]:
    with make_client(app) as client:
        sign_in(client, email)
        return [
            (response.status_code, TOKEN.sub("TOKEN", response.text))
            for response in (client.get(path) for path in paths)
        ]


def test_a_juror_sees_the_same_bytes_with_or_without_the_planted_data(
    twin_apps: tuple[Starlette, Starlette], demo_database: Database
) -> None:
    planted, clean = twin_apps
    ids = _ids(demo_database)
    paths = [
        "/ogp2021/jury",
        f"/ogp2021/jury/{ids['KE-RIVERSIDE']}",
        f"/ogp2021/jury/{max(ids.values()) + 1}",  # the planted submission's id
        f"/ogp2021/awards/{AWARD_SLUG}",
        "/ogp2021/",
        BOARD,
    ]

    with_planted = _seen(planted, "juror1@example.org", paths)
    without = _seen(clean, "juror1@example.org", paths)

    assert [status for status, _ in with_planted] == [200, 200, 404, 200, 200, 403]
    assert "Planted" not in "".join(text for _, text in with_planted)
    # The nonce of each scoresheet is random: compare the sheets without it.
    strip = re.compile(r'name="nonce" value="[^"]+"')
    assert [(s, strip.sub("", t)) for s, t in with_planted] == [
        (s, strip.sub("", t)) for s, t in without
    ]


def test_a_delegate_sees_the_same_bytes_with_or_without_the_planted_data(
    twin_apps: tuple[Starlette, Starlette],
) -> None:
    planted, clean = twin_apps
    paths = [f"/ogp2021/awards/{AWARD_SLUG}", "/ogp2021/", "/ogp2021/programme", BOARD]

    assert _seen(planted, "delegate@example.org", paths) == _seen(
        clean, "delegate@example.org", paths
    )


def test_a_delegates_socket_gets_the_same_messages_with_or_without_the_planted_data(
    twin_apps: tuple[Starlette, Starlette], demo_database: Database
) -> None:
    ids = _ids(demo_database)
    with demo_database.read() as db:
        opening = db.exec(
            select(ProgrammeSession.id).where(ProgrammeSession.code == "OPENING")
        ).one()
    received = []
    for app in twin_apps:
        with make_client(app) as delegate, make_client(app) as juror, make_client(app) as boss:
            choose_english(delegate)  # the demo delegate's account speaks Arabic
            sign_in(delegate, "delegate@example.org")
            sign_in(juror, "juror3@example.org")
            sign_in(boss, "organiser@example.org")
            with delegate.websocket_connect(
                f"{WS}/ogp2021/live?page=home", headers={"origin": BASE_URL}
            ) as socket:
                # A score saved (organisers hear of it), then a session goes live (everyone).
                path = f"/ogp2021/jury/{ids['KE-RIVERSIDE']}"
                nonce = re.search(r'name="nonce" value="([^"]+)"', juror.get(path).text)
                assert nonce is not None
                _post(juror, path, {"nonce": nonce.group(1), "revision": "0", "comment": "ok"})
                _post(boss, f"/ogp2021/manage/sessions/{opening}/status", {"status": "live"})
                received.append(socket.receive_text())

    assert "Live now" in received[0]
    assert received[0] == received[1]


def test_the_progress_board_refreshes_when_a_juror_saves(
    organiser_client: TestClient, demo_app: Starlette, demo_database: Database
) -> None:
    ids = _ids(demo_database)
    with make_client(demo_app) as juror:
        sign_in(juror, "juror1@example.org")
        with organiser_client.websocket_connect(
            f"{WS}/ogp2021/live?page=award-results", headers={"origin": BASE_URL}
        ) as socket:
            # Scored and final already: reopen one card, then the juror changes its comment.
            with demo_database.read() as db:
                card = db.exec(select(ScoreCard).order_by(col(ScoreCard.id))).first()
            assert card is not None
            _post(organiser_client, f"{BOARD}/cards/{card.id}/reopen", {})
            path = f"/ogp2021/jury/{ids['BF-COMMUNE-EXEMPLE']}"
            page = juror.get(path).text
            nonce = re.search(r'name="nonce" value="([^"]+)"', page)
            revision = re.search(r'name="revision" value="(\d+)"', page)
            assert nonce is not None and revision is not None
            scores = {f"score-{i}": "1" for i in re.findall(r'name="score-(\d+)"', page)}
            _post(
                juror,
                path,
                {"nonce": nonce.group(1), "revision": revision.group(1), "comment": "x", **scores},
            )
            message = socket.receive_text()
    fragment = organiser_client.get(BOARD, headers={"hx-request": "true"}).text

    assert 'data-refresh="1"' in message
    assert fragment.lstrip().startswith('<section id="award-progress"')
