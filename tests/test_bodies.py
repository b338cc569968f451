from __future__ import annotations

import re
from datetime import date

from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.auth.models import AuditEntry
from summit.bodies.models import Body, BodyMember, SeatKind
from summit.db import Database
from summit.people.models import Delegation
from tests.conftest import choose_english, csrf_token, htmx_post, post_form
from tests.test_queries import count_queries

SC = "/ogp2021/bodies/steering-committee"
NETWORK = "/ogp2021/bodies/african-open-government-network"


def _body(database: Database, slug: str) -> Body:
    with database.read() as db:
        return db.exec(select(Body).where(Body.slug == slug)).one()


def _seats(database: Database, slug: str) -> list[tuple[str | None, BodyMember]]:
    with database.read() as db:
        rows = db.exec(
            select(Delegation.slug, BodyMember)
            .join(Body, col(Body.id) == BodyMember.body_id)
            .join(Delegation, col(Delegation.id) == BodyMember.delegation_id, isouter=True)
            .where(Body.slug == slug)
            .order_by(col(BodyMember.position))
        ).all()
        return [(slug_, member) for slug_, member in rows]


def test_demo_steering_committee_has_22_seats_with_the_five_named_members(
    demo_database: Database,
) -> None:
    seats = _seats(demo_database, "steering-committee")

    named = [(slug, m.term_from, m.term_to) for slug, m in seats if slug is not None]
    assert len(seats) == 22
    assert named == [
        (slug, date(2021, 10, 1), date(2024, 9, 30))
        for slug in ["morocco", "united-kingdom", "korea", "estonia", "nigeria"]
    ]
    assert all(m.is_placeholder for slug, m in seats if slug is None)
    assert {m.seat_kind for _, m in seats} == set(SeatKind)


def test_demo_network_has_its_seven_founders(demo_database: Database) -> None:
    seats = _seats(demo_database, "african-open-government-network")

    assert [slug for slug, _ in seats] == [
        "morocco",
        "nigeria",
        "cote-divoire",
        "burkina-faso",
        "kenya",
        "south-africa",
        "tunisia",
    ]
    assert not any(m.is_placeholder for _, m in seats)


def test_body_page_shows_members_terms_and_the_linked_session(client: TestClient) -> None:
    choose_english(client)

    network = client.get(NETWORK)
    committee = client.get(SC)

    assert network.status_code == 200
    assert "Launch of the African Open Government Network" in network.text
    assert network.text.count('id="seat-') == 7
    assert committee.text.count('id="seat-') == 22
    assert "October 1, 2021 to September 30, 2024" in committee.text
    assert committee.text.count("fictional placeholder") == 17


def test_bodies_list_links_both_bodies(client: TestClient) -> None:
    choose_english(client)

    page = client.get("/ogp2021/bodies")

    assert page.status_code == 200
    assert f'href="{SC}"' in page.text
    assert f'href="{NETWORK}"' in page.text


def test_unknown_body_is_404(client: TestClient) -> None:
    assert client.get("/ogp2021/bodies/no-such-body").status_code == 404


def test_delegation_page_shows_its_memberships(client: TestClient) -> None:
    choose_english(client)

    morocco = client.get("/ogp2021/delegations/morocco").text
    kenya = client.get("/ogp2021/delegations/kenya").text

    assert 'id="membership-steering-committee"' in morocco
    assert 'id="membership-african-open-government-network"' in morocco
    assert 'id="membership-steering-committee"' not in kenya
    assert 'id="membership-african-open-government-network"' in kenya


def _members_path(database: Database, slug: str) -> str:
    return f"/ogp2021/manage/bodies/{_body(database, slug).id}/members"


def test_organiser_adds_a_seat_and_it_is_audited(
    organiser: TestClient, demo_database: Database
) -> None:
    path = _members_path(demo_database, "african-open-government-network")
    with demo_database.read() as db:
        ghana = db.exec(select(Delegation).where(Delegation.slug == "estonia")).one()

    response = post_form(
        organiser,
        path,
        {
            "delegation_id": str(ghana.id),
            "seat_kind": "government",
            "role": "co_chair",
            "term_from": "2022-01-01",
            "term_to": "2023-12-31",
            "position": "8",
        },
        token_from=path,
    )

    assert response.status_code == 303
    seats = _seats(demo_database, "african-open-government-network")
    assert [(s, m.role) for s, m in seats][-1] == ("estonia", "co_chair")
    with demo_database.read() as db:
        actions = db.exec(select(AuditEntry.action).order_by(col(AuditEntry.id).desc())).first()
    assert actions == "body_member_saved"


def test_refused_seat_shows_every_error_beside_its_field_and_saves_nothing(
    organiser: TestClient, demo_database: Database
) -> None:
    path = _members_path(demo_database, "african-open-government-network")

    response = htmx_post(
        organiser,
        path,
        {
            "delegation_id": "x",
            "seat_kind": "government",
            "role": "member",
            "term_from": "2022-13-01",
            "term_to": "",
            "position": "-3",
        },
        token_from=path,
    )

    assert response.status_code == 422
    assert set(re.findall(r'class="field-error" id="([a-z_]+)-error"', response.text)) == {
        "delegation_id",
        "term_from",
        "position",
    }
    assert len(_seats(demo_database, "african-open-government-network")) == 7


def test_seat_needs_a_delegation_or_an_organisation_and_a_term_in_order(
    organiser: TestClient, demo_database: Database
) -> None:
    path = _members_path(demo_database, "steering-committee")

    response = htmx_post(
        organiser,
        path,
        {"seat_kind": "civil_society", "role": "member", "term_from": "2022-01-01"},
        token_from=path,
    )
    reversed_term = htmx_post(
        organiser,
        path,
        {
            "organisation_en": "Example Watch (fictional)",
            "seat_kind": "civil_society",
            "role": "member",
            "term_from": "2022-01-01",
            "term_to": "2021-01-01",
        },
        token_from=path,
    )

    assert response.status_code == 422
    assert "Choose a delegation, or name an organisation, not both." in response.text
    assert 'id="delegation_id-error"' in response.text
    assert reversed_term.status_code == 422
    assert 'id="term_to-error"' in reversed_term.text
    assert len(_seats(demo_database, "steering-committee")) == 22


def test_a_delegation_holds_one_seat_per_body(
    organiser: TestClient, demo_database: Database
) -> None:
    path = _members_path(demo_database, "steering-committee")
    morocco = _seats(demo_database, "steering-committee")[0][1]

    response = htmx_post(
        organiser,
        path,
        {
            "delegation_id": str(morocco.delegation_id),
            "seat_kind": "government",
            "role": "member",
            "term_from": "2022-01-01",
        },
        token_from=path,
    )

    assert response.status_code == 422
    assert 'id="delegation_id-error"' in response.text


def test_organiser_removes_a_seat(organiser: TestClient, demo_database: Database) -> None:
    path = _members_path(demo_database, "steering-committee")
    last = _seats(demo_database, "steering-committee")[-1][1]

    response = post_form(organiser, f"{path}/{last.id}/remove", {}, token_from=path)

    assert response.status_code == 303
    assert len(_seats(demo_database, "steering-committee")) == 21


def test_seat_of_another_body_is_404(organiser: TestClient, demo_database: Database) -> None:
    path = _members_path(demo_database, "steering-committee")
    other = _seats(demo_database, "african-open-government-network")[0][1]

    assert organiser.get(f"{path}/{other.id}").status_code == 404


def test_organiser_links_sessions_by_code_and_unknown_codes_are_refused(
    organiser: TestClient, demo_database: Database
) -> None:
    body = _body(demo_database, "african-open-government-network")
    path = f"/ogp2021/manage/bodies/{body.id}"
    form = {
        "kind": "network",
        "name_en": "African Open Government Network",
        "name_fr": "",
        "name_ar": "",
        "description_en": "",
        "description_fr": "",
        "description_ar": "",
        "seats": "",
    }

    refused = htmx_post(organiser, path, {**form, "sessions": "NO-SUCH"}, token_from=path)
    saved = post_form(organiser, path, {**form, "sessions": "opening"}, token_from=path)

    assert refused.status_code == 422
    assert "NO-SUCH" in refused.text
    assert saved.status_code == 303
    page = organiser.get(NETWORK).text
    assert "Launch of the African Open Government Network" not in page.split("<h2")[-1]


def test_seat_pages_are_for_organisers_only(client: TestClient, demo_database: Database) -> None:
    path = _members_path(demo_database, "steering-committee")
    token = csrf_token(client, "/signin")

    page = client.get(path, follow_redirects=False)
    post = client.post(
        path,
        data={"csrf_token": token, "seat_kind": "government"},
        headers={"origin": "http://127.0.0.1:8000"},
        follow_redirects=False,
    )

    assert page.status_code in {302, 303}
    assert post.status_code in {302, 303, 403}
    assert len(_seats(demo_database, "steering-committee")) == 22


def _page_queries(database: Database, client: TestClient, path: str, seats: int) -> int:
    with database.write() as db:
        body = db.exec(select(Body).where(Body.slug == "african-open-government-network")).one()
        members = db.exec(select(BodyMember).where(BodyMember.body_id == body.id)).all()
        for member in members[seats:]:
            db.delete(member)
    client.get(path)  # the programme cache and templates warm
    with count_queries(database.engine) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_body_page_runs_the_same_queries_for_one_seat_or_three(
    client: TestClient, demo_app: Starlette
) -> None:
    database = demo_app.state.db  # the app's own engine, whose statements are counted

    three = _page_queries(database, client, NETWORK, 3)
    one = _page_queries(database, client, NETWORK, 1)

    assert one == three
