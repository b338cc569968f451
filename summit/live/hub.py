"""The hub: tells every listener in this process about news on the topics it follows.

The in-process hub is the embedded default. It hands a message to every socket of a group in one
loop, as the plainest broadcast server does: no task and no queue item per socket and message,
which at thousands of sockets cost more than the sending itself, in time, garbage and memory
(``bench/fanout.py`` measures this against such a server).

The message is encoded once as a WebSocket frame, and for a socket served by uvicorn's
``websockets-sansio`` those very bytes are written to its transport (``summit.live.frames``).
Otherwise, or when that socket's transport is paused, the send is started at once: usually the
socket's buffer takes the frame and the send is over before the loop moves on. A send that has
to wait (the client is not reading) goes on in a task of its own, and what comes for that
socket meanwhile waits in its mailbox of ``SUBSCRIBER_BUFFER`` messages. A socket whose mailbox
is full, or whose send has waited ``SEND_SECONDS``, is closed with 1013 (it replays what it
missed when it reconnects): no socket can slow the others.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterable
from dataclasses import dataclass
from typing import Any

from summit.live.frames import text_frame, write_frame

SUBSCRIBER_BUFFER = 64
ACCOUNT_TOPIC = "account:"
SEND_SECONDS = 5.0

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
RESTARTING = Close(1012, "server restarting")


# A pushed message: the id of the event it shows (0 for none) and the HTML, shared by every
# socket of a group: the same string object, rendered once.
Push = tuple[int, str]
Send = Callable[[str], Coroutine[Any, Any, None]]


def _ignore_close() -> None:
    return None


@dataclass(eq=False, slots=True)
class Subscription:
    """One listener: its topics, its rendering group, and how to send to it and close it."""

    topics: frozenset[str]
    group: str = ""
    """Sockets that would be sent the same HTML share a group: same page, language and zone."""
    send: Send | None = None
    on_close: Callable[[], object] = _ignore_close
    """Called once when the hub closes this listener (its socket then closes with ``closed``)."""
    replayed: set[int] | None = None
    """Events the replay sent, not to be sent again. Compared by id, not by order: an event can
    arrive after a newer one when its transaction committed later."""
    refreshed_upto: int = 0
    """Events up to this id are in the regions the page was told to fetch again."""
    mailbox: deque[Push] | None = None
    """Waiting messages while a send is in progress (None otherwise: send at once)."""
    closed: Close | None = None
    sending: asyncio.Task[None] | None = None
    protocol: Any = None
    """The server's protocol object, when frames may be written to it directly
    (``summit.live.frames``); None: every message goes through ``send``."""

    def hold(self) -> None:
        """Keep what is delivered in the mailbox until ``flush`` (e.g. while replaying)."""
        if self.mailbox is None:
            self.mailbox = deque()

    def already_sent(self, event_id: int) -> bool:
        """Whether the replay (or a refresh) already gave the page ``event_id``."""
        if 0 < event_id <= self.refreshed_upto:
            return True
        if self.replayed is None or event_id not in self.replayed:
            return False
        self.replayed.discard(event_id)
        if not self.replayed:
            self.replayed = None
        return True

    async def flush(self) -> None:
        """Send what waited in the mailbox, in order; then deliveries send at once again."""
        assert self.send is not None  # noqa: S101 - only sockets hold and flush
        while self.mailbox:
            event_id, html = self.mailbox.popleft()
            if not self.already_sent(event_id):
                await self.send(html)
        self.mailbox = None


class MemoryHub:
    """Delivers within one process; several processes need a shared broker."""

    def __init__(self) -> None:
        self._by_topic: dict[str, dict[str, set[Subscription]]] = {}
        """Subscriptions by topic, then by rendering group: a delivery finds its groups without
        looking at each socket."""

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        for subscription in self.subscriptions():
            self.close(subscription, RESTARTING)
        self._by_topic.clear()

    def subscribe(
        self,
        topics: frozenset[str],
        group: str = "",
        *,
        send: Send | None = None,
        on_close: Callable[[], object] = _ignore_close,
        protocol: Any = None,
    ) -> Subscription:
        subscription = Subscription(topics, group, send, on_close, protocol=protocol)
        for topic in topics:
            self._by_topic.setdefault(topic, {}).setdefault(group, set()).add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        if subscription.sending is not None:
            subscription.sending.cancel()
        for topic in subscription.topics:
            groups = self._by_topic.get(topic)
            subscribers = groups.get(subscription.group) if groups is not None else None
            if groups is None or subscribers is None:
                continue
            subscribers.discard(subscription)
            if not subscribers:
                del groups[subscription.group]
                if not groups:
                    del self._by_topic[topic]

    def close(self, subscription: Subscription, message: Close) -> None:
        """Stop sending to ``subscription`` and have its socket close with ``message``."""
        if subscription.closed is not None:
            return
        subscription.closed = message
        subscription.mailbox = None
        self.unsubscribe(subscription)
        subscription.on_close()

    def listener_count(self, topic: str) -> int:
        return sum(len(group) for group in self._by_topic.get(topic, {}).values())

    def subscriptions(self) -> set[Subscription]:
        """Every open subscription in this process, once each."""
        return {s for groups in self._by_topic.values() for group in groups.values() for s in group}

    def accounts_listening(self) -> dict[int, list[Subscription]]:
        """The accounts with a socket open in this process, and those sockets."""
        return {
            int(topic.removeprefix(ACCOUNT_TOPIC)): [s for g in groups.values() for s in g]
            for topic, groups in self._by_topic.items()
            if topic.startswith(ACCOUNT_TOPIC)
        }

    def groups(self, topic: str) -> dict[str, tuple[Subscription, ...]]:
        """The subscribers of ``topic`` by rendering group (a snapshot: delivering may close
        some)."""
        return {group: tuple(found) for group, found in self._by_topic.get(topic, {}).items()}

    async def publish(self, topic: str, message: str, event_id: int = 0) -> int:
        """Hand ``message`` to every subscriber of ``topic``; returns how many took it."""
        return sum(
            self.deliver(subscribers, (event_id, message))
            for subscribers in self.groups(topic).values()
        )

    def deliver(self, subscriptions: Iterable[Subscription], push: Push) -> int:
        """Send ``push`` to each subscriber without waiting for any; returns how many took it
        (sent, or waiting in a mailbox). The frame is encoded once, for all of them."""
        event_id, html = push
        frame: bytes | None = None
        delivered = 0
        for subscription in subscriptions:
            if subscription.closed is not None:
                continue
            mailbox = subscription.mailbox
            if mailbox is not None:
                if len(mailbox) >= SUBSCRIBER_BUFFER:
                    self.close(subscription, OVERFLOW)
                    continue
                mailbox.append(push)
            elif subscription.send is None or subscription.already_sent(event_id):
                continue
            elif subscription.protocol is not None and write_frame(
                subscription.protocol, frame := frame or text_frame(html)
            ):
                pass  # written: the common case, with no Python work but the checks
            elif not self._start_send(subscription, html):
                continue
            delivered += 1
        return delivered

    def _start_send(self, subscription: Subscription, html: str) -> bool:
        """Send, or begin to; False when the socket turned out to be gone."""
        assert subscription.send is not None  # noqa: S101 - checked by the caller
        sending = subscription.send(html)
        try:
            # Run the send here, up to its first wait: for a socket whose buffer has room
            # that is the whole send, with no task, no queue and no switch.
            waiting_on = sending.send(None)
        except StopIteration:
            return True
        except Exception:  # noqa: BLE001 - the socket is closing or gone
            self.close(subscription, OVERFLOW)
            return False
        # The socket's buffer is full: finish in a task; meanwhile messages wait in the mailbox.
        subscription.mailbox = deque()
        subscription.sending = asyncio.create_task(
            self._finish(subscription, _Started(sending, waiting_on))
        )
        return True

    async def _finish(self, subscription: Subscription, started: Awaitable[None]) -> None:
        try:
            # The send that waited, then what came meanwhile: all within SEND_SECONDS.
            async with asyncio.timeout(SEND_SECONDS):
                await started
                await subscription.flush()
        except Exception:  # noqa: BLE001 - too slow (TimeoutError), or gone
            subscription.sending = None  # this task is ending: closing must not cancel it
            self.close(subscription, OVERFLOW)
        else:
            subscription.sending = None

    async def close_topic(self, topic: str, message: Close) -> int:
        """Close every subscriber of ``topic`` (e.g. an account's sockets when it signs out)."""
        subscribers = [s for group in self.groups(topic).values() for s in group]
        for subscription in subscribers:
            self.close(subscription, message)
        return len(subscribers)


class _Started:
    """Awaits the rest of a coroutine that was run by hand up to its first wait, on
    ``waiting_on``, as a task would have run it (``MemoryHub._start_send``)."""

    __slots__ = ("coroutine", "waiting_on")

    def __init__(self, coroutine: Coroutine[Any, Any, None], waiting_on: Any) -> None:
        self.coroutine = coroutine
        self.waiting_on = waiting_on

    def __await__(self) -> Generator[Any, None, None]:
        waiting_on = self.waiting_on
        while True:
            try:
                yield waiting_on
            except BaseException as error:  # cancelled while waiting: let the send clean up
                try:
                    waiting_on = self.coroutine.throw(error)
                except StopIteration:
                    return
            else:
                try:
                    waiting_on = self.coroutine.send(None)
                except StopIteration:
                    return
