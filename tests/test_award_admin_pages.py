"""Organisers' award pages as a whole: the jury's progress per juror and per submission, the
console's link to them, a constant number of queries, and entrants' and organisers' texts
rendered as text on every page."""

from __future__ import annotations

import html

import pytest
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.auth.models import Account
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
from summit.db import Database
from summit.persistence import pk
from tests.awards_support import AWARD, BASE
from tests.conftest import post_form
from tests.test_queries import count_queries


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
