"""The demo award's open call, an entrant and an organiser signed in during it, and the form's
posts and reads that the submission tests share."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.app import create_app
from summit.auth.models import Account
from summit.awards.models import Attachment, Submission
from summit.db import Database
from summit.settings import Settings
from tests.conftest import BASE_URL, csrf_token, make_client, sign_in

AWARD = "open-gov-award-local-innovation-2021"
SUBMIT = f"/ogp2021/awards/{AWARD}/submit"
MINE = f"/ogp2021/awards/{AWARD}/my"
DURING_THE_CALL = datetime(2021, 7, 1, 3, 0, tzinfo=UTC)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    return tmp_path / "uploads"


def _app(settings: Settings, uploads: Path, moment: datetime, **overrides: Any) -> Starlette:
    changed = settings.model_copy(update={"upload_dir": uploads, **overrides})
    return create_app(changed, clock=lambda: moment)


@pytest.fixture
def open_app(demo_settings: Settings, uploads: Path) -> Starlette:
    return _app(demo_settings, uploads, DURING_THE_CALL)


@pytest.fixture
def entrant(open_app: Starlette) -> Iterator[TestClient]:
    with make_client(open_app) as client:
        sign_in(client, "delegate2@example.org")
        yield client


def _entry(**overrides: str) -> dict[str, str]:
    return {
        "entity_name": "Lakeside Example Town (fictional)",
        "entity_kind": "local_government",
        "country_code": "GH",
        "organisation": "Lakeside Example Town Council",
        "contact_name": "Ama Sample",
        "contact_email": "lakeside@example.org",
        "language": "en",
        "title": "Open contracting for market stalls",
        "summary": "Stall holders see and comment on every contract. Fictional.",
    } | overrides


def _submit(
    client: TestClient, files: list[tuple[str, bytes]] | None = None, **overrides: str
) -> Any:
    return client.post(
        SUBMIT,
        data={**_entry(**overrides), "csrf_token": csrf_token(client, SUBMIT)},
        files=[("attachments", (name, data, "application/octet-stream")) for name, data in files]
        if files
        else None,
        headers={"origin": BASE_URL},
        follow_redirects=False,
    )


def _mine(database: Database, email: str = "delegate2@example.org") -> Submission | None:
    with database.read() as db:
        return db.exec(
            select(Submission)
            .join(Account, col(Account.id) == Submission.submitter_account_id)
            .where(Account.email == email)
        ).first()


def _files(database: Database) -> list[Attachment]:
    with database.read() as db:
        return list(db.exec(select(Attachment).order_by(col(Attachment.id))))


@pytest.fixture
def organiser_open(open_app: Starlette) -> Iterator[TestClient]:
    with make_client(open_app) as client:
        sign_in(client, "organiser@example.org")
        yield client
