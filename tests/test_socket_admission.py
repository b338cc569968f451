"""What a page socket's admission asks of the database: nothing, for someone not signed in on a
summit the process has read (pages reconnect by the thousand after a restart); the account,
every time, for someone signed in (summit/web/access.py, summit/web/summit_ids.py)."""

from __future__ import annotations

import pytest
from sqlmodel import select
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from summit.agenda.models import ProgrammeSession, PublishedSession
from summit.agenda.publishing import publish
from summit.columns import utcnow
from summit.db import Database
from summit.live.hub import MemoryHub
from summit.web.summit_ids import SummitIds
from tests.conftest import BASE_URL, sign_in
from tests.factories import make_summit
from tests.mailbox import wait_until
from tests.test_queries import count_queries

WS = BASE_URL.replace("http://", "ws://")
ORIGIN = {"origin": BASE_URL}


def _wait_until_following(client: TestClient, topic: str) -> None:
    """Until a socket follows ``topic``: admitted, its page shown."""
    hub: MemoryHub = client.app.state.hub  # type: ignore[attr-defined]
    wait_until(lambda: hub.listener_count(topic) >= 1, f"a socket following {topic}")


def _reads(seen: list[str], table: str) -> list[str]:
    return [statement for statement in seen if f"FROM {table}" in statement]


def test_a_page_socket_of_someone_not_signed_in_is_admitted_from_memory(
    client: TestClient,
) -> None:
    with client.websocket_connect(f"{WS}/ogp2021/live?page=programme", headers=ORIGIN):
        pass  # the first reads the summit, by its slug
    summit_ids: SummitIds = client.app.state.summit_ids  # type: ignore[attr-defined]
    assert summit_ids.get("ogp2021") is not None

    with (
        count_queries(client.app.state.db.engine) as seen,  # type: ignore[attr-defined]
        client.websocket_connect(f"{WS}/ogp2021/live?page=home&lang=ar", headers=ORIGIN),
    ):
        pass

    assert _reads(seen, "summit") == []
    assert _reads(seen, "account") == []


def test_a_page_read_by_someone_not_signed_in_makes_its_summit_known(
    client: TestClient,
) -> None:
    summit_ids: SummitIds = client.app.state.summit_ids  # type: ignore[attr-defined]
    assert summit_ids.get("ogp2021") is None

    assert client.get("/ogp2021/programme").status_code == 200

    with (
        count_queries(client.app.state.db.engine) as seen,  # type: ignore[attr-defined]
        client.websocket_connect(f"{WS}/ogp2021/live?page=programme", headers=ORIGIN),
    ):
        pass
    assert _reads(seen, "summit") == []


def test_a_signed_in_page_socket_reads_its_account_every_time(client: TestClient) -> None:
    sign_in(client, "organiser@example.org")
    for _ in range(2):
        with (
            count_queries(client.app.state.db.engine) as seen,  # type: ignore[attr-defined]
            client.websocket_connect(f"{WS}/ogp2021/live?page=programme", headers=ORIGIN),
        ):
            pass
        # A closed account or ended sessions are known at the next socket.
        assert _reads(seen, "account") != []


def test_a_signed_in_session_page_socket_reads_its_summit_once(client: TestClient) -> None:
    """The admission reads the summit with the account; the session page's check uses that
    row rather than reading it again."""
    sign_in(client, "organiser@example.org")
    database: Database = client.app.state.db  # type: ignore[attr-defined]
    with database.read() as db:
        shown = db.exec(select(PublishedSession)).first()
    assert shown is not None
    with (
        count_queries(database.engine) as seen,
        client.websocket_connect(
            f"{WS}/ogp2021/live?page=session&session={shown.id}", headers=ORIGIN
        ),
    ):
        _wait_until_following(client, f"summit:{shown.summit_id}:organisers")

    assert len(_reads(seen, "summit")) == 1


def test_a_session_page_socket_sees_a_publication_made_since_its_summit_was_known(
    client: TestClient,
) -> None:
    """A session page's socket is checked against the published programme as the summit's row
    has it now, not as it was when the process first read the slug."""
    database: Database = client.app.state.db  # type: ignore[attr-defined]
    with database.write() as db:
        summit = make_summit(
            db, slug="later", days=1, streams=1, sessions_per_stream_per_day=1, publish=False
        )
        [session_id] = db.exec(
            select(ProgrammeSession.id).where(ProgrammeSession.summit_id == summit.id)
        ).all()
    session_page = f"{WS}/later/live?page=session&session={session_id}"
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect(session_page, headers=ORIGIN) as draft,
    ):
        draft.receive_text()
    assert (refused.value.code, refused.value.reason) == (1008, "no such session")

    with database.write() as db:
        publish(db, summit=db.merge(summit), comment="First", now=utcnow())

    with client.websocket_connect(session_page, headers=ORIGIN):
        _wait_until_following(client, f"summit:{summit.id}:public")


def test_a_summit_created_after_its_slug_was_asked_for_is_found(
    client: TestClient,
) -> None:
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect(f"{WS}/newcomer/live?page=programme", headers=ORIGIN),
    ):
        pass
    assert (refused.value.code, refused.value.reason) == (1008, "no such summit")

    database: Database = client.app.state.db  # type: ignore[attr-defined]
    with database.write() as db:
        make_summit(db, slug="newcomer", days=1, streams=1, sessions_per_stream_per_day=1)

    with client.websocket_connect(f"{WS}/newcomer/live?page=programme", headers=ORIGIN):
        pass
