"""The broker tells every process there is news; a lost connection loses nothing."""

from __future__ import annotations

import asyncio
import time

import anyio
import pytest
from sqlalchemy import Engine, text

from summit.live.broker import (
    BrokerConfigurationError,
    MemoryBroker,
    PostgresBroker,
    RedisBroker,
    create_broker,
    postgres_conninfo,
)
from tests.servers import free_port


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
    broker = RedisBroker(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    await broker.start(counter)

    await _wait_for(lambda: counter.calls >= 2, seconds=4)
    await broker.announce()  # never fails the writer

    assert broker.degraded
    await broker.stop()


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _terminate_listeners(engine: Engine) -> int:
    """Cuts the brokers' connections to this test's database, as a failover or restart would."""
    with engine.connect() as connection:
        killed = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = 'summit-broker' "
                "AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
        connection.commit()
    return int(killed)


def test_the_database_url_names_a_postgresql_broker() -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

    assert isinstance(create_broker(url), PostgresBroker)
    assert postgres_conninfo(url) == "postgresql://postgres@127.0.0.1:5432/test"


@pytest.mark.postgres
@pytest.mark.anyio
async def test_news_on_postgresql_reaches_every_process(postgres_engine: Engine) -> None:
    here, there = Counter(), Counter()
    one, other = PostgresBroker(_url(postgres_engine)), PostgresBroker(_url(postgres_engine))
    await one.start(here)
    await other.start(there)
    await _wait_for(lambda: not one.degraded and not other.degraded)
    before = (here.calls, there.calls)

    await one.announce()
    await _wait_for(lambda: here.calls > before[0] and there.calls > before[1])

    await one.stop()
    await other.stop()


@pytest.mark.postgres
@pytest.mark.anyio
async def test_a_cut_postgresql_connection_polls_then_listens_again(
    postgres_engine: Engine,
) -> None:
    counter = Counter()
    broker = PostgresBroker(_url(postgres_engine))
    await broker.start(counter)
    await _wait_for(lambda: not broker.degraded)

    assert await anyio.to_thread.run_sync(_terminate_listeners, postgres_engine) >= 1
    await _wait_for(lambda: broker.degraded)
    await _wait_for(lambda: not broker.degraded, seconds=10)
    before = counter.calls
    await broker.announce()

    await _wait_for(lambda: counter.calls > before)
    await broker.stop()


@pytest.mark.anyio
async def test_without_postgresql_the_table_is_read_every_second() -> None:
    counter = Counter()
    broker = PostgresBroker(f"postgresql://postgres@127.0.0.1:{free_port()}/test")
    await broker.start(counter)

    await _wait_for(lambda: counter.calls >= 2, seconds=6)
    await broker.announce()  # never fails the writer

    assert broker.degraded
    await broker.stop()
