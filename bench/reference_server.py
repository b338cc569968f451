"""The yardstick for live fan-out: the least a Starlette + uvicorn server can do to broadcast.

    python bench/reference_server.py --port 8001

``/ws`` accepts any socket and keeps it until the client leaves; ``POST /broadcast`` sends its
request body, as one text message, to every open socket in a plain sequential loop, then answers
204. No framework of ours, no database, no rendering, no per-socket queue: what is left is the
cost of Starlette's and uvicorn's send per socket. It is served with the very uvicorn settings
``summit serve`` uses (``bench/fanout.py`` checks that they are ``summit.cli.UVICORN_OPTIONS``;
they are copied rather than imported, so that this process loads nothing of Summit's). It has no
protection against a client that stops reading (such a client blocks the loop): it is a
yardstick, not a design.
"""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

UVICORN_OPTIONS: dict[str, Any] = {
    "loop": "uvloop",
    "http": "httptools",
    "ws": "websockets-sansio",
    "ws_per_message_deflate": False,
    "ws_max_size": 4096,
    "access_log": False,
    "proxy_headers": False,
}

sockets: set[WebSocket] = set()


async def listen(websocket: WebSocket) -> None:
    await websocket.accept()
    sockets.add(websocket)
    try:
        while True:
            await websocket.receive_text()
    except WebSocketDisconnect:
        pass
    finally:
        sockets.discard(websocket)


async def broadcast(request: Request) -> Response:
    message = (await request.body()).decode()
    for websocket in list(sockets):
        try:
            await websocket.send_text(message)
        except Exception:  # noqa: BLE001, S112 - a socket closing meanwhile: skip it
            continue
    return Response(status_code=204)


async def healthz(request: Request) -> Response:
    return Response("ok")


app = Starlette(
    routes=[
        WebSocketRoute("/ws", listen),
        Route("/broadcast", broadcast, methods=["POST"]),
        Route("/healthz", healthz),
    ]
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", **UVICORN_OPTIONS)


if __name__ == "__main__":
    main()
