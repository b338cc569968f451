from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlmodel import select

from summit.agenda.models import PublishedSession, SessionSearch, Summit
from summit.agenda.search import ranked_ids
from summit.auth.models import Account, RoleGrant
from summit.auth.passwords import verify_password
from summit.cli import main
from summit.db import Database, create_db_engine
from summit.settings import Settings


def _create_user(email: str, name: str, summit: str, role: str) -> int:
    return main(
        [
            "create-user",
            *("--email", email, "--name", name, "--summit", summit, "--role", role),
            *("--password-env", "NEW_PASSWORD"),
        ]
    )


@pytest.fixture
def env_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SUMMIT_DATABASE_URL", url)
    monkeypatch.setenv("SUMMIT_ENVIRONMENT", "test")
    return Settings()


def test_migrate_then_seed_loads_the_demo(
    env_database: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate"]) == 0
    assert main(["seed"]) == 0

    out = capsys.readouterr().out
    assert "loaded ogp2021" in out
    database = Database(create_db_engine(env_database))
    with database.read() as db:
        assert [s.slug for s in db.exec(select(Summit)).all()] == ["ogp2021"]
    database.dispose()


def test_seed_refuses_demo_accounts_in_production(
    env_database: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SUMMIT_ENVIRONMENT", "production")
    monkeypatch.setenv("SUMMIT_SECRET_KEY", "p" * 40)

    assert main(["seed"]) == 2
    assert "refused in production" in capsys.readouterr().err


def test_create_user_gives_an_account_a_role(
    env_database: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    main(["migrate"])
    main(["seed", "--no-demo-accounts"])
    monkeypatch.setenv("NEW_PASSWORD", "a-long-enough-password")

    code = _create_user("Chief@Example.org", "Chief Organiser", "ogp2021", "organiser")

    assert code == 0
    database = Database(create_db_engine(env_database))
    with database.read() as db:
        account = db.exec(select(Account)).one()
        roles = db.exec(select(RoleGrant.role)).all()
    database.dispose()
    assert account.email == "chief@example.org"
    assert verify_password("a-long-enough-password", account.password_hash)
    assert roles == ["organiser"]


def test_create_user_refuses_a_short_password(
    env_database: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["migrate"])
    monkeypatch.setenv("NEW_PASSWORD", "short")

    code = _create_user("a@example.org", "A", "ogp2021", "organiser")

    assert code == 2
    assert "at least 10 characters" in capsys.readouterr().err


def test_create_user_refuses_an_unknown_summit(
    env_database: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["migrate"])
    monkeypatch.setenv("NEW_PASSWORD", "a-long-enough-password")

    code = _create_user("a@example.org", "A", "nowhere", "juror")

    assert code == 2
    assert "no summit 'nowhere'" in capsys.readouterr().err


def test_disable_user_ends_the_accounts_sessions(
    env_database: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["migrate"])
    main(["seed"])

    assert main(["disable-user", "--email", "Juror1@example.org"]) == 0
    assert main(["disable-user", "--email", "nobody@example.org"]) == 2

    database = Database(create_db_engine(env_database))
    with database.read() as db:
        account = db.exec(select(Account).where(Account.email == "juror1@example.org")).one()
    database.dispose()
    assert (account.is_active, account.session_version) == (False, 2)
    assert "no account 'nobody@example.org'" in capsys.readouterr().err


def test_reindex_rebuilds_the_search_index_from_the_published_programme(
    env_database: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate"]) == 0
    assert main(["seed"]) == 0
    database = Database(create_db_engine(env_database))
    with database.write() as db:
        published = len(db.exec(select(PublishedSession.id)).all())
        db.exec(delete(SessionSearch))
    capsys.readouterr()

    assert main(["reindex"]) == 0
    assert main(["reindex"]) == 0

    assert (
        capsys.readouterr().out.splitlines()
        == [f"summit: the search index holds {published} published sessions"] * 2
    )
    with database.read() as db:
        summit = db.exec(select(Summit)).one()
        assert len(db.exec(select(SessionSearch.id)).all()) == published
        assert ranked_ids(db, summit=summit, query="african network") != []
    database.dispose()
