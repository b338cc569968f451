"""A real uvicorn server with the demo summit, and headless Chromium to drive it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import sqlite_settings
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
