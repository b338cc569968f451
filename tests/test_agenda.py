"""A delegate's agenda: following sessions from every page that shows them, and an open "My
agenda" page kept current over its socket by blocks that are the same for everyone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession
from summit.db import Database
from tests.conftest import (
    BASE_URL,
    another_browser,
    choose_english,
    csrf_token,
    make_client,
    sign_in,
)

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
def server(demo_app: Starlette) -> Iterator[TestClient]:
    """The app, started once: every browser of a test runs on it (``another_browser``)."""
    with make_client(demo_app) as running:
        yield running


@pytest.fixture
def delegate(server: TestClient) -> TestClient:
    client = another_browser(server)
    choose_english(client)  # the account speaks Arabic
    sign_in(client, "delegate@example.org")
    return client


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
    server: TestClient, delegate: TestClient, ids: dict[str, int]
) -> None:
    opening = ids["OPENING"]
    _follow(delegate, opening)
    other, visitor = another_browser(server), another_browser(server)
    sign_in(other, "delegate2@example.org")
    theirs = other.get(f"/ogp2021/sessions/{opening}").text
    anonymous = visitor.get(f"/ogp2021/sessions/{opening}").text

    assert _buttons(delegate.get(f"/ogp2021/sessions/{opening}").text) == {opening: "true"}
    assert _buttons(theirs) == {opening: "false"}
    # A visitor is offered to sign in, and comes back to the session.
    assert _buttons(anonymous) == {}
    assert (
        f'<a href="/signin?next=/ogp2021/sessions/{opening}">'
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


@pytest.fixture
def organiser(server: TestClient) -> TestClient:
    client = another_browser(server)
    sign_in(client, "organiser@example.org")
    return client


def _organiser_post(client: TestClient, path: str, data: dict[str, str]) -> int:
    return client.post(
        path,
        data=data,
        headers={
            "origin": BASE_URL,
            "hx-request": "true",
            "x-csrf-token": csrf_token(client, "/ogp2021/manage/"),
        },
    ).status_code


def _publish(client: TestClient) -> None:
    answer = client.post(
        "/ogp2021/manage/publish",
        data={"comment": "", "csrf_token": csrf_token(client, "/ogp2021/manage/")},
        headers={"origin": BASE_URL},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[:300]


def _agenda_socket(client: TestClient) -> Any:
    return client.websocket_connect(
        f"{WS}/ogp2021/live?page=agenda&tz=Asia/Seoul", headers={"origin": BASE_URL}
    )


ENTRY = re.compile(
    r'<div class="agenda-session" id="agenda-session-(\d+)".*?</article>\s*</div>', re.S
)


def _entries(html: str) -> dict[int, str]:
    """Each session's entry in a page or a message, by session id (whitespace aside)."""
    return {int(match.group(1)): " ".join(match.group(0).split()) for match in ENTRY.finditer(html)}


def _block(message: str) -> str:
    """A pushed message without its event marker."""
    return message.split("</div>", 1)[1]


def test_an_open_agenda_shows_a_followed_session_run_late_and_be_cancelled(
    organiser: TestClient, delegate: TestClient, ids: dict[str, int]
) -> None:
    opening = ids["OPENING"]
    _follow(delegate, opening)
    with _agenda_socket(delegate) as page:
        assert (
            _organiser_post(
                organiser,
                f"/ogp2021/manage/sessions/{opening}/status",
                {"status": "late", "delay_minutes": "10"},
            )
            == 204
        )
        late = page.receive_text()
        page.receive_text()  # the follower's notice
        reloaded = delegate.get("/ogp2021/agenda?tz=Asia/Seoul").text
        _organiser_post(
            organiser, f"/ogp2021/manage/sessions/{opening}/status", {"status": "cancelled"}
        )
        cancelled = page.receive_text()

    # The entry is the page's own, as a reload shows it: the new time, the badge, as data too.
    assert list(_entries(late)) == [opening]
    assert _entries(late) == {opening: _entries(reloaded)[opening]}
    assert "Running 10 minutes late" in late
    assert ">9:10\u202fAM</time>" in late  # Babel's narrow no-break space
    assert 'data-start="2021-12-15T00:10:00+00:00"' in late
    assert 'data-status="cancelled"' in cancelled and "Cancelled" in cancelled


def test_a_publication_moves_retimes_and_removes_followed_sessions_on_open_agendas(
    server: TestClient,
    organiser: TestClient,
    delegate: TestClient,
    demo_database: Database,
    ids: dict[str, int],
) -> None:
    opening, mena, closing = ids["OPENING"], ids["MENA-DIALOGUE"], ids["CLOSING"]
    for session_id in (opening, mena, closing):
        _follow(delegate, session_id)
    with demo_database.write() as db:
        streams = sorted({s.stream_id for s in db.exec(select(ProgrammeSession)) if s.stream_id})
        moved = db.get(ProgrammeSession, opening)
        retimed = db.get(ProgrammeSession, mena)
        removed = db.get(ProgrammeSession, closing)
        assert moved is not None and retimed is not None and removed is not None
        moved.stream_id = next(stream for stream in streams if stream != moved.stream_id)
        assert retimed.starts_at is not None and retimed.ends_at is not None
        retimed.starts_at += timedelta(days=1)
        retimed.ends_at += timedelta(days=1)
        new_day = retimed.starts_at.astimezone(ZoneInfo("Asia/Seoul")).date().isoformat()
        removed.is_published = False
        db.add_all([moved, retimed, removed])
    other = another_browser(server)
    sign_in(other, "delegate2@example.org")
    with _agenda_socket(delegate) as page, _agenda_socket(other) as other_page:
        _publish(organiser)
        message = page.receive_text()
        notices = page.receive_text()
        theirs = other_page.receive_text()
    reloaded = delegate.get("/ogp2021/agenda?tz=Asia/Seoul").text

    pushed = _entries(message)
    # Every agenda page gets the same blocks (another delegate's, who follows none of them).
    assert message == theirs
    assert 'data-refresh="1"' not in message
    assert set(pushed) == {opening, mena}
    assert pushed == {session_id: _entries(reloaded)[session_id] for session_id in pushed}
    assert f'<div id="agenda-entry-{closing}" data-hx-swap-oob="delete"></div>' in message
    assert f"agenda-entry-{closing}" not in reloaded
    # The MENA dialogue now starts a day later: its entry says which day it belongs to.
    assert f'data-day="{new_day}"' in pushed[mena]
    assert "live-notices" in notices


def test_following_or_unfollowing_elsewhere_reaches_the_accounts_open_agendas_only(
    server: TestClient, delegate: TestClient, ids: dict[str, int]
) -> None:
    opening = ids["OPENING"]
    other = another_browser(server)
    sign_in(other, "delegate2@example.org")
    with _agenda_socket(delegate) as page, _agenda_socket(other) as other_page:
        _follow(delegate, opening)
        added = page.receive_text()
        _follow(delegate, opening, "0")
        dropped = page.receive_text()
        _follow(other, ids["CLOSING"])
        theirs = other_page.receive_text()

    summit_arrivals = re.search(
        r'<div id="agenda-arrivals-(\d+)" data-hx-swap-oob="beforeend">', added
    )
    assert summit_arrivals is not None
    assert f'<div class="session-card-wrap agenda-entry" id="agenda-entry-{opening}">' in added
    assert 'aria-pressed="true"' in added
    assert _block(dropped) == f'<div id="agenda-entry-{opening}" data-hx-swap-oob="delete"></div>'
    # The other account's follow never reached the first page: its next message was its own.
    assert f"agenda-entry-{ids['CLOSING']}" in theirs and f"agenda-entry-{opening}" not in theirs


def test_the_agenda_fragment_is_its_live_region(delegate: TestClient, ids: dict[str, int]) -> None:
    _follow(delegate, ids["OPENING"])

    fragment = delegate.get("/ogp2021/agenda", headers={"hx-request": "true"}).text

    assert fragment.lstrip().startswith('<div id="agenda" class="agenda" data-live-region>')
    assert list(_entries(fragment)) == [ids["OPENING"]]


def test_a_reloaded_agenda_does_not_replay_the_follows_it_already_shows(
    delegate: TestClient, organiser: TestClient, ids: dict[str, int]
) -> None:
    mena = ids["MENA-DIALOGUE"]
    delegate.get("/ogp2021/agenda")  # the programme is loaded before the follows change
    _follow(delegate, mena, "0")
    _follow(delegate, mena)
    followed = delegate.get("/ogp2021/agenda").text
    # A status change since: the programme is newer than the page's follows, so a page made
    # now replays from the status's event on.
    status = f"/ogp2021/manage/sessions/{ids['OPENING']}/status"
    assert _organiser_post(organiser, status, {"status": "live"}) == 204
    after_status = delegate.get("/ogp2021/agenda").text

    def replayed_from(page: str) -> int:
        found = re.search(r"&amp;last=(\d+)", page)
        assert found is not None
        return int(found.group(1))

    with delegate.websocket_connect(
        f"{WS}/ogp2021/live?page=agenda&last={replayed_from(followed)}",
        headers={"origin": BASE_URL},
    ) as socket:
        first = socket.receive_text()

    # The unfollow and the follow are not sent again: the first message is the status.
    assert f"agenda-entry-{mena}" not in first
    assert f"agenda-session-{ids['OPENING']}" in first
    assert replayed_from(after_status) > replayed_from(followed)
