"""Pushed messages as WebSocket frames, encoded once and written as they are to every socket.

A server's frames are not masked, so the frame that carries a message is the same bytes for
every socket that gets it. Encoded once per group, it is written straight to each socket's
transport: no coroutine, no ASGI message, no frame building per socket (``send_text`` does all
three for each socket: ``bench/fanout.py`` compares the two).

Only uvicorn's ``websockets-sansio`` sockets (what ``summit serve`` runs) are written to this
way, and only while the socket is open and its transport takes more (not paused by a client
that stopped reading): otherwise the hub sends through the ASGI ``send`` as before, which waits,
and closes a socket that is too slow (``summit.live.hub``).
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send
from websockets.frames import Frame, Opcode
from websockets.protocol import State

SCOPE_KEY = "summit.socket_protocol"


def text_frame(text: str) -> bytes:
    """The unmasked, unfragmented, uncompressed frame of a text message."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


def socket_protocol(scope: Scope) -> Any:
    """The uvicorn protocol object behind a socket, when frames may be written to it."""
    protocol = scope.get(SCOPE_KEY)
    if protocol is None or not all(
        hasattr(protocol, name) for name in ("transport", "conn", "writable", "close_sent")
    ):
        return None
    return protocol


def write_frame(protocol: Any, frame: bytes) -> bool:
    """Write ``frame`` now if the socket is open and its buffer takes it; False otherwise (the
    caller then sends through ASGI, which waits)."""
    if (
        protocol.close_sent
        or not protocol.writable.is_set()
        or protocol.conn.state is not State.OPEN
        or protocol.transport.is_closing()
    ):
        return False
    protocol.transport.write(frame)
    return True


class SocketProtocolMiddleware:
    """Notes, for each socket, the server's own ``send`` (a method of its protocol object): the
    outermost middleware is the only one that sees it before others wrap it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Any:
        if scope["type"] == "websocket":
            scope[SCOPE_KEY] = getattr(send, "__self__", None)
        return self.app(scope, receive, send)
