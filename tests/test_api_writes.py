"""The JSON API's writes: organisers' changes go through the editor's services (drafts, publication,
conflicts), reach open pages live, and bad input or another summit's rows are refused in JSON."""

from __future__ import annotations

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession, Stream
from summit.db import Database
from summit.people.models import Person
from tests.api_support import API, WS, _bearer, _session_id
from tests.conftest import BASE_URL
from tests.factories import make_summit


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
