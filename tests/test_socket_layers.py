"""A page's socket meets the proxy headers and the trusted hosts as an HTTP request does, and
then none of the HTTP middlewares stays on its stack (summit/web/socket_layers.py)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient, WebSocketDenialResponse
from starlette.websockets import WebSocket, WebSocketDisconnect
from websockets.sync.client import connect
from websockets.typing import Origin

from summit.agenda.models import Summit
from summit.app import create_app
from summit.auth.permissions import Access
from summit.db import Database
from summit.live.hub import MemoryHub
from summit.live.routes import summit_live
from summit.mail.transports import MemoryMailer
from summit.settings import Settings
from summit.web.access import socket
from summit.web.ratelimit import SocketQuota
from tests.conftest import DURING_THE_SUMMIT
from tests.servers import serving_in_thread

PAGE = "/ogp2021/live?page=programme"
LIVE = f"ws://127.0.0.1:17100{PAGE}"
T = TypeVar("T")


def _client(settings: Settings) -> TestClient:
    app = create_app(settings, clock=lambda: DURING_THE_SUMMIT, mailer=MemoryMailer())
    return TestClient(app, base_url="http://127.0.0.1:17100")


def test_a_socket_to_a_host_not_allowed_is_refused(demo_app: Starlette) -> None:
    with TestClient(demo_app, base_url="http://attacker.example.com") as client:
        with (
            pytest.raises(WebSocketDenialResponse) as refused,
            client.websocket_connect(
                f"ws://attacker.example.com{PAGE}",
                headers={"origin": "http://attacker.example.com"},
            ),
        ):
            pass

    assert refused.value.status_code == 400


def test_a_socket_forwarded_to_a_host_not_allowed_is_refused(demo_settings: Settings) -> None:
    settings = demo_settings.model_copy(update={"trusted_proxies": "testclient"})
    with _client(settings) as client:
        with (
            pytest.raises(WebSocketDenialResponse) as refused,
            client.websocket_connect(
                LIVE,
                headers={"origin": "http://evil.example", "x-forwarded-host": "evil.example"},
            ),
        ):
            pass

    assert refused.value.status_code == 400


def test_a_socket_through_a_trusted_proxy_is_served_at_the_forwarded_address(
    demo_settings: Settings,
) -> None:
    """The origin is checked against the host and scheme the proxy forwarded: the scope the
    checks passed on is the one the socket is served with."""
    settings = demo_settings.model_copy(
        update={"allowed_hosts": "summit.example.org", "trusted_proxies": "testclient"}
    )
    forwarded = {"x-forwarded-proto": "https", "x-forwarded-host": "summit.example.org"}
    with _client(settings) as client:
        with client.websocket_connect(
            LIVE, headers={**forwarded, "origin": "https://summit.example.org"}
        ) as socket:
            socket.send_text("{}")  # accepted: the socket reads
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            client.websocket_connect(
                LIVE, headers={**forwarded, "origin": "http://127.0.0.1:17100"}
            ),
        ):
            pass

    assert (refused.value.code, refused.value.reason) == (1008, "origin not allowed")


def test_sockets_are_counted_per_forwarded_client(demo_settings: Settings) -> None:
    settings = demo_settings.model_copy(
        update={"trusted_proxies": "testclient", "max_sockets_per_client": 1}
    )
    origin = {"origin": "http://127.0.0.1:17100"}
    with _client(settings) as client:
        with (
            client.websocket_connect(LIVE, headers={**origin, "x-forwarded-for": "192.0.2.1"}),
            client.websocket_connect(LIVE, headers={**origin, "x-forwarded-for": "192.0.2.2"}),
            client.websocket_connect(
                LIVE, headers={**origin, "x-forwarded-for": "192.0.2.1"}
            ) as third,
            pytest.raises(WebSocketDisconnect) as closed,
        ):
            third.receive_text()

    assert (closed.value.code, closed.value.reason) == (
        SocketQuota.CLOSE_CODE,
        SocketQuota.CLOSE_REASON,
    )


def _awaited_names(task: asyncio.Task[object]) -> list[str]:
    """The qualified names of the coroutines ``task`` is suspended in, outermost first."""
    names: list[str] = []
    coroutine: object = task.get_coro()
    while coroutine is not None:
        code = getattr(coroutine, "cr_code", None)
        if code is not None:
            names.append(code.co_qualname)
        coroutine = getattr(coroutine, "cr_await", None)
    return names


async def _socket_stacks() -> list[list[str]]:
    stacks = [_awaited_names(task) for task in asyncio.all_tasks()]
    return [names for names in stacks if "summit_live" in names]


def _while_a_page_socket_is_open(
    app: Starlette, database: Database, look: Callable[[], Coroutine[Any, Any, T]]
) -> T:
    """What ``look`` finds in a real server's loop while one programme page's socket is open
    (subscribed to the hub)."""
    with database.read() as db:
        topic = f"summit:{db.exec(select(Summit.id)).one()}:public"
    with serving_in_thread(app) as (address, loop):
        hub: MemoryHub = app.state.hub
        with connect(f"ws://{address}{PAGE}", origin=Origin(f"http://{address}")):
            deadline = time.monotonic() + 30
            while hub.listener_count(topic) < 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            return asyncio.run_coroutine_threadsafe(look(), loop).result(30)


def test_an_open_page_socket_keeps_no_http_middleware_on_its_stack(
    demo_app: Starlette, demo_database: Database
) -> None:
    """Thousands stay open for hours: each frame left on their stacks is memory per socket."""
    stacks = _while_a_page_socket_is_open(demo_app, demo_database, _socket_stacks)

    [stack] = stacks
    served = stack[stack.index("Starlette.__call__") : stack.index("summit_live") + 1]
    # Starlette's two middlewares and its router, then the route's guard serves the socket
    # itself: no HTTP middleware of ours, and none of Starlette's session wrappers.
    assert served == [
        "Starlette.__call__",
        "ServerErrorMiddleware.__call__",
        "ExceptionMiddleware.__call__",
        "wrap_app_handling_exceptions.<locals>.wrapped_app",
        "Router.__call__",
        "Router.app",
        "WebSocketRoute.handle",
        "_GuardedSocket.__call__",
        "summit_live",
    ]


async def _socket_holdings() -> list[tuple[dict[str, object], bool]]:
    """For each open page socket: its ``summit_live`` frame's locals, and whether anyio keeps a
    state for its task."""
    from anyio._backends._asyncio import _task_states  # noqa: PLC0415 - what a task costs

    found: list[tuple[dict[str, object], bool]] = []
    for task in asyncio.all_tasks():
        coroutine: object = task.get_coro()
        while coroutine is not None:
            if getattr(coroutine, "cr_code", None) is summit_live.__code__:
                frame = getattr(coroutine, "cr_frame")  # noqa: B009 - a coroutine's frame
                found.append((dict(frame.f_locals), task in _task_states))
            coroutine = getattr(coroutine, "cr_await", None)
    return found


def test_an_open_page_socket_keeps_nothing_of_its_checks(
    demo_app: Starlette, demo_database: Database
) -> None:
    """The caller's check loads the summit's row and the caller, picks a viewer, and reads the
    database in a worker thread; a socket open for hours keeps none of it (nor the state anyio
    keeps for a task that waited on a thread)."""
    holdings = _while_a_page_socket_is_open(demo_app, demo_database, _socket_holdings)

    [(local, task_state)] = holdings
    assert "summit" not in local
    assert not any(isinstance(value, Summit) for value in local.values())
    websocket = local["websocket"]
    assert isinstance(websocket, WebSocket)
    assert "state" not in websocket.scope
    assert "path_params" not in websocket.scope
    assert not task_state


def test_a_socket_route_outside_the_checks_refuses_every_socket() -> None:
    """Without ``SocketChecks`` nothing has said which hosts and proxies to trust: the route
    opens no socket rather than serve one unchecked."""
    app = Starlette(
        routes=[socket("/{slug:str}/live", summit_live, access=Access.PUBLIC, name="live")]
    )
    with (
        TestClient(app) as client,
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect("/ogp2021/live", headers={"origin": "http://testserver"}),
    ):
        pass

    assert (refused.value.code, refused.value.reason) == (1011, "not checked")
