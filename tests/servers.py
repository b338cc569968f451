"""``summit serve`` in a process of its own, on a free port of 127.0.0.1, for tests that need
real servers (browsers, several processes sharing a broker)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from summit.cli import UVICORN_OPTIONS

SECRET_KEY = "shared-secret-key-shared-secret-key-0123"
"""Every process of one test shares it, so a cookie signed by one is read by the others."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(
    database_url: str,
    log_path: Path,
    *,
    port: int | None = None,
    base_url: str | None = None,
    broker_url: str = "memory://",
    environment: Mapping[str, str | None] | None = None,
    command: Sequence[str] = ("serve",),
    ready_within: float = 120,
) -> Iterator[str]:
    """A server on ``database_url`` until the block ends; yields its address once it is ready
    (and, with a shared broker, once that broker listens). Without ``base_url`` the server has
    no ``SUMMIT_BASE_URL`` and takes its links' address from each request, as a demo does.
    ``command`` is the ``summit`` command that serves (``demo`` first migrates and loads the
    demo); a variable given as None in ``environment`` is left unset. The wait is for a
    condition, so a generous limit costs nothing when the machine is quick: on a loaded one
    (CI under stress), a server has taken over 30 s to start."""
    port = port or free_port()
    address = f"http://127.0.0.1:{port}"
    given = {
        **os.environ,
        "SUMMIT_DATABASE_URL": database_url,
        "SUMMIT_BROKER_URL": broker_url,
        "SUMMIT_SECRET_KEY": SECRET_KEY,
        "SUMMIT_ENVIRONMENT": "test",
        "SUMMIT_BASE_URL": base_url or "",
        "SUMMIT_LOG_LEVEL": "WARNING",
        **(environment or {}),
    }
    env = {name: value for name, value in given.items() if value is not None}
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - our own command line
            [sys.executable, "-m", "summit.cli", *command, "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_ready(address, server, log_path, ready_within)
            yield address
        finally:
            server.terminate()
            server.wait(timeout=10)


def _wait_until_ready(
    address: str, server: subprocess.Popen[bytes], log_path: Path, seconds: float
) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            answer = httpx.get(f"{address}/readyz", timeout=1)
            if answer.status_code == 200 and answer.json().get("broker") == "ok":
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            raise RuntimeError(f"the server at {address} did not start; see {log_path}")
        time.sleep(0.1)


class PrivateRedis:
    """A Redis of one test's own, on a free port, so that it can be killed (and started again
    on the same port) without harming anyone else."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.server: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        import redis

        self.server = subprocess.Popen(  # noqa: S603 - a fixed command line
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        client = redis.Redis(port=self.port)
        try:
            while True:
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
        finally:
            client.close()

    def kill(self) -> None:
        if self.server is not None:
            self.server.kill()
            self.server.wait(timeout=10)
            self.server = None


@contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("no redis-server on this machine")
    redis_server = PrivateRedis(executable)
    redis_server.start()
    try:
        yield redis_server
    finally:
        redis_server.kill()


@contextmanager
def serving_in_thread(app: Starlette) -> Iterator[tuple[str, asyncio.AbstractEventLoop]]:
    """``app`` served by uvicorn as ``summit serve`` serves it, in a thread; its address and
    its event loop."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **UVICORN_OPTIONS)
    )
    loops: list[asyncio.AbstractEventLoop] = []

    async def serve() -> None:
        loops.append(asyncio.get_running_loop())
        await server.serve()

    thread = threading.Thread(target=asyncio.run, args=(serve(),))
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started
        yield f"127.0.0.1:{port}", loops[0]
    finally:
        server.should_exit = True
        thread.join(30)
