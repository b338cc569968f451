"""The hub: tells every listener in this process about news on the topics it follows.

The in-process hub is the embedded default. Each subscriber owns a small bounded mailbox; a
subscriber that cannot keep up is dropped (its socket closes with 1013 and catches up on
reconnect) rather than allowed to slow the others.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field

SUBSCRIBER_BUFFER = 64
ACCOUNT_TOPIC = "account:"

TRY_AGAIN_LATER = 1013
POLICY_VIOLATION = 1008


@dataclass(frozen=True, slots=True)
class Close:
    """Tells a socket to close with this code and reason."""

    code: int
    reason: str


OVERFLOW = Close(TRY_AGAIN_LATER, "too slow: reconnect to catch up")
SESSION_ENDED = Close(POLICY_VIOLATION, "session ended")
# 1012 makes the page's socket reconnect, and so re-subscribe with the account's new roles.
ROLES_CHANGED = Close(1012, "roles changed")


# A pushed message: the id of the event it shows (0 for none) and the HTML, shared by every
# socket of a group: the same string object, rendered once.
Push = tuple[int, str]


@dataclass(eq=False)
class Subscription:
    """One listener's topics, its rendering group and its bounded mailbox."""

    topics: frozenset[str]
    group: str = ""
    """Sockets that would be sent the same HTML share a group: same page, language and zone."""
    queue: asyncio.Queue[Push | Close] = field(
        # One slot more than the buffer, kept for the final Close.
        default_factory=lambda: asyncio.Queue(maxsize=SUBSCRIBER_BUFFER + 1)
    )
    closed: bool = False

    def close(self, message: Close) -> None:
        """Replace whatever is waiting with ``message``: nothing after it will be read."""
        self.closed = True
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(message)


class MemoryHub:
    """Delivers within one process; several processes need a shared broker."""

    def __init__(self) -> None:
        self._by_topic: dict[str, set[Subscription]] = defaultdict(set)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        for subscribers in list(self._by_topic.values()):
            for subscription in list(subscribers):
                subscription.close(Close(1012, "server restarting"))
        self._by_topic.clear()

    def subscribe(self, topics: frozenset[str], group: str = "") -> Subscription:
        subscription = Subscription(topics, group)
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

    def subscriptions(self) -> set[Subscription]:
        """Every open subscription in this process, once each."""
        return {s for subscribers in self._by_topic.values() for s in subscribers}

    def accounts_listening(self) -> dict[int, list[Subscription]]:
        """The accounts with a socket open in this process, and those sockets."""
        return {
            int(topic.removeprefix(ACCOUNT_TOPIC)): list(subscribers)
            for topic, subscribers in self._by_topic.items()
            if topic.startswith(ACCOUNT_TOPIC)
        }

    def groups(self, topic: str) -> dict[str, list[Subscription]]:
        """The subscribers of ``topic`` by rendering group."""
        found: dict[str, list[Subscription]] = defaultdict(list)
        for subscription in self._by_topic.get(topic, ()):
            found[subscription.group].append(subscription)
        return found

    async def publish(self, topic: str, message: str, event_id: int = 0) -> int:
        """Hand ``message`` to every subscriber of ``topic``; returns how many took it."""
        return self.deliver(tuple(self._by_topic.get(topic, ())), (event_id, message))

    def deliver(
        self, subscriptions: tuple[Subscription, ...] | list[Subscription], push: Push
    ) -> int:
        """Put ``push`` in each mailbox without waiting; a full one closes its socket (1013)."""
        delivered = 0
        for subscription in subscriptions:
            if subscription.closed:
                continue
            if subscription.queue.qsize() >= SUBSCRIBER_BUFFER:
                subscription.close(OVERFLOW)
                self.unsubscribe(subscription)
                continue
            subscription.queue.put_nowait(push)
            delivered += 1
        return delivered

    async def close_topic(self, topic: str, message: Close) -> int:
        """Close every subscriber of ``topic`` (e.g. an account's sockets when it signs out)."""
        subscribers = tuple(self._by_topic.get(topic, ()))
        for subscription in subscribers:
            subscription.close(message)
            self.unsubscribe(subscription)
        return len(subscribers)
