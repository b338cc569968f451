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


@pytest.fixture
def judging_server(live_server: str, tmp_path: Path) -> tuple[str, int]:
    """The live server's demo, with judging open until long after today."""
    database = Database(create_db_engine(sqlite_settings(tmp_path / "live.db")))
    with database.write() as db:
        award = open_judging(db)
        award.scoring_closes_at = datetime(2100, 1, 1, tzinfo=UTC)
        submission = db.exec(select(Submission).where(Submission.code == "KE-RIVERSIDE")).one()
        submission_id = pk(submission)
    database.dispose()
    return live_server, submission_id


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
