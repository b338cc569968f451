"""The session form (summit/agenda/session_form_routes.py): a refused form says every problem at
once, beside its field and in a summary at its top; a new session cannot take another's code."""

from __future__ import annotations

import re

from sqlmodel import select
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession
from summit.db import Database
from tests.conftest import htmx_post

REFUSED = {
    "code": "OPENING",
    "kind": "panel",
    "title_en": "",
    "day": "2021-12-15",
    "start_time": "25:99",
    "duration": "60",
}


def _summary(page: str) -> list[tuple[str, str]]:
    """The summary's links: (the id of the message beside the field, the link's words)."""
    block = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'<li><a href="#([\w-]+)">([^<]+)</a></li>', block)


def test_a_refused_session_shows_every_error_beside_its_field_and_in_the_summary(
    organiser: TestClient,
) -> None:
    response = htmx_post(organiser, "/ogp2021/manage/sessions/new", REFUSED)

    assert response.status_code == 422
    summary = _summary(response.text)
    assert [target for target, _words in summary] == [
        "code-error",
        "title-error",
        "start_time-error",
    ]
    assert summary[0][1].startswith("Code: Another session already has the code OPENING")
    for target, _words in summary:
        assert f'<p class="field-error" id="{target}">' in response.text
    assert 'id="code" name="code" required maxlength="64" value="OPENING" aria-invalid="true"' in (
        response.text
    )


def test_a_new_session_may_not_take_an_existing_code(
    organiser: TestClient, demo_database: Database
) -> None:
    with demo_database.read() as db:
        before = db.exec(select(ProgrammeSession).where(ProgrammeSession.code == "OPENING")).one()

    response = htmx_post(
        organiser,
        "/ogp2021/manage/sessions/new",
        {"code": "opening", "kind": "panel", "title_en": "Overwritten?", "duration": "60"},
    )

    with demo_database.read() as db:
        after = db.exec(select(ProgrammeSession).where(ProgrammeSession.code == "OPENING")).one()
    assert response.status_code == 422
    assert _summary(response.text) == [
        ("code-error", "Code: Another session already has the code OPENING: choose another.")
    ]
    assert (after.title, after.revision) == (before.title, before.revision)


def test_a_valid_form_shows_no_summary(organiser: TestClient) -> None:
    page = organiser.get("/ogp2021/manage/sessions/new")

    assert page.status_code == 200
    assert "error-summary" not in page.text
    assert page.text.count('class="language-fields"') == 2
