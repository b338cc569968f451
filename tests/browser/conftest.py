"""A real uvicorn server with the demo summit, and headless Chromium to drive it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from summit.awards.models import Submission
from summit.db import Database, create_db_engine
from summit.persistence import pk
from tests.conftest import sqlite_settings
from tests.jury import open_judging
from tests.servers import serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def live_server(tmp_path: Path, demo_database_file: Path) -> Iterator[str]:
    """``summit serve`` in its own process, on a free port, with a fresh copy of the demo."""
    database = tmp_path / "live.db"
    shutil.copyfile(demo_database_file, database)
    with serving(sqlite_settings(database).database_url, tmp_path / "server.log") as address:
        yield address


def open_judging_until_2100(database_file: Path) -> int:
    """Open the demo's judging in ``database_file`` until long after today; the id of the
    submission the tests score."""
    database = Database(create_db_engine(sqlite_settings(database_file)))
    with database.write() as db:
        award = open_judging(db)
        award.scoring_closes_at = datetime(2100, 1, 1, tzinfo=UTC)
        submission = db.exec(select(Submission).where(Submission.code == "KE-RIVERSIDE")).one()
        submission_id = pk(submission)
    database.dispose()
    return submission_id


@pytest.fixture
def judging_server(live_server: str, tmp_path: Path) -> tuple[str, int]:
    """The live server's demo, with judging open until long after today."""
    return live_server, open_judging_until_2100(tmp_path / "live.db")


@pytest.fixture(scope="module")
def reading_server(
    tmp_path_factory: pytest.TempPathFactory, demo_database_file: Path
) -> Iterator[tuple[str, int]]:
    """One server, with judging open, for a module whose tests only read pages (signing in
    aside): it starts once, not once a test."""
    folder = tmp_path_factory.mktemp("reading")
    shutil.copyfile(demo_database_file, folder / "live.db")
    submission_id = open_judging_until_2100(folder / "live.db")
    with serving(
        sqlite_settings(folder / "live.db").database_url, folder / "server.log"
    ) as address:
        yield address, submission_id


# Module scope: Playwright's sync API runs an event loop in this thread while it is open, which
# must be closed again before other tests start their own.
@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium at /usr/bin/chromium (.ci/run installs it)")
        pytest.skip("no Chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()
