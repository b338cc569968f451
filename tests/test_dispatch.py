"""The dispatcher delivers news in its own task: writers answer at commit."""

from __future__ import annotations

import asyncio

from sqlmodel import select
from starlette.applications import Starlette

from summit.agenda.models import ProgrammeSession, Summit
from summit.db import Database
from tests.conftest import BASE_URL, csrf_token, make_client, sign_in


def test_the_organisers_write_answers_while_the_audience_is_still_being_served(
    demo_app: Starlette, demo_database: Database
) -> None:
    with demo_database.read() as db:
        summit_id = db.exec(select(Summit.id)).one()
        opening = db.exec(
            select(ProgrammeSession.id).where(ProgrammeSession.code == "OPENING")
        ).one()
    with make_client(demo_app) as client:
        assert client.portal is not None
        sign_in(client, "organiser@example.org")
        token = csrf_token(client, "/ogp2021/manage/")
        dispatcher = demo_app.state.dispatcher
        received: list[str] = []

        async def send(html: str) -> None:
            received.append(html)

        subscription = demo_app.state.hub.subscribe(
            frozenset({f"summit:{summit_id}:public"}), f"session||{opening}|en|UTC", send=send
        )
        # A delivery that does not finish, as one stuck behind a slow audience would.
        client.portal.call(dispatcher._lock.acquire)

        answer = client.post(
            f"/ogp2021/manage/sessions/{opening}/status",
            data={"status": "live", "delay_minutes": ""},
            headers={"origin": BASE_URL, "hx-request": "true", "x-csrf-token": token},
        )
        delivered_before_the_answer = list(received)

        async def release_and_wait() -> None:
            dispatcher._lock.release()
            while not received:
                await asyncio.sleep(0.01)

        client.portal.call(release_and_wait)
        demo_app.state.hub.unsubscribe(subscription)

    assert (answer.status_code, delivered_before_the_answer) == (204, [])
    assert "Live now" in received[0]


def test_an_app_served_by_two_loops_stops_a_delivery_begun_in_the_other(
    demo_app: Starlette,
) -> None:
    """The test client runs each client's lifespan in an event loop of its own; a delivery
    still running in one client's loop when the other stops must not fail that stop."""
    with make_client(demo_app) as first, make_client(demo_app):
        assert first.portal is not None
        # The app's dispatcher is now the second client's; the first client's requests wake
        # it too, and a delivery that does not finish begins in the first client's loop.
        dispatcher = demo_app.state.dispatcher
        first.portal.call(dispatcher._lock.acquire)
        first.portal.call(dispatcher.wake)
        # Leaving the block stops the second client (its stop meets the first loop's
        # delivery: no error), then the first.

    assert dispatcher._runner is None
    assert dispatcher._lock.locked()
