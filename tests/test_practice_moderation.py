"""Moderating good practices: only the network's coordinators and co-chairs decide; approving
publishes, asking for changes needs a note, a published practice is no longer the submitter's
to edit, sessions are linked by code, and hostile decisions are refused."""

from __future__ import annotations

from sqlmodel import select
from starlette.testclient import TestClient

from summit.bodies.models import Body, BodyMember, MemberRole
from summit.db import Database
from summit.people.models import Delegation
from summit.practices.models import Practice, PracticeStatus
from tests.conftest import choose_english, sign_in
from tests.practices_support import API, LIBRARY, _actions, _post, _practices, _submit, _waiting

# --- Moderating ------------------------------------------------------------------------------


def test_a_non_coordinator_cannot_moderate(client: TestClient, demo_database: Database) -> None:
    waiting = _waiting(demo_database)
    sign_in(client, "delegate2@example.org")  # Kenya: a member, not a chair

    queue = client.get(f"{LIBRARY}/moderation")
    posted = _post(client, f"{LIBRARY}/{waiting.id}/decision", {"decision": "approve", "note": ""})

    assert queue.status_code == 403
    assert posted.status_code == 403
    assert _waiting(demo_database).status == PracticeStatus.SUBMITTED


def test_a_coordinator_approves_and_the_practice_is_published(
    organiser: TestClient, demo_database: Database
) -> None:
    waiting = _waiting(demo_database)

    posted = _post(
        organiser, f"{LIBRARY}/{waiting.id}/decision", {"decision": "approve", "note": ""}
    )
    organiser.cookies.clear()
    found = organiser.get(f"{LIBRARY}?q=forums").text

    with demo_database.read() as db:
        approved = db.get(Practice, waiting.id)
    assert posted.status_code == 303
    assert approved is not None
    assert approved.status == PracticeStatus.PUBLISHED
    assert approved.published_at is not None
    assert f'id="practice-{waiting.id}"' in found
    assert organiser.get(f"{API}/{waiting.id}").status_code == 200
    assert _actions(demo_database, f"practice:{waiting.id}") == ["practice_approved"]


def test_a_co_chair_moderates_its_network(client: TestClient, demo_database: Database) -> None:
    with demo_database.write() as db:
        kenya = db.exec(select(Delegation).where(Delegation.slug == "kenya")).one()
        seat = db.exec(select(BodyMember).where(BodyMember.delegation_id == kenya.id)).first()
        assert seat is not None
        body = db.get(Body, seat.body_id)
        assert body is not None and body.slug == "african-open-government-network"
        seat.role = MemberRole.CO_CHAIR
        db.add(seat)
    waiting = _waiting(demo_database)
    sign_in(client, "delegate2@example.org")

    posted = _post(
        client, f"{LIBRARY}/{waiting.id}/decision", {"decision": "reject", "note": "Duplicate."}
    )

    assert posted.status_code == 303
    with demo_database.read() as db:
        rejected = db.get(Practice, waiting.id)
    assert rejected is not None and rejected.status == PracticeStatus.REJECTED


def test_changes_asked_need_a_note_and_the_submitter_answers_by_editing(
    client: TestClient, demo_database: Database
) -> None:
    sign_in(client, "delegate@example.org")
    choose_english(client)
    _submit(client)
    created = _practices(demo_database)[-1]
    client.cookies.clear()
    sign_in(client, "organiser@example.org")
    choose_english(client)

    without_note = _post(
        client, f"{LIBRARY}/{created.id}/decision", {"decision": "request_changes", "note": " "}
    )
    with_note = _post(
        client,
        f"{LIBRARY}/{created.id}/decision",
        {"decision": "request_changes", "note": "Name the ministry, please."},
    )
    client.cookies.clear()
    sign_in(client, "delegate@example.org")
    choose_english(client)
    mine = client.get(f"{LIBRARY}/mine").text
    edited = _post(
        client,
        f"{LIBRARY}/{created.id}/edit",
        {"title_en": "Open procurement dashboards", "summary_en": "The finance ministry does."},
    )

    assert without_note.status_code == 422
    assert 'id="note-error"' in without_note.text
    assert with_note.status_code == 303
    assert "Name the ministry, please." in mine
    assert edited.status_code == 303
    with demo_database.read() as db:
        again = db.get(Practice, created.id)
    assert again is not None
    assert again.status == PracticeStatus.SUBMITTED
    assert again.summary == {"en": "The finance ministry does."}
    assert _actions(demo_database, f"practice:{created.id}") == [
        "practice_submitted",
        "practice_changes_requested",
        "practice_edited",
    ]


def test_a_published_practice_can_no_longer_be_edited_by_its_submitter(
    client: TestClient, demo_database: Database
) -> None:
    sign_in(client, "delegate@example.org")
    _submit(client)
    created = _practices(demo_database)[-1]
    with demo_database.write() as db:
        row = db.get(Practice, created.id)
        assert row is not None
        row.status = PracticeStatus.PUBLISHED
        db.add(row)

    response = _post(client, f"{LIBRARY}/{created.id}/edit", {"title_en": "Changed"})

    assert response.status_code == 404


def test_a_coordinator_links_sessions_and_unknown_codes_are_refused(
    organiser: TestClient, demo_database: Database
) -> None:
    choose_english(organiser)

    unknown = _post(organiser, f"{LIBRARY}/1/sessions", {"sessions": "NO-SUCH-SESSION"})
    linked = _post(organiser, f"{LIBRARY}/1/sessions", {"sessions": "opening"})
    page = organiser.get(f"{LIBRARY}/1").text

    assert unknown.status_code == 422
    assert 'id="sessions-error"' in unknown.text
    assert linked.status_code == 303
    assert "Launch of the African Open Government Network" not in page
    assert _actions(demo_database, "practice:1") == ["practice_sessions_linked"]


def test_a_hostile_decision_is_refused(organiser: TestClient, demo_database: Database) -> None:
    waiting = _waiting(demo_database)

    posted = _post(
        organiser, f"{LIBRARY}/{waiting.id}/decision", {"decision": "publish!", "note": "x" * 5000}
    )

    assert posted.status_code == 422
    assert _waiting(demo_database).id == waiting.id
