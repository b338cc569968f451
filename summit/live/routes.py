"""The page's WebSocket: one per page, following the topics that page may see."""

from __future__ import annotations

import anyio
from starlette.websockets import WebSocket, WebSocketDisconnect

from summit.auth.permissions import Access, Principal, live_topics
from summit.live.hub import Close, MemoryHub
from summit.live.sessions import SessionWatch
from summit.web.access import socket

MAX_INCOMING_BYTES = 4096


async def summit_live(websocket: WebSocket) -> None:
    principal: Principal = websocket.state.principal
    summit = websocket.state.summit
    hub: MemoryHub = websocket.app.state.hub
    watch: SessionWatch = websocket.app.state.session_watch
    await websocket.accept()
    subscription = hub.subscribe(live_topics(principal, summit.id))
    if principal.account_id is not None:
        watch.register(principal.account_id, principal.session_version)
    try:
        async with anyio.create_task_group() as group:

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
                group.cancel_scope.cancel()

            group.start_soon(read)
            while True:
                item = await subscription.queue.get()
                if isinstance(item, Close):
                    await websocket.close(code=item.code, reason=item.reason)
                    break
                await websocket.send_text(item)
            group.cancel_scope.cancel()
    except WebSocketDisconnect:
        pass
    finally:
        hub.unsubscribe(subscription)
        if principal.account_id is not None:
            watch.unregister(principal.account_id)


routes = [socket("/{slug:str}/live", summit_live, access=Access.PUBLIC, name="summit_live")]
