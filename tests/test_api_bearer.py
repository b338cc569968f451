"""Who may write through the JSON API: expired, revoked and unknown tokens get 401; a delegate's
token, a token without the scope and a signed-in browser get 403 (audited); a token stops working
with its account's role, and its last use is noted."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession, Summit
from summit.auth.api_tokens import ApiScope, revoke_api_token
from summit.auth.models import Account, ApiToken, AuditEntry, Role, RoleGrant
from summit.auth.services import revoke_role
from summit.db import Database
from tests.api_support import API, _bearer, _session_id, _token
from tests.conftest import BASE_URL, DURING_THE_SUMMIT, make_client, sign_in


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


def test_the_last_use_of_a_token_is_noted(
    api: TestClient, token: str, demo_database: Database
) -> None:
    api.get(f"{API}/draft/changes", headers=_bearer(token))

    with demo_database.read() as db:
        row = db.exec(select(ApiToken)).one()
    assert row.last_used_at == DURING_THE_SUMMIT
