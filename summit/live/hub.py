"""The hub: tells every listener in this process about news on the topics it follows.

The in-process hub is the embedded default. Each subscriber owns a small bounded queue; a
subscriber that cannot keep up is dropped (and told so) rather than allowed to slow the others.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field

SUBSCRIBER_BUFFER = 64


class HubConfigurationError(ValueError):
    """The broker URL names a broker this build cannot use."""


@dataclass(eq=False)
class Subscription:
    """One listener's topics and its bounded mailbox."""

    topics: frozenset[str]
    queue: asyncio.Queue[str] = field(
        default_factory=lambda: asyncio.Queue(maxsize=SUBSCRIBER_BUFFER)
    )
    overflowed: bool = False


class MemoryHub:
    """Delivers within one process; several processes need a shared broker."""

    def __init__(self) -> None:
        self._by_topic: dict[str, set[Subscription]] = defaultdict(set)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        for subscribers in self._by_topic.values():
            for subscription in subscribers:
                subscription.overflowed = True
        self._by_topic.clear()

    def subscribe(self, topics: frozenset[str]) -> Subscription:
        subscription = Subscription(topics)
        for topic in topics:
            self._by_topic[topic].add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        for topic in subscription.topics:
            subscribers = self._by_topic.get(topic)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._by_topic[topic]

    def listener_count(self, topic: str) -> int:
        return len(self._by_topic.get(topic, ()))

    async def publish(self, topic: str, message: str) -> int:
        """Hand ``message`` to every subscriber of ``topic``; returns how many took it."""
        delivered = 0
        for subscription in tuple(self._by_topic.get(topic, ())):
            try:
                subscription.queue.put_nowait(message)
                delivered += 1
            except asyncio.QueueFull:
                subscription.overflowed = True
                self.unsubscribe(subscription)
        return delivered


def create_hub(broker_url: str) -> MemoryHub:
    if broker_url.startswith("memory://"):
        return MemoryHub()
    raise HubConfigurationError(
        f"broker {broker_url.split(':', 1)[0]!r} is not available in this version; "
        "use memory:// (Redis and PostgreSQL brokers are planned in the live-updates issue)"
    )
