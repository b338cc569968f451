from __future__ import annotations

import pytest

from summit.live.hub import (
    OVERFLOW,
    SESSION_ENDED,
    SUBSCRIBER_BUFFER,
    MemoryHub,
)


@pytest.mark.anyio
async def test_publish_reaches_only_subscribers_of_the_topic() -> None:
    hub = MemoryHub()
    programme = hub.subscribe(frozenset({"summit:1:programme"}))
    other = hub.subscribe(frozenset({"session:9"}))

    delivered = await hub.publish("summit:1:programme", "<div id='x'></div>")

    assert (delivered, programme.queue.get_nowait(), other.queue.empty()) == (
        1,
        (0, "<div id='x'></div>"),
        True,
    )


@pytest.mark.anyio
async def test_a_subscriber_that_cannot_keep_up_is_dropped_and_others_are_served() -> None:
    hub = MemoryHub()
    stuck = hub.subscribe(frozenset({"t"}))
    reader = hub.subscribe(frozenset({"t"}))

    received = []
    for index in range(SUBSCRIBER_BUFFER + 5):
        await hub.publish("t", str(index))
        received.append(reader.queue.get_nowait())

    assert (stuck.closed, reader.closed, hub.listener_count("t"), len(received)) == (
        True,
        False,
        1,
        SUBSCRIBER_BUFFER + 5,
    )
    # What the stuck one finds next is the order to close, not stale news.
    assert (stuck.queue.qsize(), stuck.queue.get_nowait()) == (1, OVERFLOW)


@pytest.mark.anyio
async def test_closing_a_topic_closes_its_subscribers_only() -> None:
    hub = MemoryHub()
    mine = hub.subscribe(frozenset({"account:1", "summit:1:public"}))
    other = hub.subscribe(frozenset({"account:2", "summit:1:public"}))

    closed = await hub.close_topic("account:1", SESSION_ENDED)

    assert (closed, mine.queue.get_nowait(), other.closed) == (1, SESSION_ENDED, False)
    assert hub.listener_count("summit:1:public") == 1


@pytest.mark.anyio
async def test_unsubscribe_forgets_empty_topics() -> None:
    hub = MemoryHub()
    subscription = hub.subscribe(frozenset({"a", "b"}))

    hub.unsubscribe(subscription)

    assert (hub.listener_count("a"), hub.listener_count("b")) == (0, 0)
