"""The jury: members and chair, conflicts of interest (found and declared, always logged), and
assignment by hand and automatic (balanced, never a conflicted juror)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import col, select
from starlette.testclient import TestClient

from summit.agenda.models import Summit
from summit.auth.audit import AuditAction, action_of
from summit.auth.models import Account, AuditEntry, Role, RoleGrant
from summit.awards.assignment import plan
from summit.awards.models import (
    Award,
    AwardRound,
    Conflict,
    ConflictSource,
    JuryAssignment,
    JuryMember,
    Submission,
)
from summit.db import Database
from tests.conftest import post_form
from tests.jury import before_judging

AWARD = "open-gov-award-local-innovation-2021"
BASE = f"/ogp2021/manage/awards/{AWARD}"


@pytest.fixture
def unjudged(demo_database: Database) -> Database:
    """The demo award before its jury began: the seed holds the jury's finished work, and
    these tests assign from nothing."""
    with demo_database.write() as db:
        before_judging(db)
    return demo_database


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


def _member(database: Database, email: str) -> JuryMember:
    with database.read() as db:
        return db.exec(
            select(JuryMember)
            .join(Account, col(Account.id) == JuryMember.account_id)
            .where(Account.email == email)
        ).one()


def _submission(database: Database, code: str) -> Submission:
    with database.read() as db:
        return db.exec(select(Submission).where(Submission.code == code)).one()


def _recusals(database: Database) -> list[dict[str, Any]]:
    with database.read() as db:
        return [
            row.detail
            for row in db.exec(
                select(AuditEntry)
                # The seed's own recusals are logged with no account: these are people's.
                .where(AuditEntry.action == "recusal", col(AuditEntry.account_id).is_not(None))
                .order_by(col(AuditEntry.id))
            )
        ]


def test_adding_a_delegate_to_the_jury_grants_the_role_and_logs_their_conflicts(
    organiser: TestClient, demo_database: Database
) -> None:
    # delegate@example.org is in Morocco's delegation; TTA-REGION comes from Morocco.
    response = post_form(organiser, f"{BASE}/jury", {"email": "Delegate@example.org"})

    assert response.status_code == 303
    member = _member(demo_database, "delegate@example.org")
    with demo_database.read() as db:
        roles = {
            grant.role
            for grant in db.exec(select(RoleGrant).where(RoleGrant.account_id == member.account_id))
        }
        conflicts = db.exec(select(Conflict).where(Conflict.jury_member_id == member.id)).all()
    assert roles == {Role.DELEGATE, Role.DELEGATION_HEAD, Role.JUROR}
    assert [(c.submission_id, c.source) for c in conflicts] == [
        (_submission(demo_database, "TTA-REGION").id, ConflictSource.COUNTRY)
    ]
    assert [(d["submission"], d["source"]) for d in _recusals(demo_database)] == [
        ("TTA-REGION", "country")
    ]


def test_an_unknown_address_cannot_join_the_jury(
    organiser: TestClient, demo_database: Database
) -> None:
    response = post_form(organiser, f"{BASE}/jury", {"email": "stranger@example.org"})

    assert response.status_code == 422
    assert "No account uses this e-mail address: invite the person first." in response.text


def test_the_chair_moves_from_one_juror_to_another(
    organiser: TestClient, demo_database: Database
) -> None:
    juror3 = _member(demo_database, "juror3@example.org")

    response = post_form(organiser, f"{BASE}/jury/{juror3.id}/chair", {})

    assert response.status_code == 303
    with demo_database.read() as db:
        chairs = db.exec(select(JuryMember).where(col(JuryMember.is_chair))).all()
    assert [chair.id for chair in chairs] == [juror3.id]


def test_a_juror_taken_off_the_jury_loses_their_assignments(
    organiser: TestClient, demo_database: Database
) -> None:
    post_form(organiser, f"{BASE}/assignments/auto", {"round": "1", "per_submission": "2"})
    juror4 = _member(demo_database, "juror4@example.org")

    response = post_form(organiser, f"{BASE}/jury/{juror4.id}/remove", {})

    assert response.status_code == 303
    with demo_database.read() as db:
        left = db.exec(
            select(JuryAssignment).where(JuryAssignment.jury_member_id == juror4.id)
        ).all()
        assert db.get(JuryMember, juror4.id) is None
    assert left == []


def _round_one_assignments(database: Database) -> list[tuple[str, str]]:
    with database.read() as db:
        rows = db.exec(
            select(Account.email, Submission.code)
            .select_from(JuryAssignment)
            .join(JuryMember, col(JuryMember.id) == JuryAssignment.jury_member_id)
            .join(Account, col(Account.id) == JuryMember.account_id)
            .join(Submission, col(Submission.id) == JuryAssignment.submission_id)
            .join(AwardRound, col(AwardRound.id) == JuryAssignment.round_id)
            .where(AwardRound.number == 1)
        ).all()
    return sorted((email, code) for email, code in rows)


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


def test_withdrawing_a_conflict_is_logged_and_a_rule_brings_it_back(
    organiser: TestClient, demo_database: Database
) -> None:
    with demo_database.read() as db:
        conflict = db.exec(select(Conflict)).one()  # the seed's: juror2 and Nigeria

    withdrawn = post_form(organiser, f"{BASE}/conflicts/{conflict.id}/withdraw", {})
    refreshed = post_form(organiser, f"{BASE}/conflicts/refresh", {})

    assert withdrawn.status_code == 303
    assert "1 new conflict found." in refreshed.text
    with demo_database.read() as db:
        actions = [
            row.action
            for row in db.exec(
                select(AuditEntry)
                .where(col(AuditEntry.action).startswith("recusal"))
                .order_by(col(AuditEntry.id))
            )
        ]
        assert len(db.exec(select(Conflict)).all()) == 1
    # The seed's recusal is logged too, so the log tells the whole story.
    assert actions == ["recusal", "recusal_withdrawn", "recusal"]


def test_a_recusal_logged_under_its_old_name_reads_as_a_recusal(
    organiser: TestClient, demo_database: Database
) -> None:
    with demo_database.write() as db:
        summit = db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()
        # Written before the juror's "conflict_declared" was merged into "recusal".
        db.add(AuditEntry(summit_id=summit.id, action="conflict_declared", target="submission:1"))

    page = organiser.get("/ogp2021/manage/audit")
    with demo_database.read() as db:
        stored = db.exec(select(AuditEntry).where(AuditEntry.target == "submission:1")).one()

    assert stored.action == "conflict_declared"  # entries are never rewritten
    assert action_of(stored) is AuditAction.RECUSAL
    assert "<td>Juror kept away (conflict of interest)</td>" in page.text
    assert "conflict_declared" not in page.text


def test_another_awards_rows_answer_like_missing_ones(
    organiser: TestClient, demo_database: Database
) -> None:
    with demo_database.write() as db:
        award = db.exec(select(Award).where(Award.slug == AWARD)).one()
        other = Award(
            summit_id=award.summit_id,
            slug="second-award",
            category="x",
            name={"en": "Second"},
            opens_at=award.opens_at,
            closes_at=award.closes_at,
            scoring_closes_at=award.scoring_closes_at,
        )
        db.add(other)
    juror3 = _member(demo_database, "juror3@example.org")
    with demo_database.read() as db:
        conflict = db.exec(select(Conflict)).one()
    other_base = "/ogp2021/manage/awards/second-award"

    answers = [
        post_form(organiser, f"{other_base}/jury/{juror3.id}/chair", {}).status_code,
        post_form(organiser, f"{other_base}/conflicts/{conflict.id}/withdraw", {}).status_code,
        organiser.get(
            f"{other_base}/submissions/{_submission(demo_database, 'KE-RIVERSIDE').id}"
        ).status_code,
    ]

    assert answers == [404, 404, 404]


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


def test_a_speaker_joining_the_jury_conflicts_with_their_organisations_entry(
    organiser: TestClient, demo_database: Database
) -> None:
    csv = (
        "code,entity_name,entity_kind,organisation,language,title,summary\n"
        "CSO-COALITION,Coalition,civil_society,"
        "open government civil society coalition (FICTIONAL),en,Title,Summary\n"
        "CSO-OTHER,Other,civil_society,Another coalition,en,Title,Summary\n"
    )
    imported = post_form(organiser, f"{BASE}/submissions/import", {"csv": csv})

    joined = post_form(organiser, f"{BASE}/jury", {"email": "speaker@example.org"})

    assert (imported.status_code, joined.status_code) == (200, 303)
    member = _member(demo_database, "speaker@example.org")
    with demo_database.read() as db:
        found = db.exec(
            select(Submission.code, Conflict.source)
            .join(Conflict, col(Conflict.submission_id) == Submission.id)
            .where(Conflict.jury_member_id == member.id)
        ).all()
    assert sorted(found) == [("CSO-COALITION", ConflictSource.ORGANISATION)]


def test_a_round_with_assignments_cannot_be_removed(
    organiser: TestClient, demo_database: Database
) -> None:
    post_form(organiser, f"{BASE}/assignments/auto", {"round": "1", "per_submission": "1"})

    response = post_form(organiser, f"{BASE}/rounds/1/delete", {})

    assert response.status_code == 422
    assert "Jurors are already assigned in this round." in response.text
