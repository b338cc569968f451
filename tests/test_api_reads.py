"""The JSON API's public reads: the published programme and never drafts, people without private
addresses, award results only once published, delegations with heads and members, times as
ISO 8601 text, the OpenAPI document and 405 with the allowed methods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from summit.agenda.forms import SessionInput
from summit.agenda.models import ProgrammeSession, SessionKind, Summit
from summit.agenda.services import upsert_session
from summit.awards.models import Award
from summit.db import Database
from summit.people.models import Delegation, Person
from tests.api_support import API, _session_id
from tests.conftest import DURING_THE_SUMMIT


def test_reads_are_public_and_show_the_published_programme(api: TestClient) -> None:
    summits = api.get("/api/v1/summits")
    summit = api.get(API)
    day = api.get(f"{API}/sessions", params={"day": "2021-12-15", "stream": "plenary"})

    assert summits.status_code == summit.status_code == day.status_code == 200
    assert [row["slug"] for row in summits.json()] == ["ogp2021"]
    assert summit.json()["days"] == ["2021-12-15", "2021-12-16", "2021-12-17"]
    assert day.json()[0]["code"] == "OPENING"
    assert {row["stream_id"] for row in day.json()} == {summit.json()["streams"][0]["id"]}
    assert all(row["shown_starts_at"].startswith("2021-12-1") for row in day.json())


def test_reads_hide_drafts_and_draft_changes(api: TestClient, demo_database: Database) -> None:
    opening = _session_id(demo_database, "OPENING")
    with demo_database.write() as db:
        summit = db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()
        draft = upsert_session(
            db,
            summit=summit,
            data=SessionInput(
                code="SECRET-DRAFT",
                kind=SessionKind.PANEL,
                title={"en": "Not announced yet"},
                starts_at=datetime(2021, 12, 15, 5, tzinfo=UTC),
                ends_at=datetime(2021, 12, 15, 6, tzinfo=UTC),
                is_published=True,
            ),
        )
        session = db.get(ProgrammeSession, opening)
        assert session is not None
        session.title = {"en": "Retitled in the draft"}
        db.add(session)
        db.flush()
        draft_id = draft.id

    listing = api.get(f"{API}/sessions").text
    one = api.get(f"{API}/sessions/{draft_id}")
    opening_now = api.get(f"{API}/sessions/{opening}").json()

    assert "SECRET-DRAFT" not in listing and "Not announced yet" not in listing
    assert one.status_code == 404
    assert one.json() == {"error": "Not found.", "fields": {}}
    assert opening_now["title"]["en"] == "Official opening of the OGP Global Summit 2021"


def test_people_never_show_private_addresses(api: TestClient, demo_database: Database) -> None:
    with demo_database.write() as db:
        speaker = db.exec(select(Person).where(Person.slug == "aziz-akhannouch")).one()
        speaker.email = "private.address@example.org"
        db.add(speaker)

    people = api.get(f"{API}/people")
    one = api.get(f"{API}/people/{speaker.id}")

    assert people.status_code == one.status_code == 200
    assert one.json()["full_name"] == "Aziz Akhannouch"
    assert all("email" not in row for row in people.json())
    assert "private.address" not in people.text + one.text


def test_award_results_stay_hidden_until_published(
    api: TestClient, demo_database: Database
) -> None:
    with demo_database.write() as db:
        award = db.exec(select(Award)).one()
        award.results_published_at = None
        db.add(award)
    hidden = api.get(f"{API}/awards").json()[0]
    with demo_database.write() as db:
        award = db.exec(select(Award)).one()
        award.results_published_at = DURING_THE_SUMMIT + timedelta(hours=1)
        db.add(award)
    scheduled = api.get(f"{API}/awards").json()[0]
    with demo_database.write() as db:
        award = db.exec(select(Award)).one()
        award.results_published_at = DURING_THE_SUMMIT - timedelta(hours=1)
        db.add(award)
    shown = api.get(f"{API}/awards")

    assert (hidden["results_published"], hidden["results"]) == (False, [])
    assert (scheduled["results_published"], scheduled["results_published_at"]) == (False, None)
    assert scheduled["results"] == []
    results = shown.json()[0]["results"]
    assert [row["place"] for row in results if not row["mention"]] == [1, 2, 3]
    third = next(row for row in results if row["place"] == 3)
    assert "Tanger" in third["submission"]["entity_name"]
    assert "score" not in shown.text and "reason" not in shown.text
    assert "contact" not in shown.text


def test_a_wrong_method_answers_405_with_the_allowed_ones(api: TestClient) -> None:
    answer = api.put(f"{API}/sessions/1")

    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, HEAD, PATCH"
    assert answer.json() == {"error": "Method not allowed.", "fields": {}}


def test_the_openapi_document_describes_every_operation(
    api: TestClient, demo_app: Starlette
) -> None:
    document = api.get("/api/v1/openapi.json").json()
    documented = {
        (method.upper(), path) for path, entry in document["paths"].items() for method in entry
    }
    served = {
        (method, route.path.replace(":str", "").replace(":int", ""))
        for route in demo_app.routes
        if isinstance(route, Route)
        and route.path.startswith("/api/v1/")
        and route.path != "/api/v1/openapi.json"
        for method in (route.methods or set()) - {"HEAD"}
    }

    assert document["openapi"] == "3.1.0"
    assert documented == served
    move = document["paths"]["/api/v1/summits/{slug}/sessions/{session_id}/move"]["post"]
    assert move["security"] == [{"bearer": ["programme:write"]}]
    assert move["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/MoveInput"
    }


def test_delegations_list_heads_and_members(api: TestClient, demo_database: Database) -> None:
    with demo_database.read() as db:
        morocco = db.exec(select(Delegation).where(Delegation.slug == "morocco")).one()
        members = db.exec(select(Person).where(Person.delegation_id == morocco.id)).all()

    answer = api.get(f"{API}/delegations/{morocco.id}").json()

    assert answer["slug"] == "morocco"
    assert sorted(answer["member_ids"]) == sorted(p.id for p in members if p.id is not None)
    assert answer["head_id"] in answer["member_ids"]


def test_a_time_is_iso_8601_text_and_nothing_else() -> None:
    """Found by schemathesis: pydantic alone reads "8" as eight seconds after 1970."""
    from pydantic import ValidationError

    from summit.api.inputs import WindowIn

    for wrong in ("8", 8, "15/12/2021 09:00", "2021-12-15T09:00"):
        with pytest.raises(ValidationError):
            WindowIn.model_validate({"starts_at": "2021-12-15T08:00:00+09:00", "ends_at": wrong})
    window = WindowIn.model_validate(
        {"starts_at": "2021-12-15T08:00:00+09:00", "ends_at": "2021-12-15T01:00:00Z"}
    )
    assert (window.ends_at - window.starts_at).total_seconds() == 2 * 3600
