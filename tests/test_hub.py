from __future__ import annotations

import asyncio

import pytest

from summit.live import hub as hub_module
from summit.live.hub import (
    OVERFLOW,
    SESSION_ENDED,
    SUBSCRIBER_BUFFER,
    Close,
    MemoryHub,
    Send,
    Subscription,
)


class Socket:
    """A socket's side of the hub: what it was sent, and how it was closed."""

    def __init__(self, gate: asyncio.Event | None = None) -> None:
        self.received: list[str] = []
        self.closed: list[Close | None] = []
        self.gate = gate  # while not set, a send waits (a client that does not read)

    async def send(self, html: str) -> None:
        if self.gate is not None:
            await self.gate.wait()
        self.received.append(html)

    def subscribe(self, hub: MemoryHub, *topics: str) -> Subscription:
        send: Send = self.send
        subscription = hub.subscribe(
            frozenset(topics), send=send, on_close=lambda: self.closed.append(subscription.closed)
        )
        return subscription


@pytest.mark.anyio
async def test_publish_reaches_only_subscribers_of_the_topic() -> None:
    hub = MemoryHub()
    programme, other = Socket(), Socket()
    programme.subscribe(hub, "summit:1:programme")
    other.subscribe(hub, "session:9")

    delivered = await hub.publish("summit:1:programme", "<div id='x'></div>")

    assert (delivered, programme.received, other.received) == (1, ["<div id='x'></div>"], [])


@pytest.mark.anyio
async def test_a_subscriber_that_cannot_keep_up_is_closed_and_others_are_served_at_once() -> None:
    hub = MemoryHub()
    stuck, reader = Socket(gate=asyncio.Event()), Socket()
    stuck_subscription = stuck.subscribe(hub, "t")
    reader.subscribe(hub, "t")

    served_at_once = []
    for index in range(SUBSCRIBER_BUFFER + 2):
        await hub.publish("t", str(index))
        served_at_once.append(reader.received[-1])

    # One send waiting, a full mailbox behind it, and the next message closes the socket.
    assert (stuck.closed, stuck_subscription.closed, stuck.received) == ([OVERFLOW], OVERFLOW, [])
    assert (hub.listener_count("t"), served_at_once) == (
        1,
        [str(index) for index in range(SUBSCRIBER_BUFFER + 2)],
    )


@pytest.mark.anyio
async def test_a_send_that_waits_too_long_closes_the_socket(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hub_module, "SEND_SECONDS", 0.01)
    hub = MemoryHub()
    stuck = Socket(gate=asyncio.Event())
    closed = asyncio.Event()
    hub.subscribe(frozenset({"t"}), send=stuck.send, on_close=closed.set)

    await hub.publish("t", "one")
    await asyncio.wait_for(closed.wait(), 10)

    assert (hub.listener_count("t"), stuck.received) == (0, [])


@pytest.mark.anyio
async def test_a_slow_socket_gets_what_waited_in_order_once_it_reads() -> None:
    hub = MemoryHub()
    gate = asyncio.Event()
    slow = Socket(gate=gate)
    subscription = slow.subscribe(hub, "t")

    for index in range(4):
        await hub.publish("t", str(index), event_id=index + 1)
    gate.set()
    assert subscription.sending is not None
    await subscription.sending

    assert (slow.received, slow.closed, subscription.mailbox) == (["0", "1", "2", "3"], [], None)


@pytest.mark.anyio
async def test_a_held_subscription_skips_what_the_replay_sent_and_nothing_else() -> None:
    hub = MemoryHub()
    socket = Socket()
    subscription = socket.subscribe(hub, "t")
    subscription.hold()

    for event_id in (4, 5):
        await hub.publish("t", f"event {event_id}", event_id=event_id)
    subscription.replayed = {4, 5, 6}  # what a replay sent meanwhile
    await subscription.flush()
    await hub.publish("t", "event 6", event_id=6)  # the dispatcher catching up: skipped
    await hub.publish("t", "event 3", event_id=3)  # committed late: sent all the same
    await hub.publish("t", "event 7", event_id=7)

    assert socket.received == ["event 3", "event 7"]
    assert not subscription.replayed  # every replayed id was met once: nothing left to skip


@pytest.mark.anyio
async def test_closing_a_topic_closes_its_subscribers_only() -> None:
    hub = MemoryHub()
    mine, other = Socket(), Socket()
    mine.subscribe(hub, "account:1", "summit:1:public")
    other.subscribe(hub, "account:2", "summit:1:public")

    closed = await hub.close_topic("account:1", SESSION_ENDED)

    assert (closed, mine.closed, other.closed) == (1, [SESSION_ENDED], [])
    assert hub.listener_count("summit:1:public") == 1


@pytest.mark.anyio
async def test_unsubscribe_forgets_empty_topics() -> None:
    hub = MemoryHub()
    subscription = hub.subscribe(frozenset({"a", "b"}))

    hub.unsubscribe(subscription)

    assert (hub.listener_count("a"), hub.listener_count("b")) == (0, 0)


@pytest.mark.anyio
async def test_a_socket_that_is_gone_is_dropped_and_not_counted() -> None:
    hub = MemoryHub()
    reader = Socket()

    async def fail(html: str) -> None:
        raise ConnectionResetError

    gone_subscription = hub.subscribe(frozenset({"t"}), send=fail, on_close=lambda: None)
    reader.subscribe(hub, "t")

    delivered = await hub.publish("t", "x")

    assert (delivered, gone_subscription.closed, reader.received) == (1, OVERFLOW, ["x"])
    assert hub.listener_count("t") == 1
