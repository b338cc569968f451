"""Organisers' award calls: the award list, a new call (its dates read in summit time, refused
inline when wrong) and an edited one; another summit's award answers like a missing one."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select
from starlette.testclient import TestClient

from summit.awards.forms import AwardInput
from summit.awards.models import Award
from summit.awards.services import upsert_award
from summit.db import Database
from tests.awards_support import AWARD, BASE
from tests.conftest import post_form
from tests.factories import make_summit


def _award(database: Database) -> Award:
    with database.read() as db:
        return db.exec(select(Award).where(Award.slug == AWARD)).one()


def _call_form(**overrides: str) -> dict[str, str]:
    form = {
        "slug": "youth-award",
        "category": "youth",
        "name_en": "Youth award",
        "name_fr": "Prix jeunesse",
        "name_ar": "",
        "description_en": "For young people.",
        "eligibility_en": "Under 30.",
        "opens_at": "2021-06-01T09:00",
        "closes_at": "2021-09-30T18:00",
        "scoring_closes_at": "2021-11-15T18:00",
        "blind": "on",
        "tie_break_1": "first_places",
        "tie_break_2": "chair",
    }
    return form | overrides


def test_the_award_list_shows_the_demo_call(organiser: TestClient) -> None:
    response = organiser.get("/ogp2021/manage/awards")

    assert response.status_code == 200
    assert "Open Gov Award for local innovation" in response.text
    assert f'{BASE}">' in response.text


def test_a_new_call_is_saved_with_its_dates_read_in_summit_time(
    organiser: TestClient, demo_database: Database
) -> None:
    response = post_form(organiser, "/ogp2021/manage/awards/new", _call_form())

    assert response.status_code == 303
    assert response.headers["location"].endswith("/ogp2021/manage/awards/youth-award")
    with demo_database.read() as db:
        award = db.exec(select(Award).where(Award.slug == "youth-award")).one()
    # Seoul is nine hours ahead of UTC.
    assert award.opens_at == datetime(2021, 6, 1, 0, 0, tzinfo=UTC)
    assert (award.name, award.blind, award.tie_break) == (
        {"en": "Youth award", "fr": "Prix jeunesse"},
        True,
        ["first_places", "chair"],
    )


def test_a_call_closing_before_it_opens_is_refused_inline(
    organiser: TestClient, demo_database: Database
) -> None:
    response = post_form(
        organiser, "/ogp2021/manage/awards/new", _call_form(closes_at="2021-05-01T09:00")
    )

    assert response.status_code == 422
    assert "the call must close after it opens" in response.text
    with demo_database.read() as db:
        assert db.exec(select(Award).where(Award.slug == "youth-award")).first() is None


def test_a_call_with_a_taken_short_name_is_refused(organiser: TestClient) -> None:
    response = post_form(organiser, "/ogp2021/manage/awards/new", _call_form(slug=AWARD))

    assert response.status_code == 422
    assert "Another award already uses this short name." in response.text


def test_a_new_call_cannot_break_ties_on_a_criterion_it_does_not_have(
    organiser: TestClient,
) -> None:
    response = post_form(
        organiser, "/ogp2021/manage/awards/new", _call_form(tie_break_1="criterion:impact")
    )

    assert response.status_code == 422
    assert "No such criterion in this rubric." in response.text


def test_a_bad_date_is_refused_on_its_field(organiser: TestClient) -> None:
    response = post_form(
        organiser, "/ogp2021/manage/awards/new", _call_form(scoring_closes_at="soon")
    )

    assert response.status_code == 422
    assert 'id="scoring_closes_at-error"' in response.text


def test_editing_a_call_keeps_its_short_name_and_ceremony(
    organiser: TestClient, demo_database: Database
) -> None:
    before = _award(demo_database)
    form = organiser.get(BASE).text
    assert 'value="2021-06-01T09:00"' in form  # shown in summit time

    response = post_form(
        organiser,
        BASE,
        _call_form(slug="renamed", category="local-innovation", tie_break_1="criterion:impact"),
    )

    assert response.status_code == 303
    after = _award(demo_database)
    assert (after.id, after.slug, after.ceremony_session_id) == (
        before.id,
        AWARD,
        before.ceremony_session_id,
    )
    assert after.tie_break == ["criterion:impact", "chair"]


def test_a_tie_break_on_an_unknown_criterion_is_refused(organiser: TestClient) -> None:
    response = post_form(organiser, BASE, _call_form(tie_break_1="criterion:nothing"))

    assert response.status_code == 422
    assert "No such criterion in this rubric." in response.text


def test_another_summits_award_answers_like_a_missing_one(
    organiser: TestClient, demo_database: Database
) -> None:
    with demo_database.write() as db:
        other = make_summit(db, slug="other", days=1, streams=1, sessions_per_stream_per_day=1)
        upsert_award(
            db,
            summit=other,
            data=AwardInput(
                slug="elsewhere",
                category="x",
                name={"en": "Elsewhere"},
                opens_at=datetime(2021, 1, 1, tzinfo=UTC),
                closes_at=datetime(2021, 2, 1, tzinfo=UTC),
                scoring_closes_at=datetime(2021, 3, 1, tzinfo=UTC),
            ),
        )

    foreign = organiser.get("/ogp2021/manage/awards/elsewhere/rubric")
    missing = organiser.get("/ogp2021/manage/awards/nothing-here/rubric")
    posted = post_form(organiser, "/ogp2021/manage/awards/elsewhere/rubric", {"weight": "1"})

    assert (foreign.status_code, missing.status_code, posted.status_code) == (404, 404, 404)
