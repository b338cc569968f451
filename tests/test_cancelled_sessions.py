"""A cancelled session is unmistakable: said in words and shown by more than colour, on its page
and in every list, and nothing offers to put it in a calendar or an agenda."""

from __future__ import annotations

import re

from sqlmodel import select
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession
from summit.db import Database
from summit.paths import data_dir
from tests.conftest import another_browser, htmx_post, sign_in
from tests.crawl import visible_text


def _cancel(organiser: TestClient, database: Database, code: str) -> int:
    with database.read() as db:
        session_id = db.exec(select(ProgrammeSession.id).where(ProgrammeSession.code == code)).one()
    assert session_id is not None
    response = htmx_post(
        organiser, f"/ogp2021/manage/sessions/{session_id}/status", {"status": "cancelled"}
    )
    assert response.status_code == 204
    return session_id


def _card(page: str, session_id: int) -> str:
    found = re.search(
        rf'<div class="session-card-wrap">\s*<article [^>]*id="session-{session_id}".*?</article>'
        r".*?(?=<div class=\"session-card-wrap\">|</section>|</div>\s*</section>)",
        page,
        re.S,
    )
    assert found is not None, f"no card for session {session_id}"
    return found.group(0)


def test_a_cancelled_sessions_page_says_so_and_offers_no_calendar(
    organiser: TestClient, demo_database: Database
) -> None:
    session_id = _cancel(organiser, demo_database, "INTEGRITY-PANDEMIC")

    page = organiser.get(f"/ogp2021/sessions/{session_id}").text

    assert "Cancelled: this session will not take place." in visible_text(page)
    assert "session-page--cancelled" in page
    assert f"/sessions/{session_id}.ics" not in page
    assert "Add to my calendar" not in page


def test_a_session_that_goes_on_still_offers_its_calendar(
    organiser: TestClient, demo_database: Database
) -> None:
    with demo_database.read() as db:
        session_id = db.exec(
            select(ProgrammeSession.id).where(ProgrammeSession.code == "INTEGRITY-PANDEMIC")
        ).one()

    page = organiser.get(f"/ogp2021/sessions/{session_id}").text

    assert f"/sessions/{session_id}.ics" in page
    assert "will not take place" not in page


def test_lists_mark_a_cancelled_session_and_offer_no_agenda(
    organiser: TestClient, demo_database: Database
) -> None:
    session_id = _cancel(organiser, demo_database, "INTEGRITY-PANDEMIC")

    delegate = another_browser(organiser)
    sign_in(delegate, "delegate2@example.org")
    pages = {
        path: delegate.get(f"{path}?lang=en").text
        for path in ("/ogp2021/programme", "/ogp2021/speakers/thandi-example")
    }

    for path, page in pages.items():
        card = _card(page, session_id)
        assert "session-card--cancelled" in card, path
        assert "Cancelled" in visible_text(card), path
        assert "follow-control" not in card, path
        assert f"/sessions/{session_id}.ics" not in card, path
    # Sessions that go on keep their button.
    assert pages["/ogp2021/programme"].count("follow-control") > 10


def test_cancelled_is_shown_by_more_than_colour() -> None:
    css = (data_dir("static") / "css" / "summit.css").read_text()

    rules = dict(re.findall(r"([^{}]*session-card--cancelled[^{}]*)\{([^}]*)\}", css))

    assert any("line-through" in body for body in rules.values())
    assert any("dashed" in body for body in rules.values())
