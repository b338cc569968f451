"""The page's WebSocket: one per page, following the topics that page may see."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import sys
import time
from collections.abc import Callable

import anyio
from starlette.datastructures import QueryParams
from starlette.websockets import WebSocket, WebSocketDisconnect

from summit.agenda.models import Summit
from summit.agenda.queries import session_card
from summit.auth.permissions import Access, Principal, live_topics
from summit.db import Database
from summit.live.dispatch import REFRESH, Dispatcher, event_marker
from summit.live.frames import socket_protocol
from summit.live.hub import POLICY_VIOLATION, Close, MemoryHub, Subscription
from summit.live.regions import PageView
from summit.parsing import MAX_ID, or_none, whole_number
from summit.web.access import socket
from summit.web.cache import ProgrammeCache

MAX_INCOMING_BYTES = 4096
# A page sends little (Q&A questions and votes, by hand): a burst of INCOMING_BURST messages,
# then INCOMING_PER_SECOND on average; more closes the socket.
INCOMING_BURST = 20
INCOMING_PER_SECOND = 2.0
TOO_BIG = Close(1009, "message too big")
TOO_MANY = Close(POLICY_VIOLATION, "too many messages")
# A socket the hub closes may be stuck (its client not reading): the close frame waits this long.
CLOSE_SECONDS = 1.0


class TokenBucket:
    """Allows ``burst`` events at once, and ``rate`` per second over time."""

    __slots__ = ("burst", "rate", "_clock", "_tokens", "_at")

    def __init__(
        self, burst: int, rate: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.burst = burst
        self.rate = rate
        self._clock = clock
        self._tokens = float(burst)
        self._at = clock()

    def take(self) -> bool:
        now = self._clock()
        self._tokens = min(float(self.burst), self._tokens + (now - self._at) * self.rate)
        self._at = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


async def summit_live(websocket: WebSocket) -> None:
    # Thousands of these frames stay suspended for hours: each holds only what it uses (see
    # ``_page``), and the hub sends to the socket itself (summit/live/hub.py): this task reads.
    hub: MemoryHub = websocket.app.state.hub
    principal, summit, summit_id, topics, view, group, last = _page(websocket)
    if view.session_id is not None and not await _shown(
        websocket, summit_id, view.session_id, summit
    ):
        # Counted by presence, a session no page shows would count for nobody. Accepted
        # first, so that the page hears the reason (and 1008 stops it reconnecting).
        await websocket.accept()
        await websocket.close(code=POLICY_VIOLATION, reason="no such session")
        return
    del view, summit
    await websocket.accept()
    # The hub stops the reading when it closes the socket (too slow, session ended, restart) by
    # cancelling this task, the socket's own (an anyio cancel scope did the same, at 600 bytes
    # a socket).
    reading = asyncio.current_task()
    if reading is None:  # pragma: no cover - uvicorn and the test client serve each in a task
        raise RuntimeError("a socket served outside a task")
    # Subscribe before replaying, so that nothing falls between the two; what is delivered
    # meanwhile waits in the mailbox, and what the replay sent is skipped by event id.
    subscription = hub.subscribe(
        topics,
        group,
        send=websocket.send_text,
        on_close=reading.cancel,
        protocol=socket_protocol(websocket.scope),
    )
    subscription.hold()
    if principal.account_id is not None:
        websocket.app.state.session_watch.register(principal.account_id, principal.session_version)
    close: Close | None = None
    try:
        if last is not None:
            await _replay(websocket, subscription, last)
        await subscription.flush()
        # Reading notices a gone client; what clients may send arrives with Q&A. Most pages
        # never send: their bucket is made with their first message.
        bucket: TokenBucket | None = None
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            data = message.get("text") or message.get("bytes") or b""
            if len(data.encode() if isinstance(data, str) else data) > MAX_INCOMING_BYTES:
                close = TOO_BIG
                break
            bucket = bucket or TokenBucket(INCOMING_BURST, INCOMING_PER_SECOND)
            if not bucket.take():
                close = TOO_MANY
                break
    except asyncio.CancelledError:
        if subscription.closed is None:
            raise  # not the hub's: the server is stopping
        reading.uncancel()
    except WebSocketDisconnect:
        return
    finally:
        hub.unsubscribe(subscription)
        if principal.account_id is not None:
            websocket.app.state.session_watch.unregister(principal.account_id)
    close = subscription.closed or close
    if close is not None:
        with anyio.move_on_after(CLOSE_SECONDS), contextlib.suppress(WebSocketDisconnect):
            await websocket.close(code=close.code, reason=close.reason)


async def _shown(
    websocket: WebSocket, summit_id: int, session_id: int, summit: Summit | None
) -> bool:
    """Whether the summit's session page shows ``session_id`` (not another summit's, not a
    draft): the same published programme the page is rendered from, from memory unless a
    publication came since (the summit's row says: ``summit``, as the admission just read it,
    else read now)."""
    database: Database = websocket.app.state.db
    if summit is None:
        summit = await database.run_read(
            lambda db: db.get(Summit, summit_id), limiter=websocket.app.state.socket_reads
        )
    if summit is None:  # pragma: no cover - no summit is deleted
        return False
    cache: ProgrammeCache = websocket.app.state.programme_cache
    return session_card(await cache.programme(database, summit), session_id) is not None


@functools.lru_cache(maxsize=1024)
def _shared(topics: frozenset[str]) -> frozenset[str]:
    """The first of equal sets of topics (a cache: the sets it returns are equal to those asked
    for)."""
    return topics


def _page(
    websocket: WebSocket,
) -> tuple[Principal, Summit | None, int, frozenset[str], PageView, str, int | None]:
    """Who is asking, the summit's row (when the admission read it) and id, the socket's topics,
    its page, its rendering group, and the last event its page has seen."""
    scope = websocket.scope
    # What the checks left in the scope (the caller, the viewer, the path's parameters) is taken
    # out of it: the socket keeps what it uses as locals, and the rest goes, instead of staying
    # for hours with each socket.
    state = scope.pop("state")
    scope.pop("path_params", None)
    principal: Principal = state["principal"]
    summit_id: int = state["summit_id"]
    # Parsed here rather than through ``websocket.query_params``, which the socket would keep.
    params = QueryParams(scope["query_string"])
    view = PageView.parse(params.get("page", ""), params.get("day"), params.get("session"))
    # Thousands of sockets on one page have equal topics and group: they share one copy.
    return (
        principal,
        state.get("summit"),
        summit_id,
        _shared(live_topics(principal, summit_id)),
        view,
        sys.intern(view.group(state["viewer"])),
        # An unreadable position is no position: the page gets what happens from now on.
        or_none(whole_number, params.get("last"), field="last", low=0, high=MAX_ID),
    )


async def _replay(websocket: WebSocket, subscription: Subscription, last: int) -> None:
    """Send what the page missed since event ``last`` (or tell it to refresh)."""
    dispatcher: Dispatcher = websocket.app.state.dispatcher
    missed = await dispatcher.replay(
        topics=subscription.topics, group=subscription.group, after=last
    )
    if missed is None:
        await websocket.send_text(event_marker(dispatcher.last_id) + REFRESH)
        subscription.refreshed_upto = dispatcher.last_id
    for event_id, html in missed or []:
        await websocket.send_text(html)
        if subscription.replayed is None:
            subscription.replayed = set()
        subscription.replayed.add(event_id)


routes = [socket("/{slug:str}/live", summit_live, access=Access.PUBLIC, name="summit_live")]
