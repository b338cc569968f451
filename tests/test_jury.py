"""The jury: members and chair, and conflicts of interest (found when someone joins, withdrawn and
brought back, always logged); another award's rows answer like missing ones."""

from __future__ import annotations

from sqlmodel import col, select
from starlette.testclient import TestClient

from summit.agenda.models import Summit
from summit.auth.audit import AuditAction, action_of
from summit.auth.models import AuditEntry, Role, RoleGrant
from summit.awards.models import (
    Award,
    Conflict,
    ConflictSource,
    JuryAssignment,
    JuryMember,
    Submission,
)
from summit.db import Database
from tests.awards_support import AWARD, BASE, _member, _recusals, _submission
from tests.conftest import post_form


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
