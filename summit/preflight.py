"""What the ``summit`` command checks before it works: settings it can use, a database it can
reach, and, before serving, a broker and a rate-limit store it knows and (in production) no demo
account that signs in with the published password.

Each problem is a ``ConfigurationError`` whose message is one line, safe to print: it never
holds a secret (not the secret key, not a database password), and the command prints it
instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.exc import ArgumentError, DBAPIError

from summit.db import Database, create_db_engine
from summit.live.broker import BrokerConfigurationError, create_broker
from summit.paths import data_dir
from summit.seedfiles import SeedError
from summit.seeding import enabled_demo_accounts
from summit.settings import Settings
from summit.web.ratelimit import RateLimiter

DEMO_FOLDER = "ogp2021"


class ConfigurationError(Exception):
    """A setting that cannot work, said in one line that holds no secret."""


def read_settings() -> Settings:
    """The settings from the environment, or one line naming every variable that is wrong
    (never its value: it may be the secret key)."""
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigurationError(describe(error)) from None


def describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors(include_url=False, include_input=False, include_context=False):
        where = f"SUMMIT_{str(item['loc'][0]).upper()}" if item["loc"] else "settings"
        problems.append(f"{where}: {item['msg'].removeprefix('Value error, ')}")
    return "bad settings: " + "; ".join(problems)


def open_database(settings: Settings) -> Database:
    """The settings' database, once it has answered."""
    path = settings.sqlite_path
    if path is not None and not path.resolve().parent.is_dir():
        raise ConfigurationError(
            f"the folder of the SQLite database does not exist: {path.resolve().parent} "
            "(create it, or change SUMMIT_DATABASE_URL)"
        )
    try:
        engine = create_db_engine(settings)
    except ArgumentError:
        # Not echoed: an address that does not parse may still hold a password.
        raise ConfigurationError(
            "SUMMIT_DATABASE_URL is not a database address Summit can use: give "
            "sqlite:///path/to/summit.db or postgresql+psycopg://user:password@host:5432/name"
        ) from None
    except ImportError as error:
        raise ConfigurationError(
            f"SUMMIT_DATABASE_URL needs the Python module {error.name!r}, which is not "
            "installed: Summit runs on sqlite:///… or postgresql+psycopg://…"
        ) from None
    try:
        with engine.connect():
            pass
    except DBAPIError as error:
        engine.dispose()
        raise ConfigurationError(
            f"cannot reach the database at {engine.url.render_as_string(hide_password=True)}: "
            f"{_first_line(error.orig)}"
        ) from None
    return Database(engine)


def check_serving(settings: Settings, database: Database) -> None:
    """What ``summit serve`` needs besides the database, checked before it listens."""
    try:
        create_broker(settings.broker_url)
    except BrokerConfigurationError as error:
        raise ConfigurationError(f"SUMMIT_BROKER_URL: {error}") from None
    try:
        RateLimiter(settings.rate_limit_url)
    except ValueError as error:
        raise ConfigurationError(
            f"SUMMIT_RATE_LIMIT_URL: {error}; use memory:// or redis://host:6379/0"
        ) from None
    if settings.environment == "production":
        refuse_demo_accounts(database)


def refuse_demo_accounts(database: Database) -> None:
    """Production serves no demo account that still signs in with the published password."""
    try:
        with database.read() as db:
            found = enabled_demo_accounts(db, demo_folder())
    except SeedError as error:
        raise ConfigurationError(f"the demo's account list cannot be read: {error}") from None
    if found:
        raise ConfigurationError(
            "production refuses to serve while demo accounts sign in with the published demo "
            f"password: {', '.join(found)}; disable each with summit disable-user --email "
            "ADDRESS (or give it another password)"
        )


def demo_folder() -> Path:
    return data_dir("seed") / DEMO_FOLDER


def _first_line(error: BaseException | None) -> str:
    text = str(error).strip() if error is not None else ""
    return text.splitlines()[0] if text else "no answer"
