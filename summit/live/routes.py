"""The page's WebSocket: one per page, following the topics that page may see."""

from __future__ import annotations

import anyio
from starlette.websockets import WebSocket, WebSocketDisconnect

from summit.auth.permissions import Access, Principal, live_topics
from summit.live.dispatch import REFRESH, Dispatcher, event_marker
from summit.live.hub import Close, MemoryHub
from summit.live.regions import PageView
from summit.live.sessions import SessionWatch
from summit.web.access import socket

MAX_INCOMING_BYTES = 4096


async def summit_live(websocket: WebSocket) -> None:
    principal: Principal = websocket.state.principal
    summit = websocket.state.summit
    hub: MemoryHub = websocket.app.state.hub
    watch: SessionWatch = websocket.app.state.session_watch
    dispatcher: Dispatcher = websocket.app.state.dispatcher
    params = websocket.query_params
    view = PageView.parse(params.get("page", ""), params.get("day"), params.get("session"))
    group = view.group(websocket.state.viewer)
    topics = live_topics(principal, summit.id)
    await websocket.accept()
    # Subscribe before replaying, so that nothing falls between the two; duplicates are
    # skipped by event id below.
    subscription = hub.subscribe(topics, group)
    if principal.account_id is not None:
        watch.register(principal.account_id, principal.session_version)
    # Sent by the replay, not to be sent again from the mailbox. Compared by id, not by order:
    # an event can arrive after a newer one when its transaction committed later.
    replayed: set[int] = set()
    refreshed_upto = 0  # events up to here are in the regions the page fetches again
    try:
        last = params.get("last", "")
        if last.isdigit():
            missed = await dispatcher.replay(topics=topics, group=group, after=int(last))
            if missed is None:
                await websocket.send_text(event_marker(dispatcher.last_id) + REFRESH)
                refreshed_upto = dispatcher.last_id
            for event_id, html in missed or []:
                await websocket.send_text(html)
                replayed.add(event_id)
        async with anyio.create_task_group() as tasks:

            async def read() -> None:
                # Reading notices a gone client; what clients may send arrives with Q&A.
                try:
                    while True:
                        message = await websocket.receive_text()
                        if len(message.encode()) > MAX_INCOMING_BYTES:
                            await websocket.close(code=1009, reason="message too big")
                            break
                except WebSocketDisconnect:
                    pass
                tasks.cancel_scope.cancel()

            tasks.start_soon(read)
            while True:
                item = await subscription.queue.get()
                if isinstance(item, Close):
                    await websocket.close(code=item.code, reason=item.reason)
                    break
                event_id, html = item
                if event_id in replayed or 0 < event_id <= refreshed_upto:
                    replayed.discard(event_id)
                    continue
                await websocket.send_text(html)
            tasks.cancel_scope.cancel()
    except WebSocketDisconnect:
        pass
    finally:
        hub.unsubscribe(subscription)
        if principal.account_id is not None:
            watch.unregister(principal.account_id)


routes = [socket("/{slug:str}/live", summit_live, access=Access.PUBLIC, name="summit_live")]
