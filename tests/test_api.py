"""The JSON API: public reads that hide drafts, organisers' writes with bearer tokens that go
through the editor's services and reach open pages live, and refusals in JSON."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from summit.agenda.forms import SessionInput
from summit.agenda.models import ProgrammeSession, SessionKind, Stream, Summit
from summit.agenda.services import upsert_session
from summit.auth.api_tokens import ApiScope, issue_api_token, revoke_api_token
from summit.auth.models import Account, ApiToken, AuditEntry, Role, RoleGrant
from summit.auth.services import revoke_role
from summit.awards.models import Award
from summit.db import Database
from summit.people.models import Delegation, Person
from tests.conftest import BASE_URL, DURING_THE_SUMMIT, make_client, sign_in
from tests.factories import make_summit

WS = BASE_URL.replace("http://", "ws://")
API = "/api/v1/summits/ogp2021"


def _token(
    database: Database,
    email: str = "organiser@example.org",
    scopes: tuple[ApiScope, ...] = (ApiScope.PROGRAMME_WRITE, ApiScope.PEOPLE_WRITE),
    *,
    days: int = 30,
    now: datetime = DURING_THE_SUMMIT,
) -> str:
    with database.write() as db:
        summit = db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()
        account = db.exec(select(Account).where(Account.email == email)).one()
        return issue_api_token(
            db, summit=summit, account=account, name="test", scopes=list(scopes), now=now, days=days
        ).token


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _session_id(database: Database, code: str) -> int:
    with database.read() as db:
        found = db.exec(select(ProgrammeSession.id).where(ProgrammeSession.code == code)).one()
    assert found is not None
    return found


@pytest.fixture
def api(demo_app: Starlette) -> Iterator[TestClient]:
    """A client with no cookies at all, as a script would be."""
    with make_client(demo_app) as client:
        yield client


@pytest.fixture
def token(demo_database: Database) -> str:
    return _token(demo_database)


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


def test_a_status_change_reaches_an_open_programme_page_at_once(
    api: TestClient, token: str, demo_database: Database
) -> None:
    opening = _session_id(demo_database, "OPENING")
    with api.websocket_connect(
        f"{WS}/ogp2021/live?page=programme", headers={"origin": BASE_URL}
    ) as socket:
        answer = api.post(
            f"{API}/sessions/{opening}/status",
            json={"status": "late", "delay_minutes": 10},
            headers=_bearer(token),
        )
        pushed = socket.receive_text()

    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["delay_minutes"]) == ("late", 10)
    assert '<article class="session-card' in pushed
    assert "Running 10 minutes late" in pushed
    public = api.get(f"{API}/sessions/{opening}").json()
    assert (public["status"], public["delay_minutes"]) == ("late", 10)


def test_a_move_is_a_draft_until_published_then_reaches_open_pages(
    api: TestClient, token: str, demo_database: Database
) -> None:
    closing = _session_id(demo_database, "CLOSING")
    with demo_database.read() as db:
        streams = db.exec(select(Stream).order_by(Stream.position)).all()  # type: ignore[arg-type]
    target = streams[-1]
    before = api.get(f"{API}/sessions/{closing}").json()

    moved = api.post(
        f"{API}/sessions/{closing}/move",
        json={"stream_id": target.id, "starts_at": "2021-12-17T16:00:00+09:00"},
        headers=_bearer(token),
    )
    still = api.get(f"{API}/sessions/{closing}").json()
    for conflict in api.get(f"{API}/draft/conflicts", headers=_bearer(token)).json():
        # Where the session lands it meets others: they stand, as the organiser says.
        api.post(
            f"{API}/draft/conflicts/accept", json={"key": conflict["key"]}, headers=_bearer(token)
        )
    with api.websocket_connect(
        f"{WS}/ogp2021/live?page=programme", headers={"origin": BASE_URL}
    ) as socket:
        release = api.post(f"{API}/publish", json={"comment": "moved"}, headers=_bearer(token))
        pushed = socket.receive_text()
    after = api.get(f"{API}/sessions/{closing}").json()

    assert moved.status_code == 200
    assert (moved.json()["stream_id"], moved.json()["starts_at"]) == (
        target.id,
        "2021-12-17T07:00:00Z",
    )
    assert still == before
    assert release.status_code == 201
    assert [change["kinds"] for change in release.json()["changes"]] == [["moved", "retimed"]]
    assert 'data-refresh="1"' in pushed
    assert (after["stream_id"], after["starts_at"]) == (target.id, "2021-12-17T07:00:00Z")
    assert after["ends_at"] == "2021-12-17T07:00:00Z".replace("07:00", after["ends_at"][11:16])


def test_a_draft_with_an_open_conflict_is_published_only_once_it_is_accepted(
    api: TestClient, token: str, demo_database: Database
) -> None:
    headers = _bearer(token)
    opening = api.get(f"{API}/sessions/{_session_id(demo_database, 'OPENING')}").json()
    closing = _session_id(demo_database, "CLOSING")
    api.post(
        f"{API}/sessions/{closing}/move",
        json={"stream_id": opening["stream_id"], "starts_at": opening["starts_at"]},
        headers=headers,
    )

    refused = api.post(f"{API}/publish", json={}, headers=headers)
    conflicts = api.get(f"{API}/draft/conflicts", headers=headers).json()
    accepted = [
        api.post(f"{API}/draft/conflicts/accept", json={"key": c["key"]}, headers=headers)
        for c in conflicts
    ]
    published = api.post(f"{API}/publish", json={}, headers=headers)

    assert refused.status_code == 409
    assert refused.json()["error"].startswith("The draft has 4 open conflicts.")
    assert "stream_overlap" in {c["kind"] for c in conflicts}
    assert {answer.status_code for answer in accepted} == {204}
    assert published.status_code == 201


def test_create_update_retime_and_unschedule_go_through_the_editor(
    api: TestClient, token: str
) -> None:
    headers = _bearer(token)
    stream = api.get(API).json()["streams"][0]["id"]
    created = api.post(
        f"{API}/sessions",
        json={
            "code": "API-PANEL",
            "kind": "panel",
            "title": {"en": "Made by a script"},
            "stream_id": stream,
            "starts_at": "2021-12-16T10:00:00+09:00",
            "ends_at": "2021-12-16T11:00:00+09:00",
        },
        headers=headers,
    )
    path = f"{API}/sessions/{created.json()['id']}"
    again = api.post(
        f"{API}/sessions",
        json={"code": "API-PANEL", "kind": "panel", "title": {"en": "x"}},
        headers=headers,
    )
    renamed = api.patch(path, json={"title": {"fr": "Fait par un script"}}, headers=headers)
    retimed = api.post(f"{path}/retime", json={"duration_minutes": 90}, headers=headers)
    off_grid = api.post(f"{path}/unschedule", headers=headers)
    draft = api.get(created.headers["location"], headers=headers)

    assert created.status_code == 201
    assert again.status_code == 409
    assert again.json()["fields"] == {"code": "A session with this code exists."}
    assert renamed.json()["title"] == {"fr": "Fait par un script"}
    assert retimed.json()["ends_at"] == "2021-12-16T02:30:00Z"
    assert (off_grid.json()["starts_at"], off_grid.json()["ends_at"]) == (None, None)
    assert draft.json() == off_grid.json()


def test_people_and_delegations_can_be_created_changed_and_deleted(
    api: TestClient, token: str
) -> None:
    headers = _bearer(token)
    delegation = api.post(
        f"{API}/delegations",
        json={"slug": "atlantis", "name": {"en": "Atlantis"}, "kind": "multilateral"},
        headers=headers,
    )
    person = api.post(
        f"{API}/people",
        json={
            "slug": "pat-placeholder",
            "full_name": "Pat Placeholder",
            "delegation_id": delegation.json()["id"],
            "delegation_role": "head",
            "email": "pat@example.org",
            "availability": [
                {"starts_at": "2021-12-15T09:00:00+09:00", "ends_at": "2021-12-15T12:00:00+09:00"}
            ],
        },
        headers=headers,
    )
    person_path = person.headers["location"]
    busy_delegation = api.delete(delegation.headers["location"], headers=headers)
    renamed = api.patch(person_path, json={"full_name": "Pat P. Placeholder"}, headers=headers)
    public = api.get(person_path)
    gone = api.delete(person_path, headers=headers)
    after = api.get(person_path)
    emptied = api.delete(delegation.headers["location"], headers=headers)

    assert (delegation.status_code, person.status_code) == (201, 201)
    assert person.json()["availability"] == [
        {"starts_at": "2021-12-15T00:00:00Z", "ends_at": "2021-12-15T03:00:00Z"}
    ]
    assert busy_delegation.status_code == 409
    assert renamed.json()["full_name"] == "Pat P. Placeholder"
    assert public.json()["full_name"] == "Pat P. Placeholder"
    assert "email" not in public.json()
    assert (gone.status_code, after.status_code, emptied.status_code) == (204, 404, 204)


def test_a_person_on_the_programme_cannot_be_deleted(
    api: TestClient, token: str, demo_database: Database
) -> None:
    with demo_database.read() as db:
        person = db.exec(select(Person).where(Person.slug == "aziz-akhannouch")).one()

    answer = api.delete(f"{API}/people/{person.id}", headers=_bearer(token))

    assert answer.status_code == 409
    assert answer.json()["fields"] == {
        "": "Aziz Akhannouch is on the programme: take them off its sessions first."
    }


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"stream_id": "1", "starts_at": "2021-12-15T10:00:00+09:00"}, ["stream_id"]),
        ({"stream_id": 1, "starts_at": "2021-12-15T10:00:00"}, ["starts_at"]),
        ({"stream_id": 1, "starts_at": 1639530000}, ["starts_at"]),
        ({"stream_id": 1, "starts_at": "2021-12-15T10:03:00+09:00"}, ["starts_at"]),
        ({"stream_id": 99999999999, "starts_at": "2021-12-15T10:00:00+09:00"}, ["stream_id"]),
        ({"stream_id": 1, "starts_at": "2021-12-15T10:00:00+09:00", "x": 1}, ["x"]),
        ([], [""]),
    ],
)
def test_bad_input_is_refused_with_the_fields_at_fault(
    api: TestClient, token: str, demo_database: Database, body: object, fields: list[str]
) -> None:
    opening = _session_id(demo_database, "OPENING")

    answer = api.post(f"{API}/sessions/{opening}/move", json=body, headers=_bearer(token))

    assert answer.status_code == 422
    assert sorted(answer.json()["fields"]) == fields
    assert answer.json()["error"]


def test_bad_json_and_bad_filters_are_refused(api: TestClient, token: str) -> None:
    broken = api.post(
        f"{API}/publish",
        content=b"{not json",
        headers={**_bearer(token), "content-type": "application/json"},
    )
    bad_day = api.get(f"{API}/sessions", params={"day": "15/12/2021"})

    assert broken.status_code == 422
    assert bad_day.status_code == 422
    assert bad_day.json()["fields"] == {"day": "Give a date: YYYY-MM-DD."}


def test_another_summits_rows_answer_like_missing_ones(
    api: TestClient, token: str, demo_database: Database
) -> None:
    with demo_database.write() as db:
        other = make_summit(db, slug="other", days=1, streams=1, sessions_per_stream_per_day=1)
        foreign = db.exec(
            select(ProgrammeSession.id).where(ProgrammeSession.summit_id == other.id)
        ).first()
    headers = _bearer(token)

    answers = [
        api.get(f"{API}/sessions/{foreign}").status_code,
        api.get(f"{API}/draft/sessions/{foreign}", headers=headers).status_code,
        api.post(
            f"{API}/sessions/{foreign}/status", json={"status": "live"}, headers=headers
        ).status_code,
        api.get(f"{API}/sessions/2147483648").status_code,
        api.get(f"{API}/sessions/99999999999999999999999").status_code,
    ]

    assert answers == [404, 404, 404, 404, 404]


def test_expired_revoked_and_unknown_tokens_get_401(
    api: TestClient, demo_database: Database
) -> None:
    expired = _token(demo_database, days=1, now=DURING_THE_SUMMIT - timedelta(days=2))
    revoked = _token(demo_database)
    with demo_database.write() as db:
        summit = db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()
        organiser = db.exec(select(Account).where(Account.email == "organiser@example.org")).one()
        row = db.exec(select(ApiToken).order_by(ApiToken.id.desc())).first()  # type: ignore[union-attr]
        assert row is not None and row.id is not None
        revoke_api_token(db, summit=summit, token_id=row.id, by=organiser, now=DURING_THE_SUMMIT)

    answers = [
        api.post(f"{API}/publish", json={}, headers=headers)
        for headers in (
            _bearer(expired),
            _bearer(revoked),
            _bearer("smt_not-a-token"),
            {"authorization": "Basic b3JnYW5pc2VyOnB3"},
            {},
        )
    ]

    assert [answer.status_code for answer in answers] == [401] * 5
    assert all(answer.headers["www-authenticate"].startswith("Bearer") for answer in answers)
    assert all(set(answer.json()) == {"error", "fields"} for answer in answers)


def test_a_delegates_token_gets_403_and_the_refusal_is_audited(
    api: TestClient, demo_database: Database
) -> None:
    delegate = _token(demo_database, "delegate@example.org")

    answer = api.post(f"{API}/publish", json={}, headers=_bearer(delegate))

    assert answer.status_code == 403
    with demo_database.read() as db:
        last = db.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()  # type: ignore[union-attr]
    assert last is not None
    assert (last.action, last.target) == ("permission_denied", f"POST {API}/publish")


def test_a_token_stops_working_when_its_account_stops_being_organiser(
    api: TestClient, token: str, demo_database: Database
) -> None:
    opening = _session_id(demo_database, "OPENING")
    path = f"{API}/sessions/{opening}/status"
    first = api.post(path, json={"status": "live"}, headers=_bearer(token))
    with demo_database.write() as db:
        organiser = db.exec(select(Account).where(Account.email == "organiser@example.org")).one()
        grant = db.exec(
            select(RoleGrant).where(
                RoleGrant.account_id == organiser.id, RoleGrant.role == Role.ORGANISER
            )
        ).one()
        revoke_role(db, grant=grant, by=organiser)

    second = api.post(path, json={"status": "ended"}, headers=_bearer(token))

    assert (first.status_code, second.status_code) == (200, 403)


def test_a_token_without_the_scope_gets_403(api: TestClient, demo_database: Database) -> None:
    people_only = _token(demo_database, scopes=(ApiScope.PEOPLE_WRITE,))

    answer = api.post(f"{API}/publish", json={}, headers=_bearer(people_only))
    allowed = api.delete(f"{API}/delegations/999999", headers=_bearer(people_only))

    assert answer.status_code == 403
    assert answer.json()["error"] == "This token lacks the scope programme:write."
    assert allowed.status_code == 404


def test_a_signed_in_browser_cannot_write_through_the_api(
    demo_app: Starlette, demo_database: Database
) -> None:
    opening = _session_id(demo_database, "OPENING")
    with make_client(demo_app) as browser:
        sign_in(browser, "organiser@example.org")
        answer = browser.post(
            f"{API}/sessions/{opening}/status",
            json={"status": "live"},
            headers={"origin": BASE_URL},
        )

    assert answer.status_code == 401
    with demo_database.read() as db:
        session = db.get(ProgrammeSession, opening)
    assert session is not None and session.status == "scheduled"


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


def test_the_last_use_of_a_token_is_noted(
    api: TestClient, token: str, demo_database: Database
) -> None:
    api.get(f"{API}/draft/changes", headers=_bearer(token))

    with demo_database.read() as db:
        row = db.exec(select(ApiToken)).one()
    assert row.last_used_at == DURING_THE_SUMMIT


def test_delegations_list_heads_and_members(api: TestClient, demo_database: Database) -> None:
    with demo_database.read() as db:
        morocco = db.exec(select(Delegation).where(Delegation.slug == "morocco")).one()
        members = db.exec(select(Person).where(Person.delegation_id == morocco.id)).all()

    answer = api.get(f"{API}/delegations/{morocco.id}").json()

    assert answer["slug"] == "morocco"
    assert sorted(answer["member_ids"]) == sorted(p.id for p in members if p.id is not None)
    assert answer["head_id"] in answer["member_ids"]


def test_streams_and_themes_can_be_created_and_changed(api: TestClient, token: str) -> None:
    headers = _bearer(token)
    stream = api.post(
        f"{API}/streams",
        json={"slug": "side-room", "name": {"en": "Side room"}, "position": 9},
        headers=headers,
    )
    linked = api.patch(
        f"{API}/streams/{stream.json()['id']}",
        json={"stream_url": "https://stream.example.org/side"},
        headers=headers,
    )
    theme = api.post(
        f"{API}/themes",
        json={"slug": "open-data", "name": {"en": "Open data"}, "color": "#112233"},
        headers=headers,
    )
    recoloured = api.patch(
        f"{API}/themes/{theme.json()['id']}", json={"color": "#445566"}, headers=headers
    )
    taken = api.post(
        f"{API}/themes", json={"slug": "open-data", "name": {"en": "Again"}}, headers=headers
    )
    summit = api.get(API).json()

    assert (stream.status_code, theme.status_code, taken.status_code) == (201, 201, 409)
    assert linked.json()["stream_url"] == "https://stream.example.org/side"
    assert recoloured.json()["color"] == "#445566"
    assert "side-room" in [row["slug"] for row in summit["streams"]]
    assert "stream_url" not in summit["streams"][0]
    assert "open-data" in [row["slug"] for row in summit["themes"]]


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
