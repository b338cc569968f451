"""A delegate's agenda: following sessions from every page that shows them, and an open "My
agenda" page kept current over its socket by blocks that are the same for everyone."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession
from summit.db import Database
from tests.conftest import BASE_URL, csrf_token, make_client, sign_in

WS = BASE_URL.replace("http://", "ws://")
SPEAKER = "/ogp2021/speakers/alex-example"


@pytest.fixture
def ids(demo_database: Database) -> dict[str, int]:
    with demo_database.read() as db:
        return {
            code: session_id
            for code, session_id in db.exec(select(ProgrammeSession.code, ProgrammeSession.id))
            if session_id is not None
        }


@pytest.fixture
def delegate(demo_app: Starlette) -> Iterator[TestClient]:
    with make_client(demo_app) as client:
        sign_in(client, "delegate@example.org")
        yield client


def _follow(client: TestClient, session_id: int, wanted: str = "1") -> str:
    answer = client.post(
        f"/ogp2021/sessions/{session_id}/follow",
        data={"follow": wanted},
        headers={
            "origin": BASE_URL,
            "hx-request": "true",
            "x-csrf-token": csrf_token(client, "/signin"),
        },
    )
    assert answer.status_code == 200
    return str(answer.text)


def _buttons(page: str) -> dict[int, str]:
    """Each follow button of a page: session id → its aria-pressed."""
    return {
        int(session_id): pressed
        for session_id, pressed in re.findall(
            r'action="[^"]*/sessions/(\d+)/follow".*?aria-pressed="(true|false)"', page, re.S
        )
    }


def test_a_session_page_offers_add_to_my_agenda_and_shows_it_pressed_once_followed(
    delegate: TestClient, ids: dict[str, int]
) -> None:
    opening = ids["OPENING"]
    before = delegate.get(f"/ogp2021/sessions/{opening}").text

    pressed = _follow(delegate, opening)
    after = delegate.get(f"/ogp2021/sessions/{opening}").text

    assert _buttons(before) == {opening: "false"}
    assert "☆ Add to my agenda" in before
    # The form works without JavaScript too: it carries its own CSRF token.
    assert re.search(r'class="follow-control".*?name="csrf_token" value="[0-9a-f]+"', before, re.S)
    assert 'aria-pressed="true"' in pressed
    assert _buttons(after) == {opening: "true"}
    assert "★ In my agenda" in after


def test_the_follow_button_stays_outside_the_block_pushed_to_everyone(
    delegate: TestClient, ids: dict[str, int]
) -> None:
    fragment = delegate.get(
        f"/ogp2021/sessions/{ids['OPENING']}", headers={"hx-request": "true"}
    ).text

    assert fragment.lstrip().startswith('<article id="session-page"')
    assert "follow" not in fragment


def test_each_viewer_sees_their_own_state_on_a_session_page(
    demo_app: Starlette, delegate: TestClient, ids: dict[str, int]
) -> None:
    opening = ids["OPENING"]
    _follow(delegate, opening)
    with make_client(demo_app) as other, make_client(demo_app) as visitor:
        sign_in(other, "delegate2@example.org")
        theirs = other.get(f"/ogp2021/sessions/{opening}").text
        anonymous = visitor.get(f"/ogp2021/sessions/{opening}").text

    assert _buttons(delegate.get(f"/ogp2021/sessions/{opening}").text) == {opening: "true"}
    assert _buttons(theirs) == {opening: "false"}
    # A visitor is offered to sign in, and comes back to the session.
    assert _buttons(anonymous) == {}
    assert (
        f'<a href="http://127.0.0.1:8000/signin?next=/ogp2021/sessions/{opening}">'
        "☆ Sign in to add this session to your agenda</a>"
    ) in anonymous


def test_each_session_of_a_speaker_page_can_be_added_to_my_agenda(
    delegate: TestClient, ids: dict[str, int]
) -> None:
    page = delegate.get(SPEAKER).text
    sessions = sorted(_buttons(page))

    _follow(delegate, sessions[-1])
    after = delegate.get(SPEAKER).text
    agenda = delegate.get("/ogp2021/agenda").text

    assert len(sessions) >= 2 and ids["OPENING"] in sessions
    assert set(_buttons(page).values()) == {"false"}
    assert _buttons(after) == {
        session_id: "true" if session_id == sessions[-1] else "false" for session_id in sessions
    }
    assert f'id="session-{sessions[-1]}"' in agenda
