"""API tokens: made on the command line or the organisers' page, listed, revoked, audited."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from summit.auth.models import ApiToken, AuditEntry
from summit.cli import main
from summit.db import Database
from summit.settings import Settings
from tests.conftest import post_form


def test_an_organiser_makes_a_token_on_the_page_and_sees_it_once(
    organiser: TestClient, demo_database: Database
) -> None:
    made = post_form(
        organiser,
        "/ogp2021/manage/tokens",
        {"name": "Stage screen", "scope": "programme:write", "days": "10"},
        token_from="/ogp2021/manage/tokens",
    )
    shown = re.search(r'readonly value="(smt_[^"]+)"', made.text)
    listing = organiser.get("/ogp2021/manage/tokens")

    assert made.status_code == 200
    assert shown is not None
    assert shown.group(1) not in listing.text
    assert "Stage screen" in listing.text
    with demo_database.read() as db:
        row = db.exec(select(ApiToken)).one()
    assert (row.name, row.scopes) == ("Stage screen", ["programme:write"])
    assert row.token_hash != shown.group(1) and len(row.token_hash) == 64
    answer = organiser.get(
        "/api/v1/summits/ogp2021/draft/changes",
        headers={"authorization": f"Bearer {shown.group(1)}"},
    )
    assert answer.status_code == 200


def test_a_token_needs_a_scope(organiser: TestClient) -> None:
    answer = post_form(
        organiser, "/ogp2021/manage/tokens", {"name": "x"}, token_from="/ogp2021/manage/tokens"
    )

    assert answer.status_code == 422
    assert "Choose at least one scope." in answer.text


def test_revoking_a_token_stops_it_and_is_audited(
    organiser: TestClient, demo_database: Database
) -> None:
    made = post_form(
        organiser,
        "/ogp2021/manage/tokens",
        {"name": "Old script", "scope": "people:write"},
        token_from="/ogp2021/manage/tokens",
    )
    shown = re.search(r'readonly value="(smt_[^"]+)"', made.text)
    assert shown is not None
    with demo_database.read() as db:
        row = db.exec(select(ApiToken)).one()

    revoked = post_form(
        organiser, f"/ogp2021/manage/tokens/{row.id}/revoke", {}, token_from="/ogp2021/manage/"
    )
    answer = organiser.delete(
        "/api/v1/summits/ogp2021/delegations/999999",
        headers={"authorization": f"Bearer {shown.group(1)}"},
    )

    assert revoked.status_code == 303
    assert answer.status_code == 401
    with demo_database.read() as db:
        actions = db.exec(
            select(AuditEntry.action).where(AuditEntry.target == f"api_token:{row.id}")
        ).all()
    assert sorted(actions) == ["api_token_issued", "api_token_revoked"]
    assert "Revoked" in organiser.get("/ogp2021/manage/tokens").text


def test_revoking_without_the_csrf_token_is_refused(
    organiser: TestClient, demo_database: Database
) -> None:
    post_form(
        organiser,
        "/ogp2021/manage/tokens",
        {"name": "Kept", "scope": "people:write"},
        token_from="/ogp2021/manage/tokens",
    )
    with demo_database.read() as db:
        row = db.exec(select(ApiToken)).one()

    answer = organiser.post(f"/ogp2021/manage/tokens/{row.id}/revoke", data={})

    assert answer.status_code == 403
    with demo_database.read() as db:
        assert db.exec(select(ApiToken)).one().revoked_at is None


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("SUMMIT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("SUMMIT_ENVIRONMENT", "test")
    assert main(["migrate"]) == 0
    assert main(["seed"]) == 0
    return Settings()


def test_the_command_line_prints_a_token_once_for_an_organiser(
    seeded: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code = main(
        [
            "token",
            "create",
            *("--email", "organiser@example.org", "--summit", "ogp2021"),
            *("--scope", "programme:write", "--scope", "people:write", "--days", "7"),
        ]
    )
    printed = capsys.readouterr()

    assert code == 0
    assert re.fullmatch(r"smt_[A-Za-z0-9_-]{43}\n", printed.out)
    assert "people:write, programme:write" in printed.err


def test_the_command_line_refuses_a_token_for_a_delegate(
    seeded: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "token",
            "create",
            *("--email", "delegate@example.org", "--summit", "ogp2021"),
            *("--scope", "programme:write"),
        ]
    )

    assert code == 2
    assert "not an active organiser" in capsys.readouterr().err
