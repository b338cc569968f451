"""Submitting a good practice: only a network's members may, a new practice waits unseen, a refused
form keeps nothing, and attachments follow the award upload rules."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from summit.db import Database
from summit.people.models import Delegation
from summit.practices.models import PracticeFile, PracticeStatus
from tests.conftest import choose_english, sign_in
from tests.practices_support import LIBRARY, _actions, _post, _practices, _submit

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# --- Submitting ------------------------------------------------------------------------------


def test_a_non_member_cannot_submit(client: TestClient, demo_database: Database) -> None:
    sign_in(client, "juror1@example.org")
    before = len(_practices(demo_database))

    form = client.get(f"{LIBRARY}/new")
    posted = _submit(client)

    assert form.status_code == 403
    assert posted.status_code == 403
    assert len(_practices(demo_database)) == before


def test_a_member_submits_and_it_waits_unseen(client: TestClient, demo_database: Database) -> None:
    sign_in(client, "delegate@example.org")
    choose_english(client)

    posted = _submit(client, track_ids="1")
    created = _practices(demo_database)[-1]
    mine = client.get(f"{LIBRARY}/mine").text
    client.cookies.clear()
    public = client.get(f"{LIBRARY}/{created.id}")

    assert posted.status_code == 303
    assert posted.headers["location"].endswith(f"{LIBRARY}/mine")
    assert created.status == PracticeStatus.SUBMITTED
    assert created.links == ["https://example.org/procurement"]
    with demo_database.read() as db:
        morocco = db.exec(select(Delegation).where(Delegation.slug == "morocco")).one()
    assert created.delegation_id == morocco.id
    assert "Open procurement dashboards" in mine
    assert "Waiting for moderation" in mine
    assert public.status_code == 404
    assert _actions(demo_database, f"practice:{created.id}") == ["practice_submitted"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title_en": "", "summary_en": ""}, "title"),
        ({"summary_en": ""}, "summary"),
        ({"links": "javascript:alert(1)"}, "links"),
        ({"country_code": "XX"}, "country_code"),
        ({"track_ids": "999999"}, "track_ids"),
        ({"track_ids": "abc"}, "track_ids"),
    ],
)
def test_a_refused_form_comes_back_with_its_error_and_keeps_nothing(
    client: TestClient, demo_database: Database, fields: dict[str, str], field: str
) -> None:
    sign_in(client, "delegate@example.org")
    before = len(_practices(demo_database))

    posted = _submit(client, **fields)

    assert posted.status_code == 422
    assert f'id="{field}-error"' in posted.text
    assert len(_practices(demo_database)) == before


def test_attachments_follow_the_award_upload_rules(
    client: TestClient, demo_database: Database, tmp_path: Any
) -> None:
    sign_in(client, "delegate@example.org")

    refused = _post(
        client,
        f"{LIBRARY}/new",
        {"title_en": "With a file", "summary_en": "See the file."},
        files=[("attachments", ("report.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"))],
    )
    accepted = _post(
        client,
        f"{LIBRARY}/new",
        {"title_en": "With a file", "summary_en": "See the file."},
        files=[("attachments", ("report.pdf", PDF, "application/pdf"))],
    )
    with demo_database.read() as db:
        files = list(db.exec(select(PracticeFile)))
    practice_id = files[0].practice_id
    download = client.get(f"{LIBRARY}/{practice_id}/attachments/{files[0].id}")
    client.cookies.clear()
    anonymous = client.get(f"{LIBRARY}/{practice_id}/attachments/{files[0].id}")

    assert refused.status_code == 422
    assert accepted.status_code == 303
    assert len(files) == 1
    assert download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment")
    assert anonymous.status_code == 404
