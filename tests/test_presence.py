"""Presence: every open page of a session shows how many have it open, summed over every
process, updated as people come and go."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.testclient import TestClient, WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from summit.agenda.models import ProgrammeSession
from summit.app import create_app
from summit.db import Database
from summit.eventlog import SessionPresence
from summit.settings import Settings
from tests.conftest import BASE_URL, make_client, receive_until
from tests.factories import make_summit

WS = BASE_URL.replace("http://", "ws://")


def _opening(database: Database) -> int:
    with database.read() as db:
        found = db.exec(select(ProgrammeSession.id).where(ProgrammeSession.code == "OPENING")).one()
    assert found is not None
    return found


def _page(client: TestClient, session_id: int | str, language: str = "en") -> WebSocketTestSession:
    return client.websocket_connect(
        f"{WS}/ogp2021/live?page=session&session={session_id}&lang={language}",
        headers={"origin": BASE_URL},
    )


def _tick(client: TestClient, app: Starlette) -> None:
    assert client.portal is not None
    client.portal.call(app.state.presence.tick)


def test_open_pages_see_how_many_have_the_session_open(
    demo_app: Starlette, demo_database: Database
) -> None:
    opening = _opening(demo_database)
    with make_client(demo_app) as client:
        with _page(client, opening) as first, _page(client, opening, "fr") as second:
            _tick(client, demo_app)
            seen_first = receive_until(first, lambda m: "2 people have this session open" in m)
            seen_second = receive_until(second, lambda m: f'id="presence-{opening}"' in m)
            with _page(client, opening):
                _tick(client, demo_app)
                three = receive_until(first, lambda m: "3 people" in m)
            _tick(client, demo_app)
            back_to_two = receive_until(first, lambda m: "2 people" in m)

    assert seen_first.startswith(f'<p id="presence-{opening}" class="presence">')
    assert "2 personnes" in seen_second
    assert "3 people" in three and "2 people" in back_to_two


def test_counts_add_up_over_processes_and_a_stopped_one_stops_counting(
    demo_settings: Settings, demo_database: Database
) -> None:
    opening = _opening(demo_database)
    one, other = create_app(demo_settings), create_app(demo_settings)
    with make_client(one) as here, make_client(other) as there:
        with _page(here, opening) as mine, _page(there, opening), _page(there, opening):
            _tick(there, other)
            _tick(here, one)
            message = receive_until(mine, lambda m: "3 people" in m)
            with demo_database.read() as db:
                processes = {row.process for row in db.exec(select(SessionPresence))}

    assert "3 people have this session open" in message
    assert processes == {one.state.presence.process, other.state.presence.process}
    with demo_database.read() as db:
        assert db.exec(select(SessionPresence)).all() == []  # both stopped: nobody left


def test_the_session_page_has_the_presence_region(
    client: TestClient, demo_database: Database
) -> None:
    opening = _opening(demo_database)

    page = client.get(f"/ogp2021/sessions/{opening}").text

    assert f'<p id="presence-{opening}" class="presence"></p>' in page


def _foreign_session(database: Database) -> int:
    """A published session of another summit in the same database."""
    with database.write() as db:
        elsewhere = make_summit(db, slug="elsewhere", days=1, streams=1)
        found = db.exec(
            select(ProgrammeSession.id).where(ProgrammeSession.summit_id == elsewhere.id)
        ).first()
    assert found is not None
    return found


@pytest.mark.parametrize("which", ["unknown", "foreign"])
def test_a_socket_for_a_session_the_summit_does_not_show_is_refused(
    demo_app: Starlette, demo_database: Database, which: str
) -> None:
    session = "999999" if which == "unknown" else str(_foreign_session(demo_database))
    with make_client(demo_app) as client, _page(client, session) as socket:
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_text()
        hub_sockets = list(demo_app.state.hub.subscriptions())

    assert (closed.value.code, closed.value.reason) == (1008, "no such session")
    assert hub_sockets == []


def test_a_bad_socket_does_not_stop_the_counts_of_good_pages(
    demo_app: Starlette, demo_database: Database
) -> None:
    opening = _opening(demo_database)
    with make_client(demo_app) as client:
        with _page(client, 999999) as bad, pytest.raises(WebSocketDisconnect):
            bad.receive_text()
        with _page(client, opening) as good:
            _tick(client, demo_app)
            count = receive_until(good, lambda m: f'id="presence-{opening}"' in m)

    assert "1 person has this session open" in count


def test_a_page_whose_session_was_deleted_does_not_stop_the_other_counts(
    demo_app: Starlette, demo_database: Database
) -> None:
    opening = _opening(demo_database)
    with demo_database.read() as db:
        doomed = db.exec(
            select(ProgrammeSession.id).where(
                ProgrammeSession.id != opening, col(ProgrammeSession.is_published)
            )
        ).first()
    assert doomed is not None
    with make_client(demo_app) as client:
        with _page(client, opening) as good, _page(client, doomed), _page(client, opening):
            with demo_database.write() as db:
                db.connection().execute(
                    text("DELETE FROM programme_session WHERE id = :id"), {"id": doomed}
                )
            _tick(client, demo_app)
            count = receive_until(good, lambda m: f'id="presence-{opening}"' in m)
            with demo_database.read() as db:
                rows = {row.session_id: row.viewers for row in db.exec(select(SessionPresence))}

    assert "2 people have this session open" in count
    assert rows == {opening: 2}
