"""The OpenAPI document and the server agree: a body the document allows is accepted, one it
forbids is refused with 422, and what the summit's data refuses is a declared 409. Each case
below was a disagreement that schemathesis found."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession
from summit.db import Database
from summit.people.models import Delegation
from tests.conftest import DURING_THE_SUMMIT, make_client
from tests.factories import organiser_api_token

API = "/api/v1/summits/ogp2021"


@pytest.fixture
def api(demo_app: Starlette, demo_database: Database) -> Iterator[TestClient]:
    """A script's client, with an organiser's token that may do everything."""
    with demo_database.write() as db:
        token = organiser_api_token(db, now=DURING_THE_SUMMIT)
    with make_client(demo_app) as client:
        client.headers["authorization"] = f"Bearer {token}"
        yield client


def _allows(document: dict[str, Any], model: str, body: object) -> bool:
    """Whether the document's schema for ``model`` allows ``body``."""
    schema = {**document, "$ref": f"#/components/schemas/{model}"}
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return bool(validator.is_valid(body))


def _closing(demo_database: Database) -> int:
    with demo_database.read() as db:
        found = db.exec(select(ProgrammeSession.id).where(ProgrammeSession.code == "CLOSING")).one()
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("method", "path", "model", "body", "allowed"),
    [
        # A patch's field may be left out; null only where it means "none".
        ("PATCH", "/sessions/{closing}", "SessionPatch", {"kind": None}, False),
        ("PATCH", "/sessions/{closing}", "SessionPatch", {"theme_id": None}, True),
        # JSON Schema's integer: 30.0 is one.
        ("POST", "/sessions/{closing}/retime", "RetimeInput", {"duration_minutes": 30.0}, True),
        ("POST", "/sessions/{closing}/retime", "RetimeInput", {"duration_minutes": "30"}, False),
        # A name in at least one of the summit's languages, none other.
        ("POST", "/streams", "StreamIn", {"slug": "annex", "name": {}}, False),
        ("POST", "/streams", "StreamIn", {"slug": "annex", "name": {"de": "Anbau"}}, False),
        ("POST", "/streams", "StreamIn", {"slug": "annex", "name": {"en": " "}}, False),
        ("POST", "/streams", "StreamIn", {"slug": "annex", "name": {"en": "Annex"}}, True),
        # Running late needs a delay of 1 to 240 minutes; no other status has one.
        ("POST", "/sessions/{closing}/status", "StatusInput", {"status": "late"}, False),
        (
            "POST",
            "/sessions/{closing}/status",
            "StatusInput",
            {"status": "late", "delay_minutes": 0},
            False,
        ),
        (
            "POST",
            "/sessions/{closing}/status",
            "StatusInput",
            {"status": "late", "delay_minutes": 10},
            True,
        ),
        (
            "POST",
            "/sessions/{closing}/status",
            "StatusInput",
            {"status": "live", "delay_minutes": 10},
            False,
        ),
        ("POST", "/sessions/{closing}/status", "StatusInput", {"status": "live"}, True),
    ],
)
def test_the_server_accepts_exactly_what_the_document_allows(
    api: TestClient,
    demo_database: Database,
    method: str,
    path: str,
    model: str,
    body: dict[str, Any],
    allowed: bool,
) -> None:
    document = api.get("/api/v1/openapi.json").json()

    answer = api.request(method, API + path.format(closing=_closing(demo_database)), json=body)

    assert _allows(document, model, body) is allowed
    assert (answer.status_code < 300) is allowed, answer.text
    if not allowed:
        assert answer.status_code == 422


def test_deleting_a_delegation_with_members_is_a_declared_conflict(
    api: TestClient, demo_database: Database
) -> None:
    with demo_database.read() as db:
        morocco = db.exec(select(Delegation.id).where(Delegation.slug == "morocco")).one()
    document = api.get("/api/v1/openapi.json").json()

    answer = api.delete(f"{API}/delegations/{morocco}")

    assert answer.status_code == 409
    assert answer.json() == {
        "error": "This delegation still has members: move them first.",
        "fields": {"": "This delegation still has members: move them first."},
    }
    operation = document["paths"]["/api/v1/summits/{slug}/delegations/{delegation_id}"]["delete"]
    assert "409" in operation["responses"]
    assert "422" in operation["responses"]  # a write may always be refused as invalid


def test_a_patch_that_does_not_fit_the_row_is_a_conflict(
    api: TestClient, demo_database: Database
) -> None:
    closing = _closing(demo_database)
    with demo_database.read() as db:
        session = db.get(ProgrammeSession, closing)
        assert session is not None and session.starts_at is not None
        before_start = session.starts_at.isoformat()

    answer = api.patch(f"{API}/sessions/{closing}", json={"ends_at": before_start})
    both = api.patch(
        f"{API}/sessions/{closing}",
        json={"starts_at": "2021-12-17T10:00:00+09:00", "ends_at": "2021-12-17T09:00:00+09:00"},
    )

    assert answer.status_code == 409
    assert answer.json()["fields"] == {"": "a session must end after it starts"}
    assert both.status_code == 422  # the body alone is wrong: the document says so in words
