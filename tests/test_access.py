"""Every route declares who may use it, and answers each kind of caller as the table says."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession, Summit
from summit.auth.forms import AccountInput, RoleInput
from summit.auth.models import Account, Role, RoleGrant
from summit.auth.services import grant_role, upsert_account
from summit.awards.assignment import unassign
from summit.awards.models import Award, JuryAssignment, JuryMember
from summit.db import Database
from summit.people.models import Delegation, Person
from summit.persistence import pk
from summit.web.access import access_of
from tests.access_families import _API, _AWARDS, _CRUD
from tests.access_manage import MANAGE
from tests.access_rules import CALLERS, EMAILS, SIGNED_IN, Expectation
from tests.access_site import SITE
from tests.conftest import BASE_URL, DEMO_PASSWORD, csrf_token, make_client, sign_in
from tests.factories import make_summit

# (method, path as declared) -> (concrete path, form data, expected status per caller)
MATRIX: dict[tuple[str, str], Expectation] = {
    **SITE,
    **MANAGE,
    **_CRUD,
    **_AWARDS,
    **_API,
    # Last, because it ends the session.
    ("POST", "/signout"): ("/signout", {}, {"anonymous": 403, **dict.fromkeys(SIGNED_IN, 303)}),
}
SOCKETS = {"/{slug}/live"}


def _declared(app: Starlette) -> tuple[set[tuple[str, str]], set[str]]:
    pages: set[tuple[str, str]] = set()
    sockets: set[str] = set()
    for route in app.routes:
        if isinstance(route, Route):
            for method in route.methods or ():
                if method != "HEAD":
                    pages.add((method, route.path.replace(":str", "").replace(":int", "")))
        elif isinstance(route, WebSocketRoute):
            sockets.add(route.path.replace(":str", ""))
    return pages, sockets


def test_every_route_declares_who_may_use_it(demo_app: Starlette) -> None:
    undeclared = [
        getattr(route, "path", route)
        for route in demo_app.routes
        if isinstance(route, Route | WebSocketRoute) and access_of(route.endpoint) is None
    ]
    mounts = [route.name for route in demo_app.routes if isinstance(route, Mount)]

    assert undeclared == []
    assert mounts == ["static"]  # public files, nothing else mounted


def test_the_access_table_lists_every_route(demo_app: Starlette) -> None:
    pages, sockets = _declared(demo_app)

    assert sorted(pages - set(MATRIX)) == []
    assert sorted(set(MATRIX) - pages) == []
    assert sockets == SOCKETS


@pytest.fixture
def matrix_app(demo_app: Starlette, demo_database: Database) -> Starlette:
    """The demo, plus a second summit whose organiser must get nothing in the first."""
    with demo_database.write() as db:
        other = make_summit(db, slug="other", days=1, streams=1, sessions_per_stream_per_day=1)
        account = upsert_account(
            db,
            data=AccountInput(
                email=EMAILS["other_organiser"],
                display_name="Other Organiser",
                password=DEMO_PASSWORD,
            ),
        )
        grant_role(db, summit=other, account=account, data=RoleInput(role=Role.ORGANISER))
        juror = db.exec(select(Account).where(Account.email == EMAILS["juror"])).one()
        given = db.exec(
            select(JuryAssignment)
            .join(JuryMember, col(JuryMember.id) == JuryAssignment.jury_member_id)
            .where(JuryAssignment.submission_id == 1, JuryMember.account_id == juror.id)
        ).all()
        award = db.exec(select(Award)).one()
        for assignment in given:
            unassign(db, award=award, assignment_id=pk(assignment))
    return demo_app


def _juror4_grant(database: Database) -> int:
    with database.read() as db:
        summit = db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()
        grant = db.exec(
            select(RoleGrant)
            .join(Account)
            .where(Account.email == "juror4@example.org", RoleGrant.summit_id == summit.id)
        ).one()
    assert grant.id is not None
    return grant.id


@pytest.fixture
def caller_client(
    request: pytest.FixtureRequest, matrix_app: Starlette
) -> Iterator[tuple[str, TestClient]]:
    caller: str = request.param
    with make_client(matrix_app) as client:
        if caller != "anonymous":
            sign_in(client, EMAILS[caller])
        yield caller, client


@pytest.mark.parametrize("caller_client", CALLERS, indirect=True)
def test_each_caller_gets_what_the_table_says(
    caller_client: tuple[str, TestClient], demo_database: Database
) -> None:
    caller, client = caller_client
    grant = _juror4_grant(demo_database)
    with demo_database.read() as db:
        opening = db.exec(
            select(ProgrammeSession.id).where(ProgrammeSession.code == "OPENING")
        ).one()
        closing = db.exec(
            select(ProgrammeSession.id).where(ProgrammeSession.code == "CLOSING")
        ).one()
        speaker = db.exec(select(Person.id).where(Person.slug == "aziz-akhannouch")).one()
        delegation = db.exec(select(Delegation.id).where(Delegation.slug == "morocco")).one()
    answers: dict[tuple[str, str], int] = {}
    expected: dict[tuple[str, str], int] = {}

    for (method, declared), (path, data, statuses) in MATRIX.items():
        concrete = path.format(
            juror4_grant=grant,
            opening=opening,
            closing=closing,
            speaker=speaker,
            delegation=delegation,
        )
        if method == "GET":
            response = client.get(concrete, follow_redirects=False)
        else:
            response = client.request(
                method,
                concrete,
                data={**data, "csrf_token": csrf_token(client, "/signin")},
                headers={"origin": BASE_URL},
                follow_redirects=False,
            )
        answers[(method, declared)] = response.status_code
        expected[(method, declared)] = statuses[caller]

    assert answers == expected


def test_anonymous_callers_of_a_private_page_are_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/ogp2021/manage/audit?x=1", follow_redirects=False)

    assert response.headers["location"] == "/signin?next=/ogp2021/manage/audit%3Fx%3D1"


def test_a_grant_of_another_summit_answers_like_a_missing_one(
    matrix_app: Starlette, demo_database: Database
) -> None:
    with demo_database.read() as db:
        other = db.exec(select(Summit).where(Summit.slug == "other")).one()
        foreign = db.exec(select(RoleGrant).where(RoleGrant.summit_id == other.id)).one()
    with make_client(matrix_app) as client:
        sign_in(client, EMAILS["organiser"])
        token = csrf_token(client, "/signin")
        headers = {"origin": BASE_URL}

        foreign_answer = client.post(
            f"/ogp2021/manage/members/{foreign.id}/revoke",
            data={"csrf_token": token},
            headers=headers,
        )
        missing_answer = client.post(
            "/ogp2021/manage/members/999999/revoke", data={"csrf_token": token}, headers=headers
        )

    assert (foreign_answer.status_code, missing_answer.status_code) == (404, 404)
    # The same page; only the links back to the current address (preferences) differ.
    foreign_page = foreign_answer.text.replace(f"/members/{foreign.id}/revoke", "/members/X/revoke")
    missing_page = missing_answer.text.replace("/members/999999/revoke", "/members/X/revoke")
    assert foreign_page == missing_page


def test_refusals_of_signed_in_callers_are_audited(
    matrix_app: Starlette, demo_database: Database
) -> None:
    with make_client(matrix_app) as client:
        sign_in(client, EMAILS["delegate"])
        client.get("/ogp2021/manage/audit")

    with demo_database.read() as db:
        from summit.auth.models import AuditEntry

        last = db.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()  # type: ignore[union-attr]
    assert last is not None
    assert (last.action, last.target) == ("permission_denied", "GET /ogp2021/manage/audit")
