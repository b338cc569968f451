"""An organiser invites a speaker from the people list; the invitation arrives by mail at a real
SMTP server; the speaker follows its link, sets a password, writes their Arabic biography and
confirms a session; the organiser sees the confirmation arrive in the open schedule editor."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from summit.agenda.models import ProgrammeSession, SessionPerson
from summit.db import Database, create_db_engine
from summit.people.models import Person
from tests.browser.helpers import choose_english, sign_in, wait_until_live, watch_for_problems
from tests.conftest import sqlite_settings
from tests.mailbox import SmtpServer, smtp_server, wait_until
from tests.servers import serving

pytestmark = pytest.mark.browser

SPEAKER_EMAIL = "samira.speaker@example.org"
LINK = re.compile(r"http://127\.0\.0\.1:\d+/invite/[A-Za-z0-9_\-]+")


@pytest.fixture
def mailing_server(tmp_path: Path, demo_database_file: Path) -> Iterator[tuple[str, SmtpServer]]:
    """``summit serve`` on a copy of the demo, sending its mail to an SMTP server of ours."""
    database = tmp_path / "live.db"
    shutil.copyfile(demo_database_file, database)
    with (
        smtp_server() as smtp,
        serving(
            sqlite_settings(database).database_url,
            tmp_path / "server.log",
            environment={
                "SUMMIT_MAIL_URL": smtp.url,
                "SUMMIT_MAIL_POLL_SECONDS": "0.1",
                "SUMMIT_UPLOAD_DIR": str(tmp_path / "uploads"),
            },
        ) as address,
    ):
        yield address, smtp


def _first_session(tmp_path: Path) -> tuple[int, int, str]:
    """Samira Exemple's id, her first session's id, and that session's day (summit time)."""
    database = Database(create_db_engine(sqlite_settings(tmp_path / "live.db")))
    try:
        with database.read() as db:
            samira = db.exec(select(Person).where(Person.slug == "samira-exemple")).one()
            session = db.exec(
                select(ProgrammeSession)
                .join(SessionPerson, col(SessionPerson.session_id) == ProgrammeSession.id)
                .where(SessionPerson.person_id == samira.id)
                .order_by(col(ProgrammeSession.starts_at))
            ).first()
            assert samira.id is not None and session is not None and session.id is not None
            assert session.starts_at is not None
            day = session.starts_at.astimezone(ZoneInfo("Asia/Seoul")).date().isoformat()
            return samira.id, session.id, day
    finally:
        database.dispose()


def test_an_invited_speaker_writes_in_arabic_and_confirms(
    chromium: Any, mailing_server: tuple[str, SmtpServer], tmp_path: Path
) -> None:
    base, smtp = mailing_server
    person_id, session_id, day = _first_session(tmp_path)

    organiser = chromium.new_context(locale="en-GB").new_page()
    problems = watch_for_problems(organiser)
    choose_english(organiser, base)
    sign_in(organiser, base, "organiser@example.org", "/ogp2021/manage/people")
    organiser.locator(f"#people-{person_id} a", has_text="Invite as speaker").click()
    organiser.wait_for_url(re.compile(r".*/manage/invitations\?.*"))
    organiser.fill("#email", SPEAKER_EMAIL)
    organiser.click("#invitation-panel button[type=submit]")
    organiser.locator("#invitation-panel .form-success").wait_for()

    wait_until(lambda: len(smtp.inbox.messages) == 1, "the invitation mail")
    message = smtp.inbox.messages[0]
    assert message["To"] == SPEAKER_EMAIL
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    found = LINK.search(body.get_content())
    assert found is not None

    # The organiser keeps the schedule editor open on the session's day.
    organiser.goto(f"{base}/ogp2021/manage/schedule?day={day}")
    wait_until_live(organiser)
    organiser.evaluate("() => { window.notReloaded = true; }")
    card = organiser.locator(f"#draft-{session_id}")
    unanswered = card.locator(".badge--confirmed").count()

    speaker = chromium.new_context(locale="ar", viewport={"width": 390, "height": 844}).new_page()
    problems += watch_for_problems(speaker)
    speaker.goto(found.group(0))
    speaker.fill("#display_name", "سميرة")
    speaker.fill("#password", "a-speaker-password-2021")
    speaker.fill("#confirm", "a-speaker-password-2021")
    speaker.locator("form", has=speaker.locator("#display_name")).locator(
        "button[type=submit]"
    ).click()
    speaker.wait_for_url(f"{base}/ogp2021/me")
    assert speaker.get_attribute("html", "dir") == "rtl"
    speaker.fill("#bio_ar", "سيرة كتبتها المتحدثة بنفسها.")
    speaker.click("#profile-form button[type=submit]")
    speaker.wait_for_url(f"{base}/ogp2021/me?saved=1")
    speaker.click(f"#place-{session_id} button[value=confirmed]")
    speaker.wait_for_url(f"{base}/ogp2021/me?saved=1")
    speaker.locator(f"#place-{session_id} .badge--confirmed").wait_for()
    speaker.goto(f"{base}/ogp2021/speakers/samira-exemple")
    biography = speaker.locator(".person__bio").inner_text()

    # The confirmation reaches the open editor, with no reload.
    card.locator(".badge--confirmed").wait_for()
    confirmed = card.locator(".badge--confirmed").inner_text()

    assert "سيرة كتبتها المتحدثة بنفسها." in biography
    assert (unanswered, confirmed) == (0, "✓ 1 confirmed")
    assert organiser.evaluate("() => window.notReloaded === true")
    assert problems == []
