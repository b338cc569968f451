"""Organisers' award rubric, rounds and shortlists: criteria added, reweighted and kept while the
tie-break names them, rounds added and renamed, and exactly the chosen ones sent on."""

from __future__ import annotations

from sqlmodel import col, select
from starlette.testclient import TestClient

from summit.awards.models import AwardRound, Criterion, Submission
from summit.db import Database
from tests.awards_support import BASE
from tests.conftest import post_form


def test_a_criterion_is_added_and_its_weight_changed(
    organiser: TestClient, demo_database: Database
) -> None:
    added = post_form(
        organiser,
        f"{BASE}/rubric",
        {"slug": "reach", "name_en": "Reach", "weight": "5", "scale_min": "1", "scale_max": "5"},
    )
    with demo_database.read() as db:
        reach = db.exec(select(Criterion).where(Criterion.slug == "reach")).one()

    changed = post_form(
        organiser,
        f"{BASE}/rubric",
        {"criterion_id": str(reach.id), "name_en": "Reach", "weight": "12.5"},
    )

    assert (added.status_code, changed.status_code) == (303, 303)
    with demo_database.read() as db:
        reach = db.exec(select(Criterion).where(Criterion.slug == "reach")).one()
    assert (reach.weight, reach.scale_min, reach.scale_max) == (12.5, 0, 10)


def test_a_criterion_with_an_upside_down_scale_is_refused(organiser: TestClient) -> None:
    response = post_form(
        organiser,
        f"{BASE}/rubric",
        {"slug": "odd", "name_en": "Odd", "weight": "1", "scale_min": "5", "scale_max": "1"},
    )

    assert response.status_code == 422
    assert "the top of the scale must be above its bottom" in response.text


def test_a_criterion_named_in_the_tie_break_cannot_be_removed(
    organiser: TestClient, demo_database: Database
) -> None:
    with demo_database.read() as db:
        impact = db.exec(select(Criterion).where(Criterion.slug == "impact")).one()
        reach_count = len(db.exec(select(Criterion)).all())

    response = post_form(organiser, f"{BASE}/rubric/{impact.id}/delete", {})

    assert response.status_code == 422
    assert "The tie-break order uses this criterion." in response.text
    with demo_database.read() as db:
        assert len(db.exec(select(Criterion)).all()) == reach_count


def test_a_round_is_added_and_renamed(organiser: TestClient, demo_database: Database) -> None:
    first = post_form(
        organiser, f"{BASE}/rounds", {"number": "3", "name_en": "Public vote", "shortlist_size": ""}
    )
    second = post_form(organiser, f"{BASE}/rounds", {"number": "3", "name_en": "People's vote"})

    assert (first.status_code, second.status_code) == (303, 303)
    with demo_database.read() as db:
        third = db.exec(select(AwardRound).where(AwardRound.number == 3)).one()
    assert (third.name, third.shortlist_size) == ({"en": "People's vote"}, None)


def _codes(database: Database, number: int) -> list[str]:
    with database.read() as db:
        return list(
            db.exec(
                select(Submission.code)
                .where(col(Submission.round_number) >= number)
                .order_by(col(Submission.code))
            )
        )


def _ids(database: Database, *codes: str) -> list[str]:
    with database.read() as db:
        return [
            str(db.exec(select(Submission.id).where(Submission.code == code)).one())
            for code in codes
        ]


def test_advancing_a_shortlist_sends_exactly_the_chosen_ones_on(
    organiser: TestClient, demo_database: Database
) -> None:
    path = f"{BASE}/rounds/1/advance"
    first = organiser.post(
        path,
        data={
            "submission_ids": _ids(demo_database, "KE-RIVERSIDE", "TTA-REGION"),
            "csrf_token": _token(organiser),
        },
        headers={"origin": "http://127.0.0.1:8000"},
        follow_redirects=False,
    )
    second = organiser.post(
        path,
        data={"submission_ids": _ids(demo_database, "TTA-REGION"), "csrf_token": _token(organiser)},
        headers={"origin": "http://127.0.0.1:8000"},
        follow_redirects=False,
    )

    assert (first.status_code, second.status_code) == (303, 303)
    assert _codes(demo_database, 2) == ["TTA-REGION"]


def test_a_shortlist_longer_than_the_round_allows_is_refused(
    organiser: TestClient, demo_database: Database
) -> None:
    six = _ids(
        demo_database,
        "BF-COMMUNE-EXEMPLE",
        "BR-PARTNERSHIP",
        "CI-EXEMPLEVILLE",
        "KE-RIVERSIDE",
        "KR-EXAMPLE-DISTRICT",
        "TTA-REGION",
    )

    response = organiser.post(
        f"{BASE}/rounds/1/advance",
        data={"submission_ids": six, "csrf_token": _token(organiser)},
        headers={"origin": "http://127.0.0.1:8000"},
    )

    assert response.status_code == 422
    assert "The shortlist of this round holds at most 5 submissions." in response.text
    assert _codes(demo_database, 2) == []


def _token(client: TestClient) -> str:
    from tests.conftest import csrf_token

    return csrf_token(client, "/signin")
