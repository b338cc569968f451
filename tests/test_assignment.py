"""Assigning submissions to jurors: the plan as a pure function (balanced, never a conflicted
juror, stable), and through the pages, automatic and by hand, within the round, offering only
jurors free of conflict; a declared conflict takes the assignment away; a round with
assignments stays."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select
from starlette.testclient import TestClient

from summit.awards.assignment import plan
from summit.awards.models import JuryAssignment
from summit.db import Database
from tests.awards_support import BASE, _member, _recusals, _round_one_assignments, _submission
from tests.conftest import post_form

# --- The plan, as a pure function --------------------------------------------------------------


@st.composite
def problems(draw: st.DrawFn) -> dict[str, Any]:
    jurors = list(range(1, draw(st.integers(1, 8)) + 1))
    submissions = list(range(100, 100 + draw(st.integers(0, 25))))
    per_submission = draw(st.integers(1, len(jurors)))
    pairs = [(juror, submission) for juror in jurors for submission in submissions]
    conflicts = set(draw(st.lists(st.sampled_from(pairs), max_size=20))) if pairs else set()
    return {
        "jurors": jurors,
        "submissions": submissions,
        "per_submission": per_submission,
        "conflicts": conflicts,
    }


@settings(max_examples=300, deadline=None)
@given(problems())
def test_the_plan_never_uses_a_conflicted_juror_and_fills_what_it_can(
    problem: dict[str, Any],
) -> None:
    added, lacking = plan(existing=set(), **problem)

    assert not set(added) & problem["conflicts"]
    assert len(set(added)) == len(added)
    for submission in problem["submissions"]:
        free = [j for j in problem["jurors"] if (j, submission) not in problem["conflicts"]]
        got = sum(1 for _juror, entry in added if entry == submission)
        assert got == min(problem["per_submission"], len(free))
        assert lacking.get(submission, 0) == problem["per_submission"] - got


@settings(max_examples=300, deadline=None)
@given(problems())
def test_without_conflicts_loads_differ_by_at_most_one(problem: dict[str, Any]) -> None:
    added, lacking = plan(
        existing=set(),
        **{**problem, "conflicts": set()},
    )

    loads = [sum(1 for juror, _entry in added if juror == j) for j in problem["jurors"]]
    assert max(loads) - min(loads) <= 1
    assert lacking == {}


def test_the_plan_keeps_existing_assignments_and_counts_them_in_the_load() -> None:
    added, lacking = plan(
        submissions=[10, 11],
        jurors=[1, 2, 3],
        per_submission=2,
        existing={(1, 10), (1, 11)},
        conflicts=set(),
    )

    assert sorted(added) == [(2, 10), (3, 11)]
    assert lacking == {}


def test_the_plan_is_the_same_every_time() -> None:
    problem: dict[str, Any] = {
        "submissions": list(range(20)),
        "jurors": [5, 3, 9, 1],
        "per_submission": 2,
        "existing": set(),
        "conflicts": {(3, 4), (9, 4), (1, 7)},
    }

    assert plan(**problem) == plan(**problem)


# --- Through the pages -------------------------------------------------------------------------


@pytest.mark.usefixtures("unjudged")
def test_automatic_assignment_balances_loads_and_reports_what_it_cannot_do(
    organiser: TestClient, demo_database: Database
) -> None:
    # Four jurors, ten submissions, four each: juror2 (Nigeria) cannot take NG-EXAMPLE-CITY.
    response = post_form(
        organiser, f"{BASE}/assignments/auto", {"round": "1", "per_submission": "4"}
    )

    assert response.status_code == 200
    assert "39 assignments added." in response.text
    assert "NG-EXAMPLE-CITY</code>: 3 of 4 jurors" in response.text
    pairs = _round_one_assignments(demo_database)
    assert ("juror2@example.org", "NG-EXAMPLE-CITY") not in pairs
    loads = {email: sum(1 for e, _c in pairs if e == email) for email, _code in pairs}
    assert loads == {
        "juror1@example.org": 10,
        "juror2@example.org": 9,
        "juror3@example.org": 10,
        "juror4@example.org": 10,
    }


@pytest.mark.usefixtures("unjudged")
def test_automatic_assignment_run_twice_adds_nothing_the_second_time(
    organiser: TestClient, demo_database: Database
) -> None:
    post_form(organiser, f"{BASE}/assignments/auto", {"round": "1", "per_submission": "2"})
    first = _round_one_assignments(demo_database)

    again = post_form(organiser, f"{BASE}/assignments/auto", {"round": "1", "per_submission": "2"})

    assert "0 assignments added." in again.text
    assert _round_one_assignments(demo_database) == first
    loads = [sum(1 for e, _c in first if e == email) for email in {e for e, _c in first}]
    assert (len(first), max(loads) - min(loads)) == (20, 0)


@pytest.mark.usefixtures("unjudged")
def test_a_conflicted_juror_cannot_be_assigned_by_hand(
    organiser: TestClient, demo_database: Database
) -> None:
    juror2 = _member(demo_database, "juror2@example.org")
    nigeria = _submission(demo_database, "NG-EXAMPLE-CITY")

    response = post_form(
        organiser,
        f"{BASE}/assignments",
        {"round": "1", "member_id": str(juror2.id), "submission_id": str(nigeria.id)},
    )

    assert response.status_code == 422
    assert "This juror has a conflict of interest with this submission." in response.text
    assert _round_one_assignments(demo_database) == []


@pytest.mark.usefixtures("unjudged")
def test_a_hand_assignment_and_its_removal(organiser: TestClient, demo_database: Database) -> None:
    juror3 = _member(demo_database, "juror3@example.org")
    kenya = _submission(demo_database, "KE-RIVERSIDE")

    added = post_form(
        organiser,
        f"{BASE}/assignments",
        {"round": "1", "member_id": str(juror3.id), "submission_id": str(kenya.id)},
    )
    assert _round_one_assignments(demo_database) == [("juror3@example.org", "KE-RIVERSIDE")]
    with demo_database.read() as db:
        given = db.exec(select(JuryAssignment)).one()
    removed = post_form(organiser, f"{BASE}/assignments/{given.id}/remove", {"round": "1"})

    assert (added.status_code, removed.status_code) == (303, 303)
    assert removed.headers["location"].endswith("/jury?round=1")
    assert _round_one_assignments(demo_database) == []


def test_a_submission_outside_the_round_cannot_be_assigned(
    organiser: TestClient, demo_database: Database
) -> None:
    juror3 = _member(demo_database, "juror3@example.org")
    kenya = _submission(demo_database, "KE-RIVERSIDE")

    response = post_form(
        organiser,
        f"{BASE}/assignments",
        {"round": "2", "member_id": str(juror3.id), "submission_id": str(kenya.id)},
    )

    assert response.status_code == 422
    assert "This submission has not reached this round." in response.text


@pytest.mark.usefixtures("unjudged")
def test_a_declared_conflict_removes_the_assignment_and_is_logged(
    organiser: TestClient, demo_database: Database
) -> None:
    juror3 = _member(demo_database, "juror3@example.org")
    kenya = _submission(demo_database, "KE-RIVERSIDE")
    fields = {"member_id": str(juror3.id), "submission_id": str(kenya.id)}
    post_form(organiser, f"{BASE}/assignments", {"round": "1", **fields})

    response = post_form(organiser, f"{BASE}/conflicts", {**fields, "reason": "Former adviser"})
    again = post_form(organiser, f"{BASE}/conflicts", {**fields, "reason": "Twice"})

    assert (response.status_code, again.status_code) == (303, 422)
    assert _round_one_assignments(demo_database) == []
    assert [
        (d["submission"], d["source"], d["reason"], d["assignments_removed"])
        for d in _recusals(demo_database)
    ] == [("KE-RIVERSIDE", "declared", "Former adviser", 1)]
    page = organiser.get(f"{BASE}/jury").text
    assert "Former adviser" in page


@pytest.mark.usefixtures("unjudged")
def test_the_jury_page_offers_only_jurors_free_of_conflict(
    organiser: TestClient, demo_database: Database
) -> None:
    juror2 = _member(demo_database, "juror2@example.org")
    nigeria = _submission(demo_database, "NG-EXAMPLE-CITY")

    page = organiser.get(f"{BASE}/jury?round=1").text

    row = page.split(f'id="assign-{nigeria.id}"')[1].split("</tr>")[0]
    assert f'value="{juror2.id}"' not in row
    assert row.count("<option") == 3


def test_a_round_with_assignments_cannot_be_removed(
    organiser: TestClient, demo_database: Database
) -> None:
    post_form(organiser, f"{BASE}/assignments/auto", {"round": "1", "per_submission": "1"})

    response = post_form(organiser, f"{BASE}/rounds/1/delete", {})

    assert response.status_code == 422
    assert "Jurors are already assigned in this round." in response.text
