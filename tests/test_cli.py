from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlmodel import select
from starlette.testclient import TestClient

from summit.agenda.models import PublishedSession, SessionSearch, Summit
from summit.agenda.search import ranked_ids
from summit.app import create_app
from summit.auth.models import Account, RoleGrant
from summit.auth.passwords import hash_password, verify_password
from summit.auth.services import disable_account
from summit.cli import main, served_url
from summit.db import Database, create_db_engine
from summit.preflight import ConfigurationError, demo_folder
from summit.seeding import enabled_demo_accounts
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


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``summit ARGS`` in a process of its own, with only the ``SUMMIT_*`` settings given."""
    clean = {name: value for name, value in os.environ.items() if not name.startswith("SUMMIT_")}
    return subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-m", "summit.cli", *args],
        env={**clean, "SUMMIT_ENVIRONMENT": "test", **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("summit: ")
    return lines[0]


UNREACHABLE = "postgresql+psycopg://summit:pa55-word-0f-the-db@127.0.0.1:1/nothing"


@pytest.mark.parametrize("command", ["migrate", "seed", "serve"])
@pytest.mark.parametrize(
    ("database_url", "expected"),
    [
        ("not a database address", "SUMMIT_DATABASE_URL is not a database address"),
        ("mysql://summit@127.0.0.1/summit", "needs the Python module 'MySQLdb'"),
        (UNREACHABLE, "cannot reach the database at postgresql+psycopg://summit:***@127.0.0.1:1"),
        ("sqlite:///missing/folder/summit.db", "the folder of the SQLite database does not exist"),
    ],
)
def test_a_database_that_cannot_work_is_one_line_and_no_traceback(
    tmp_path: Path, command: str, database_url: str, expected: str
) -> None:
    result = _run([command], tmp_path, SUMMIT_DATABASE_URL=database_url)

    line = _one_clear_line(result)
    assert expected in line
    assert "pa55-word" not in result.stderr + result.stdout


def test_serving_with_an_unknown_broker_is_one_line(tmp_path: Path) -> None:
    result = _run(["serve"], tmp_path, SUMMIT_BROKER_URL="amqp://127.0.0.1:5672/")

    assert "SUMMIT_BROKER_URL: broker 'amqp' is not available" in _one_clear_line(result)


def test_a_seed_file_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "seed"
    folder.mkdir()
    (folder / "summit.toml").write_bytes('slug = "café"\n'.encode("latin-1"))
    assert _run(["migrate"], tmp_path).returncode == 0

    result = _run(["seed", str(folder), "--no-demo-accounts"], tmp_path)

    line = _one_clear_line(result).replace(
        "summit: the seed was not loaded (nothing changed): ", ""
    )
    assert line == "summit.toml is not UTF-8 text (byte 11 cannot be read): save it as UTF-8"


@pytest.mark.parametrize("command", ["migrate", "serve"])
def test_a_refused_secret_key_is_never_echoed(tmp_path: Path, command: str) -> None:
    secret = "short-but-secret-Zq7"
    result = _run([command], tmp_path, SUMMIT_ENVIRONMENT="production", SUMMIT_SECRET_KEY=secret)

    line = _one_clear_line(result)
    assert "SUMMIT_SECRET_KEY must be set to a random value of at least 32 characters" in line
    output = result.stderr + result.stdout
    assert all(secret[start:] not in output for start in range(len(secret) - 3))


def test_bad_settings_name_each_variable_in_one_line(tmp_path: Path) -> None:
    result = _run(["migrate"], tmp_path, SUMMIT_SESSION_DAYS="forever", SUMMIT_LOG_LEVEL="LOUD")

    line = _one_clear_line(result)
    assert line.startswith("summit: bad settings: SUMMIT_SESSION_DAYS: ")
    assert "; SUMMIT_LOG_LEVEL: " in line and "forever" not in line


PRODUCTION = {
    "SUMMIT_ENVIRONMENT": "production",
    "SUMMIT_SECRET_KEY": "a-production-secret-key-of-enough-length-0123",
    "SUMMIT_BASE_URL": "https://summit.example.org",
}


def test_production_refuses_to_serve_while_demo_accounts_sign_in(
    tmp_path: Path, demo_database_file: Path
) -> None:
    shutil.copyfile(demo_database_file, tmp_path / "summit.db")

    result = _run(["serve"], tmp_path, SUMMIT_DATABASE_URL="sqlite:///summit.db", **PRODUCTION)

    line = _one_clear_line(result)
    assert "production refuses to serve while demo accounts sign in" in line
    assert "organiser@example.org" in line and "summit disable-user --email" in line


def test_demo_accounts_disabled_or_given_a_new_password_are_not_refused(
    demo_database: Database,
) -> None:
    with demo_database.write() as db:
        juror = db.exec(select(Account).where(Account.email == "juror1@example.org")).one()
        disable_account(db, account=juror)
        delegate = db.exec(select(Account).where(Account.email == "delegate@example.org")).one()
        delegate.password_hash = hash_password("a password nobody published")
        db.add(delegate)
    with demo_database.read() as db:
        left = enabled_demo_accounts(db, demo_folder())

    assert left == [
        "delegate2@example.org",
        "juror2@example.org",
        "juror3@example.org",
        "juror4@example.org",
        "organiser@example.org",
        "speaker@example.org",
    ]


def test_the_app_will_not_start_in_production_with_demo_accounts(demo_settings: Settings) -> None:
    settings = demo_settings.model_copy(
        update={"environment": "production", "base_url": "https://summit.example.org"}
    )

    with (
        pytest.raises(ConfigurationError, match="demo accounts"),
        TestClient(create_app(settings), base_url="https://summit.example.org"),
    ):
        pass


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


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "http://127.0.0.1:17100"),
        ("0.0.0.0", "http://localhost:17100"),  # noqa: S104 - the address served, not bound here
        ("::", "http://localhost:17100"),
        ("::1", "http://[::1]:17100"),
        ("summit.local", "http://summit.local:17100"),
    ],
)
def test_the_served_address_is_one_a_browser_here_can_open(host: str, expected: str) -> None:
    assert served_url(host, 17100) == expected
