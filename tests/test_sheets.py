"""Organisers' spreadsheets: every row there, and no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from summit.agenda.exports.sheets import neutralise, to_csv
from summit.agenda.models import Summit
from summit.db import Database
from summit.people.forms import PersonInput
from summit.people.services import upsert_person

HOSTILE = ['=HYPERLINK("http://x.example","y")', "+1+2", "-2+3", "@SUM(A1)"]


def _rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("مرحبا", "مرحبا"),
        (None, ""),
        (-3, "-3"),
    ],
)
def test_a_cell_that_looks_like_a_formula_is_quoted(value: str | int | None, written: str) -> None:
    assert neutralise(value) == written


def test_a_sheet_reads_back_as_written() -> None:
    body = to_csv(["a", "b"], [['x, "y"', "=z"], ["line\nbreak", None]])

    assert body.startswith(b"\xef\xbb\xbf")
    assert _rows(body) == [["a", "b"], ['x, "y"', "'=z"], ["line\nbreak", ""]]


def test_the_people_sheet_neutralises_planted_formulas(
    organiser: TestClient, demo_database: Database
) -> None:
    with demo_database.write() as db:
        summit = db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()
        for index, name in enumerate(HOSTILE):
            upsert_person(
                db, summit=summit, data=PersonInput(slug=f"hostile-{index}", full_name=name)
            )

    response = organiser.get("/ogp2021/manage/exports/people.csv")
    rows = _rows(response.content)
    names = {row[0]: row[1] for row in rows[1:]}

    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="ogp2021-people.csv"'
    assert rows[0][:2] == ["slug", "full_name"]
    assert [names[f"hostile-{index}"] for index in range(len(HOSTILE))] == [
        f"'{name}" for name in HOSTILE
    ]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_session_and_delegation_sheets_list_every_row(
    organiser: TestClient, demo_database: Database
) -> None:
    from summit.agenda.models import ProgrammeSession
    from summit.people.models import Delegation

    with demo_database.read() as db:
        codes = sorted(db.exec(select(ProgrammeSession.code)).all())
        delegations = sorted(db.exec(select(Delegation.slug)).all())

    sessions = _rows(organiser.get("/ogp2021/manage/exports/sessions.csv").content)
    found = _rows(organiser.get("/ogp2021/manage/exports/delegations.csv").content)

    assert sorted(row[0] for row in sessions[1:]) == codes
    assert sorted(row[0] for row in found[1:]) == delegations


def test_the_organiser_pages_link_to_the_sheets(organiser: TestClient) -> None:
    console = organiser.get("/ogp2021/manage/").text
    pages = {
        "sessions": organiser.get("/ogp2021/manage/schedule").text,
        "people": organiser.get("/ogp2021/manage/people").text,
        "delegations": organiser.get("/ogp2021/manage/delegations").text,
    }

    for name, page in pages.items():
        assert f'/ogp2021/manage/exports/{name}.csv" download>' in console
        assert f'/ogp2021/manage/exports/{name}.csv" download>' in page
