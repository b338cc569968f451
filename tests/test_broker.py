"""The broker tells every process there is news; a lost connection loses nothing."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import httpx2 as httpx
import pytest
from sqlmodel import select
from websockets.sync.client import connect
from websockets.typing import Origin

from summit.agenda.models import ProgrammeSession
from summit.db import Database, create_db_engine
from summit.live.broker import BrokerConfigurationError, MemoryBroker, RedisBroker, create_broker
from tests.browser.conftest import _free_port
from tests.conftest import DEMO_PASSWORD, sqlite_settings


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self) -> None:
        self.calls += 1


@pytest.mark.anyio
async def test_the_memory_broker_delivers_in_this_process() -> None:
    counter = Counter()
    broker = MemoryBroker()
    await broker.start(counter)

    await broker.announce()

    assert (counter.calls, broker.degraded) == (1, False)


def test_an_unknown_broker_is_refused() -> None:
    with pytest.raises(BrokerConfigurationError, match="not available"):
        create_broker("kafka://127.0.0.1:9092")


async def _wait_for(condition: object, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.05)


@pytest.mark.redis
@pytest.mark.anyio
async def test_news_on_redis_reaches_every_process(redis_url: str) -> None:
    here, there = Counter(), Counter()
    one, other = RedisBroker(redis_url), RedisBroker(redis_url)
    await one.start(here)
    await other.start(there)
    await _wait_for(lambda: not one.degraded and not other.degraded)
    before = (here.calls, there.calls)

    await one.announce()
    await _wait_for(lambda: here.calls > before[0] and there.calls > before[1])

    await one.stop()
    await other.stop()


@pytest.mark.anyio
async def test_without_redis_the_table_is_read_every_second() -> None:
    counter = Counter()
    broker = RedisBroker(f"redis://127.0.0.1:{_free_port()}/0")  # nothing listens there
    await broker.start(counter)

    await _wait_for(lambda: counter.calls >= 2, seconds=4)
    await broker.announce()  # never fails the writer

    assert broker.degraded
    await broker.stop()


def _serve(
    database_url: str, port: int, base: str, redis_url: str, log: IO[bytes]
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SUMMIT_DATABASE_URL": database_url,
        "SUMMIT_BROKER_URL": redis_url,
        "SUMMIT_RATE_LIMIT_URL": redis_url,
        "SUMMIT_BASE_URL": base,
        "SUMMIT_SECRET_KEY": "shared-secret-key-shared-secret-key-0123",
        "SUMMIT_ENVIRONMENT": "test",
        "SUMMIT_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "summit.cli", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _ready(base: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).json().get("broker") == "ok":
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{base} did not become ready")
        time.sleep(0.2)


@pytest.mark.redis
def test_a_change_through_one_process_reaches_a_socket_on_another(
    redis_url: str, tmp_path: Path, demo_database_file: Path
) -> None:
    database_path = tmp_path / "shared.db"
    shutil.copyfile(demo_database_file, database_path)
    settings = sqlite_settings(database_path)
    database = Database(create_db_engine(settings))
    with database.read() as db:
        opening = db.exec(
            select(ProgrammeSession.id).where(ProgrammeSession.code == "OPENING")
        ).one()
    database.dispose()
    ports = (_free_port(), _free_port())
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    logs = [(tmp_path / f"server{index}.log").open("wb") for index in range(2)]
    servers = [
        _serve(settings.database_url, port, bases[0], redis_url, log)
        for port, log in zip(ports, logs, strict=True)
    ]
    try:
        for base in bases:
            _ready(base)
        with httpx.Client(base_url=bases[0]) as organiser:
            token = re.search(r'name="csrf_token" value="([^"]+)"', organiser.get("/signin").text)
            assert token is not None
            organiser.post(
                "/signin",
                data={
                    "email": "organiser@example.org",
                    "password": DEMO_PASSWORD,
                    "csrf_token": token.group(1),
                },
                headers={"origin": bases[0]},
            )
            with connect(
                f"{bases[1].replace('http', 'ws')}/ogp2021/live?page=session&session={opening}",
                origin=Origin(bases[1]),
            ) as socket:
                page = organiser.get("/ogp2021/manage/").text
                token = re.search(r'name="csrf_token" value="([^"]+)"', page)
                assert token is not None
                answer = organiser.post(
                    f"/ogp2021/manage/sessions/{opening}/status",
                    data={"status": "late", "delay_minutes": "20", "csrf_token": token.group(1)},
                    headers={"origin": bases[0]},
                )
                assert answer.status_code == 303
                message = socket.recv(timeout=10)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        for log in logs:
            log.close()

    assert "Running 20 minutes late" in str(message)
