"""Tells every app process that there are new events in the table.

The message carries no content: each process reads what it has not seen from the event table,
so a lost message loses nothing (the next one, or the fallback below, catches up).

- ``memory://``: one process; the news goes straight to this process's dispatcher.
- ``redis://…``: a Redis channel (redis.asyncio).
- ``postgresql://…``: PostgreSQL LISTEN/NOTIFY (psycopg 3).

While a shared broker's connection is down, the process reconnects with backoff and meanwhile
reads the event table every second; ``/readyz`` says it is degraded.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import structlog

log = structlog.get_logger("summit.live")

CHANNEL = "summit:news"
POLL_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 10.0

Notify = Callable[[], Awaitable[None]]


class BrokerConfigurationError(ValueError):
    """The broker URL names a broker this build cannot use."""


class Broker(Protocol):
    degraded: bool

    async def start(self, notify: Notify) -> None: ...

    async def stop(self) -> None: ...

    async def announce(self) -> None:
        """There are new events (call after the commit that wrote them)."""
        ...


class MemoryBroker:
    """One process: the news goes at once to this process's dispatcher (which delivers it in
    its own task: the writer does not wait)."""

    degraded = False

    def __init__(self) -> None:
        self._notify: Notify | None = None

    async def start(self, notify: Notify) -> None:
        self._notify = notify

    async def stop(self) -> None:
        self._notify = None

    async def announce(self) -> None:
        if self._notify is not None:
            await self._notify()


class SharedBroker:
    """What the shared brokers have in common: listen, and while not listening, poll.

    A subclass says how to listen (``_listen_once``: returns or raises when the connection is
    lost, calls ``on_connected`` once it listens) and how to announce (``_publish``).
    """

    name = "shared"

    def __init__(self) -> None:
        self._notify: Notify | None = None
        self._task: asyncio.Task[None] | None = None
        self.degraded = True

    async def start(self, notify: Notify) -> None:
        self._notify = notify
        self._task = asyncio.create_task(self._listen(), name=f"broker-{self.name}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def announce(self) -> None:
        try:
            await self._publish()
        except Exception:  # noqa: BLE001 - the writer's change is committed: never fail it
            # Other processes catch up by polling while their connection is down too, or with
            # the next announcement; this process delivers its own news now.
            await log.awarning("broker unreachable: news delivered locally only", broker=self.name)
            await self._deliver()

    async def _publish(self) -> None:
        raise NotImplementedError

    async def _listen_once(self, on_connected: Callable[[], Awaitable[None]]) -> None:
        raise NotImplementedError

    async def _listen(self) -> None:
        backoff = 0.5
        # Until the first subscription succeeds, and whenever it is lost: read the table.
        poller: asyncio.Task[None] | None = asyncio.create_task(self._poll())

        async def connected() -> None:
            nonlocal poller, backoff
            if poller is not None:
                poller.cancel()
                poller = None
            self.degraded = False
            backoff = 0.5
            # Listening again: catch up on what happened while we were not.
            await self._deliver()

        try:
            while True:
                try:
                    await self._listen_once(connected)
                except asyncio.CancelledError:
                    raise
                except Exception:  # noqa: BLE001 - any connection failure: poll, reconnect
                    await log.awarning(
                        "broker connection lost; reading the event table", broker=self.name
                    )
                self.degraded = True
                if poller is None:
                    poller = asyncio.create_task(self._poll())
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
        finally:
            if poller is not None:
                poller.cancel()

    async def _poll(self) -> None:
        while True:
            await self._deliver()
            await asyncio.sleep(POLL_SECONDS)

    async def _deliver(self) -> None:
        if self._notify is None:
            return
        try:
            await self._notify()
        except Exception:  # noqa: BLE001 - a failed delivery is retried by the next one
            await log.aexception("delivering news failed")


class RedisBroker(SharedBroker):
    """Several processes share news through a Redis channel (redis.asyncio)."""

    name = "redis"

    def __init__(self, url: str) -> None:
        super().__init__()
        self._url = url
        self._client: Any = None

    async def start(self, notify: Notify) -> None:
        from redis.asyncio import Redis

        self._client = Redis.from_url(self._url, socket_connect_timeout=2, health_check_interval=5)
        await super().start(notify)

    async def stop(self) -> None:
        await super().stop()
        if self._client is not None:
            await self._client.aclose()

    async def _publish(self) -> None:
        await self._client.publish(CHANNEL, b"news")

    async def _listen_once(self, on_connected: Callable[[], Awaitable[None]]) -> None:
        pubsub = self._client.pubsub()
        try:
            await pubsub.subscribe(CHANNEL)
            await on_connected()
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    await self._deliver()
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()


PG_CHANNEL = "summit_news"
PG_CHECK_SECONDS = 5.0
"""How often an idle LISTEN connection is checked: a dead peer does not always say so."""


def postgres_conninfo(url: str) -> str:
    """psycopg takes ``postgresql://``; SQLAlchemy's ``postgresql+psycopg://`` is accepted too."""
    scheme, rest = url.split("://", 1)
    return f"{scheme.split('+', 1)[0]}://{rest}"


class PostgresBroker(SharedBroker):
    """Several processes share news through PostgreSQL LISTEN/NOTIFY (psycopg 3, async)."""

    name = "postgresql"

    def __init__(self, url: str) -> None:
        super().__init__()
        self._conninfo = postgres_conninfo(url)
        self._announcer: Any = None
        self._announce_lock = asyncio.Lock()

    async def stop(self) -> None:
        await super().stop()
        if self._announcer is not None:
            with contextlib.suppress(Exception):
                await self._announcer.close()
            self._announcer = None

    async def _connect(self) -> Any:
        import psycopg

        return await psycopg.AsyncConnection.connect(
            self._conninfo,
            autocommit=True,
            connect_timeout=2,
            application_name="summit-broker",
        )

    async def _publish(self) -> None:
        # One connection for announcements, opened on first use and again after a failure.
        async with self._announce_lock:
            try:
                if self._announcer is None or self._announcer.closed:
                    self._announcer = await self._connect()
                await self._announcer.execute("SELECT pg_notify(%s, '')", (PG_CHANNEL,))
            except Exception:
                if self._announcer is not None:
                    with contextlib.suppress(Exception):
                        await self._announcer.close()
                self._announcer = None
                raise

    async def _listen_once(self, on_connected: Callable[[], Awaitable[None]]) -> None:
        connection = await self._connect()
        try:
            await connection.execute(f"LISTEN {PG_CHANNEL}")
            await on_connected()
            while True:
                news = False
                async for _ in connection.notifies(timeout=PG_CHECK_SECONDS):
                    news = True
                    break
                if news:
                    await self._deliver()
                else:
                    # Quiet for a while: make sure the connection is still there.
                    await connection.execute("SELECT 1")
        finally:
            with contextlib.suppress(Exception):
                await connection.close()


def create_broker(url: str) -> MemoryBroker | RedisBroker | PostgresBroker:
    if url.startswith("memory://"):
        return MemoryBroker()
    if url.startswith(("redis://", "rediss://")):
        return RedisBroker(url)
    if url.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        return PostgresBroker(url)
    raise BrokerConfigurationError(
        f"broker {url.split(':', 1)[0]!r} is not available in this version; "
        "use memory://, redis:// or postgresql://"
    )
