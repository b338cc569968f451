from __future__ import annotations

import pytest
from limits import parse

from summit.web.ratelimit import RateLimiter

THREE_A_MINUTE = parse("3/minute")


@pytest.mark.anyio
async def test_memory_limiter_counts_per_key() -> None:
    limiter = RateLimiter("memory://")

    first = [await limiter.hit(THREE_A_MINUTE, "sign-in", "10.0.0.1") for _ in range(4)]
    other = await limiter.hit(THREE_A_MINUTE, "sign-in", "10.0.0.2")

    assert (first, other) == ([True, True, True, False], True)


@pytest.mark.redis
@pytest.mark.anyio
async def test_redis_limiter_is_shared_between_processes(redis_url: str) -> None:
    one_process = RateLimiter(redis_url)
    another_process = RateLimiter(redis_url)

    hits = [await one_process.hit(THREE_A_MINUTE, "reset", "10.0.0.9") for _ in range(3)]
    fourth = await another_process.hit(THREE_A_MINUTE, "reset", "10.0.0.9")

    await one_process.close()
    await another_process.close()

    assert (hits, fourth) == ([True, True, True], False)


def test_an_unknown_store_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported rate-limit store"):
        RateLimiter("memcached://127.0.0.1:11211")


@pytest.mark.anyio
async def test_an_unreachable_store_falls_back_to_counting_in_memory() -> None:
    limiter = RateLimiter("redis://127.0.0.1:1/0")  # nothing listens on port 1

    hits = [await limiter.hit(THREE_A_MINUTE, "reset", "10.0.0.9") for _ in range(4)]
    answers = await limiter.probe()
    await limiter.close()

    assert (hits, limiter.degraded, answers) == ([True, True, True, False], True, False)
