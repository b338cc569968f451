"""Organisers' award pages: calls, rubric, rounds and shortlists, and the jury's progress."""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pytest
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.auth.models import Account
from summit.awards.forms import AwardInput
from summit.awards.models import (
    Award,
    AwardRound,
    CardStatus,
    Criterion,
    JuryAssignment,
    JuryMember,
    ScoreCard,
    Submission,
)
from summit.awards.services import upsert_award
from summit.db import Database
from summit.persistence import pk
from tests.conftest import post_form
from tests.factories import make_summit
from tests.jury import before_judging
from tests.test_queries import count_queries

AWARD = "open-gov-award-local-innovation-2021"
BASE = f"/ogp2021/manage/awards/{AWARD}"


@pytest.fixture
def unjudged(demo_database: Database) -> Database:
    """The demo award before its jury began: the seed holds the jury's finished work, and
    these tests assign from nothing."""
    with demo_database.write() as db:
        before_judging(db)
    return demo_database


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


def _plant_cards(database: Database) -> dict[str, int]:
    """Three assignments in round one: no card, a draft and a final one."""
    with database.write() as db:
        award = db.exec(select(Award).where(Award.slug == AWARD)).one()
        round_one = db.exec(
            select(AwardRound).where(AwardRound.award_id == award.id, AwardRound.number == 1)
        ).one()
        juror = db.exec(
            select(JuryMember)
            .join(Account, col(Account.id) == JuryMember.account_id)
            .where(Account.email == "juror3@example.org")
        ).one()
        entries = db.exec(select(Submission).order_by(col(Submission.code))).all()[:3]
        for entry, status in zip(entries, (None, CardStatus.DRAFT, CardStatus.FINAL), strict=True):
            given = JuryAssignment(
                round_id=pk(round_one), submission_id=pk(entry), jury_member_id=pk(juror)
            )
            db.add(given)
            db.flush()
            if status is not None:
                db.add(ScoreCard(assignment_id=pk(given), status=status))
        return {"juror": juror.id or 0, "first": entries[0].id or 0, "last": entries[2].id or 0}


@pytest.mark.usefixtures("unjudged")
def test_progress_counts_cards_per_juror_and_per_submission(
    organiser: TestClient, demo_database: Database
) -> None:
    ids = _plant_cards(demo_database)

    page = organiser.get(f"{BASE}/progress")
    block = organiser.get(f"{BASE}/progress", headers={"hx-request": "true"})

    assert page.status_code == 200
    juror_row = page.text.split(f'id="progress-juror-{ids["juror"]}"')[1].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in juror_row.split("<td>")[1:]] == ["3", "1", "1", "1"]
    last_row = page.text.split(f'id="progress-submission-{ids["last"]}"')[1].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in last_row.split("<td>")[1:]] == ["1", "0", "0", "1"]
    assert "1 of 3 scoresheets final, 1 in draft." in page.text
    assert block.text.lstrip().startswith('<section id="award-progress-')
    assert "<html" not in block.text


def test_the_console_links_to_the_awards(organiser: TestClient) -> None:
    assert '/ogp2021/manage/awards">' in organiser.get("/ogp2021/manage/").text


def _more_entries(count: int) -> str:
    rows = [
        f"XX-{n:03d},Entity {n} (fictional),local_government,GH,,en,Title {n},Summary {n}."
        for n in range(count)
    ]
    return "code,entity_name,entity_kind,country_code,delegation,language,title,summary\n" + (
        "\n".join(rows)
    )


def _queries(app: Starlette, client: TestClient, path: str) -> int:
    client.get(path)  # templates and catalogs load once
    with count_queries(app.state.db.engine) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_award_pages_use_a_constant_number_of_queries(
    demo_app: Starlette, organiser: TestClient
) -> None:
    paths = [
        "/ogp2021/manage/awards",
        f"{BASE}/submissions",
        f"{BASE}/jury?round=1",
        f"{BASE}/progress?round=1",
    ]
    post_form(organiser, f"{BASE}/assignments/auto", {"round": "1", "per_submission": "2"})
    before = [_queries(demo_app, organiser, path) for path in paths]

    imported = post_form(organiser, f"{BASE}/submissions/import", {"csv": _more_entries(30)})
    assigned = post_form(
        organiser, f"{BASE}/assignments/auto", {"round": "1", "per_submission": "2"}
    )
    after = [_queries(demo_app, organiser, path) for path in paths]

    assert (imported.status_code, assigned.status_code) == (200, 200)
    assert "60 assignments added." in assigned.text
    assert before == after
    assert max(after) <= 12


MARKUP = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "<svg/onload=alert(1)>"]


def test_entrants_and_organisers_texts_render_as_text_on_every_award_page(
    organiser: TestClient, demo_database: Database
) -> None:
    joined = " | ".join(MARKUP)
    texts = {"en": joined, "fr": joined, "ar": joined}
    with demo_database.write() as db:
        award = db.exec(select(Award).where(Award.slug == AWARD)).one()
        award.name = award.description = award.eligibility = texts
        for criterion in db.exec(select(Criterion)):
            criterion.name = criterion.description = texts
        for round_ in db.exec(select(AwardRound)):
            round_.name = texts
        for entry in db.exec(select(Submission)):
            entry.entity_name = entry.title = entry.summary = joined
            entry.organisation = entry.contact_name = joined
        first = db.exec(select(Submission)).first()
        assert first is not None
    post_form(organiser, f"{BASE}/assignments/auto", {"round": "1", "per_submission": "2"})
    post_form(organiser, f"{BASE}/conflicts/refresh", {})
    paths = [
        "/ogp2021/manage/awards",
        BASE,
        f"{BASE}/rubric",
        f"{BASE}/rounds",
        f"{BASE}/submissions",
        f"{BASE}/submissions/{first.id}",
        f"{BASE}/jury",
        f"{BASE}/progress",
        f"/ogp2021/awards/{AWARD}/submit",
        f"/ogp2021/awards/{AWARD}/my",
    ]

    for path in paths:
        page = organiser.get(path)
        assert page.status_code == 200, path
        for payload in MARKUP:
            assert payload not in page.text, (path, payload)
        assert html.escape(MARKUP[0], quote=False) in page.text, path
