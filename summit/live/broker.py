"""Tells every app process that there are new events in the table.

The message carries no content: each process reads what it has not seen from the event table,
so a lost message loses nothing (the next one, or the fallback below, catches up).

- ``memory://``: one process; the news goes straight to this process's dispatcher.
- ``redis://…``: a Redis channel (redis.asyncio). While the connection is down, the process
  reconnects with backoff and meanwhile reads the event table every second; ``/readyz`` says
  it is degraded.
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
    """One process: the news is delivered at once, in this process."""

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


class RedisBroker:
    """Several processes share news through a Redis channel."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._notify: Notify | None = None
        self._task: asyncio.Task[None] | None = None
        self._client: Any = None
        self.degraded = True

    async def start(self, notify: Notify) -> None:
        from redis.asyncio import Redis

        self._notify = notify
        self._client = Redis.from_url(self._url)
        self._task = asyncio.create_task(self._listen(), name="broker-listen")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._client is not None:
            await self._client.aclose()

    async def announce(self) -> None:
        try:
            await self._client.publish(CHANNEL, b"news")
        except Exception:  # noqa: BLE001 - the writer's change is committed: never fail it
            # Other processes catch up by polling while their connection is down too, or with
            # the next announcement; this process delivers its own news now.
            await log.awarning("broker unreachable: news delivered locally only")
            if self._notify is not None:
                await self._notify()

    async def _listen(self) -> None:
        backoff = 0.5
        # Until the first subscription succeeds, and whenever it is lost: read the table.
        poller: asyncio.Task[None] | None = asyncio.create_task(self._poll())
        try:
            while True:
                pubsub = self._client.pubsub()
                try:
                    await pubsub.subscribe(CHANNEL)
                    if poller is not None:
                        poller.cancel()
                        poller = None
                    self.degraded = False
                    backoff = 0.5
                    # Connected: catch up on what happened while we were not listening.
                    await self._deliver()
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            await self._deliver()
                except asyncio.CancelledError:
                    raise
                except Exception:  # noqa: BLE001 - any connection failure: poll, reconnect
                    await log.awarning("broker connection lost; reading the event table")
                finally:
                    with contextlib.suppress(Exception):
                        await pubsub.aclose()
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


def create_broker(url: str) -> MemoryBroker | RedisBroker:
    if url.startswith("memory://"):
        return MemoryBroker()
    if url.startswith(("redis://", "rediss://")):
        return RedisBroker(url)
    raise BrokerConfigurationError(
        f"broker {url.split(':', 1)[0]!r} is not available in this version; "
        "use memory:// or redis://"
    )
