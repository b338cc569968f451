"""Entrants' submissions through the form: made and changed while the call is open, refused when
invalid, closed or anonymous, and a juror's country logged as a conflict."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.auth.models import Account, AuditEntry
from summit.awards.models import Conflict, JuryMember, Submission
from summit.db import Database
from summit.persistence import pk
from summit.settings import Settings
from tests.conftest import make_client, post_form, sign_in
from tests.submissions_support import AWARD, MINE, PDF, SUBMIT, _app, _files, _mine, _submit

AFTER_THE_CALL = datetime(2021, 10, 1, 3, 0, tzinfo=UTC)


def test_an_entrant_changes_their_submission_while_the_call_is_open(
    entrant: TestClient, demo_database: Database
) -> None:
    _submit(entrant, [("plan.pdf", PDF)])
    form = entrant.get(SUBMIT).text
    assert 'value="Open contracting for market stalls"' in form

    response = _submit(entrant, title="Open contracting, second edition")

    assert response.status_code == 303
    with demo_database.read() as db:
        mine = db.exec(select(Submission).where(col(Submission.code).startswith("S-"))).all()
    assert [row.title for row in mine] == ["Open contracting, second edition"]
    assert len(_files(demo_database)) == 1


def test_invalid_fields_come_back_inline(entrant: TestClient, demo_database: Database) -> None:
    response = _submit(entrant, contact_email="not an address", country_code="QQ")

    assert response.status_code == 422
    assert 'id="contact_email-error"' in response.text
    assert 'id="country_code-error"' in response.text
    assert _mine(demo_database) is None


def test_another_summits_delegation_is_refused(
    entrant: TestClient, demo_database: Database
) -> None:
    response = _submit(entrant, delegation_id="999999")

    assert response.status_code == 422
    assert "No such delegation in this summit." in response.text


def test_a_closed_call_refuses_new_submissions_and_changes(
    demo_settings: Settings, demo_database: Database, uploads: Path, entrant: TestClient
) -> None:
    _submit(entrant, [("plan.pdf", PDF)])
    attachment = _files(demo_database)[0]
    closed = _app(demo_settings, uploads, AFTER_THE_CALL)
    with make_client(closed) as client:
        sign_in(client, "delegate2@example.org")
        page = client.get(SUBMIT)
        changed = _submit(client, title="Too late")
        removed = post_form(
            client,
            f"/ogp2021/awards/{AWARD}/my/attachments/{attachment.id}/delete",
            {},
            token_from=MINE,
        )
        mine = client.get(MINE)
        sign_in(client, "delegate@example.org")
        newcomer = _submit(client)

    assert page.status_code == 200
    assert "This call is not open for submissions." in page.text
    assert 'id="submission-form"' not in page.text
    assert (changed.status_code, removed.status_code, newcomer.status_code) == (422, 422, 422)
    stored = _mine(demo_database)
    assert stored is not None and stored.title == "Open contracting for market stalls"
    assert len(_files(demo_database)) == 1
    assert _mine(demo_database, "delegate@example.org") is None
    assert "The call has closed" in mine.text


def test_anonymous_visitors_are_sent_to_sign_in(open_app: Starlette) -> None:
    with make_client(open_app) as client:
        response = client.get(SUBMIT, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin?next=")


def test_a_new_submission_from_a_jurors_country_is_a_logged_conflict(
    entrant: TestClient, demo_database: Database
) -> None:
    # juror2 is a delegate of Nigeria.
    response = _submit(entrant, country_code="NG")

    assert response.status_code == 303
    mine = _mine(demo_database)
    assert mine is not None
    with demo_database.read() as db:
        conflicts = db.exec(select(Conflict).where(Conflict.submission_id == pk(mine))).all()
        juror2 = db.exec(select(Account).where(Account.email == "juror2@example.org")).one()
        logged = [
            entry  # the seeded jurors' own recusals are logged too
            for entry in db.exec(select(AuditEntry).where(AuditEntry.action == "recusal"))
            if entry.detail["submission"] == mine.code
        ]
        members = {m.id: m.account_id for m in db.exec(select(JuryMember))}
    assert [(members[c.jury_member_id], c.source) for c in conflicts] == [(juror2.id, "country")]
    assert [entry.detail["juror_account_id"] for entry in logged] == [juror2.id]
