"""The organisers' results board: raw and normalised totals, ties and the chair's casting vote,
places that need a reason, publication, the CSV export, the live reveal and the progress board."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator

import pytest
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.auth.models import AuditEntry
from summit.awards.models import (
    AwardResult,
    Criterion,
    Score,
    ScoreCard,
    ScoreLog,
    Submission,
)
from summit.awards.results_routes import safe_cell
from summit.db import Database
from tests.conftest import (
    BASE_URL,
    another_browser,
    make_client,
    sign_in,
)
from tests.jury import (
    AWARD_SLUG,
    open_judging,
    score_everything,
)
from tests.results_support import BOARD, WS, _ids, _post


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
    organiser_client: TestClient, scored: Database
) -> None:
    _place(organiser_client, scored)
    public = f"/ogp2021/awards/{AWARD_SLUG}"

    visitor = another_browser(organiser_client)
    before = visitor.get(public).text
    juror_board = None
    sign_in(visitor, "juror1@example.org")
    juror_board = visitor.get(BOARD).status_code
    published = _post(organiser_client, f"{BOARD}/publish", {})
    after = another_browser(organiser_client).get(public).text  # a new visitor, signed out

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
    organiser_client: TestClient, scored: Database
) -> None:
    _place(organiser_client, scored)
    messages = []
    visitor = another_browser(organiser_client)
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


def test_the_progress_board_refreshes_when_a_juror_saves(
    organiser_client: TestClient, demo_database: Database
) -> None:
    ids = _ids(demo_database)
    juror = another_browser(organiser_client)
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
