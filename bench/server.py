"""The benchmarks' server processes: ``summit serve`` and the fan-out reference, each started on
a free port of 127.0.0.1 and stopped afterwards; their memory, cores and open-files limit."""

from __future__ import annotations

import contextlib
import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx


def check_broker(url: str) -> None:
    """Stop the bench unless the broker at ``url`` answers: servers that cannot reach it fall
    back to reading the event table once a second, and the bench would time that instead."""
    try:
        if url.startswith("redis"):
            from redis import Redis

            Redis.from_url(url, socket_connect_timeout=2).ping()
        else:
            import psycopg

            from summit.live.broker import postgres_conninfo

            psycopg.connect(postgres_conninfo(url), connect_timeout=2).close()
    except Exception as error:  # noqa: BLE001 - any failure: say which and stop
        raise SystemExit(f"the broker at {url} does not answer: {error}") from None


def free_port() -> int:
    """A free port of 127.0.0.1: any, or one of ``BENCH_PORTS`` (``first-last``) when set, for a
    machine whose ports are shared out."""
    first, _, last = os.environ.get("BENCH_PORTS", "0-0").partition("-")
    for port in range(int(first), int(last) + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            found: int = sock.getsockname()[1]
            if found not in _taken:
                _taken.add(found)
                return found
    raise SystemExit(f"no free port in BENCH_PORTS={os.environ['BENCH_PORTS']}")


TRACED = Path(__file__).with_name("traced_server.py")

_taken: set[int] = set()
"""Ports handed out by this process: a server just started may not be listening yet."""


@dataclass(frozen=True)
class Server:
    base: str
    pid: int


@contextmanager
def serving(
    database_url: str,
    *,
    workers: int = 1,
    broker_url: str = "memory://",
    snapshots: Path | None = None,
) -> Iterator[Server]:
    """A running server on ``database_url``; stopped afterwards. With ``snapshots``, it runs
    under ``bench/traced_server.py``, writing its snapshots there."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SUMMIT_DATABASE_URL": database_url,
        "SUMMIT_LOG_LEVEL": "WARNING",
        "SUMMIT_BROKER_URL": broker_url,
        "SUMMIT_BASE_URL": base,
        "SUMMIT_SECRET_KEY": "bench-secret-key-bench-secret-key-0123456789",
        # Every benchmark client comes from 127.0.0.1: thousands of sockets from one address.
        "SUMMIT_MAX_SOCKETS_PER_CLIENT": "0",
    }
    if snapshots is None:
        command = [sys.executable, "-m", "summit.cli", "serve", "--port", str(port)]
        command += ["--workers", str(workers)]
    else:
        env["BENCH_SNAPSHOT"] = str(snapshots)
        command = [sys.executable, str(TRACED), "summit", "--port", str(port)]
    server = subprocess.Popen(  # noqa: S603 - our own command line
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_healthy(base, seconds=120, what="the server")  # a loaded machine starts slowly
        yield Server(base=base, pid=server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_healthy(base: str, *, seconds: float, what: str) -> None:
    """Wait until the server at ``base`` answers its health check, or stop the bench."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{what} did not start")
        time.sleep(0.1)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def raise_open_files_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        # Inherited by the servers this process starts.
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def pin(pid: int, core: int, enabled: bool) -> None:
    if enabled and (os.cpu_count() or 1) >= 2:
        place(pid, {core})


def place(pid: int, cores: set[int]) -> None:
    """Run every thread of process ``pid`` on ``cores`` from now on. Each thread, because a
    process's affinity is its threads': set on the process id alone, it would leave the worker
    threads already started where they were."""
    for task in os.listdir(f"/proc/{pid}/task"):
        # A thread may end between the listing and the call.
        with contextlib.suppress(ProcessLookupError):
            os.sched_setaffinity(int(task), cores)


@contextmanager
def reference_server(pin_cores: bool, *, snapshots: Path | None = None) -> Iterator[Server]:
    """The fan-out reference, running; stopped afterwards. With ``snapshots``, as ``serving``."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, str(Path(__file__).with_name("reference_server.py"))]
    env = dict(os.environ)
    if snapshots is not None:
        env["BENCH_SNAPSHOT"] = str(snapshots)
        command = [sys.executable, str(TRACED), "reference"]
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_healthy(base, seconds=30, what="the reference server")
        pin(process.pid, 0, pin_cores)
        yield Server(base=base, pid=process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)
