"""Organisers' CSV imports of submissions: added and updated by code, refused whole with each bad
line named, refused without the required columns."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select
from starlette.testclient import TestClient

from summit.awards.models import Submission
from summit.db import Database
from tests.conftest import BASE_URL, csrf_token
from tests.submissions_support import AWARD

CSV_HEADER = "code,entity_name,entity_kind,country_code,delegation,language,title,summary\n"


def _import(client: TestClient, text: str) -> Any:
    path = f"/ogp2021/manage/awards/{AWARD}/submissions/import"
    return client.post(
        path,
        data={"csrf_token": csrf_token(client, "/signin")},
        files={"file": ("entries.csv", text.encode(), "text/csv")},
        headers={"origin": BASE_URL},
        follow_redirects=False,
    )


def test_a_csv_import_adds_and_updates_by_code(
    organiser_open: TestClient, demo_database: Database
) -> None:
    text = CSV_HEADER + (
        "GH-LAKESIDE,Lakeside (fictional),local_government,GH,,en,Market stalls,Fictional.\n"
        "KE-RIVERSIDE,Riverside Example County Council (fictional),local_government,KE,kenya,"
        'en,"SMS budgets, again",Changed.\n'
    )

    response = _import(organiser_open, text)

    assert response.status_code == 200
    assert "2 submissions imported." in response.text
    with demo_database.read() as db:
        rows = {
            row.code: row
            for row in db.exec(
                select(Submission).where(col(Submission.code).in_(["GH-LAKESIDE", "KE-RIVERSIDE"]))
            )
        }
    assert (rows["GH-LAKESIDE"].country_code, rows["KE-RIVERSIDE"].title) == (
        "GH",
        "SMS budgets, again",
    )


def test_a_csv_import_with_bad_lines_saves_nothing_and_names_each_line(
    organiser_open: TestClient, demo_database: Database
) -> None:
    with demo_database.read() as db:
        before = len(db.exec(select(Submission)).all())
    text = CSV_HEADER + (
        "GH-LAKESIDE,Lakeside (fictional),local_government,GH,,en,Market stalls,Fictional.\n"
        "bad code,Somewhere,local_government,GH,,en,Title,Summary\n"
        "GH-TWO,Somewhere,spaceship,GH,,en,Title,Summary\n"
        "GH-THREE,Somewhere,local_government,GH,atlantis,en,Title,Summary\n"
        "GH-LAKESIDE,Again,local_government,GH,,en,Title,Summary\n"
    )

    response = _import(organiser_open, text)

    assert response.status_code == 422
    assert "Nothing was imported" in response.text
    assert "Line 3: code: use upper-case letters" in response.text
    assert "Line 4: entity_kind:" in response.text
    assert "Line 5: no delegation &#39;atlantis&#39; in this summit" in response.text
    assert "Line 6: code GH-LAKESIDE already on line 2" in response.text
    assert "Line 2:" not in response.text
    with demo_database.read() as db:
        assert len(db.exec(select(Submission)).all()) == before


def test_a_csv_without_the_required_columns_is_refused(organiser_open: TestClient) -> None:
    response = _import(organiser_open, "code,title,colour\nX,Y,red\n")

    assert response.status_code == 422
    assert "Line 1: missing columns: entity_kind, entity_name, language, summary" in response.text
    assert "unknown columns: colour" in response.text
