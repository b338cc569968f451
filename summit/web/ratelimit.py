"""Limits on attempts (sign-in, reset, invitations), per client address and per account.

Counters live in memory for one process, or in Redis when ``SUMMIT_RATE_LIMIT_URL`` names one,
so that every process shares them.
"""

from __future__ import annotations

from typing import Any

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

SIGN_IN_PER_ADDRESS = parse("20/minute")
SIGN_IN_PER_ACCOUNT = parse("5/minute")
RESET_PER_ADDRESS = parse("5/10minutes")
INVITATION_PER_ADDRESS = parse("10/minute")


class RateLimiter:
    def __init__(self, url: str) -> None:
        storage: Storage
        self._pool: Any = None
        if url.startswith("memory://"):
            storage = MemoryStorage()
        elif url.startswith(("redis://", "rediss://")):
            from redis.asyncio import ConnectionPool

            # Our own pool, so that shutting down can close its connections.
            self._pool = ConnectionPool.from_url(url)
            storage = RedisStorage(url, implementation="redispy", connection_pool=self._pool)
        else:
            raise ValueError(f"unsupported rate-limit store {url.split(':', 1)[0]!r}")
        self._limiter = MovingWindowRateLimiter(storage)
        self._storage = storage

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.disconnect()

    async def hit(self, limit: RateLimitItem, *keys: str) -> bool:
        """Count one attempt; False when the limit is already reached."""
        return await self._limiter.hit(limit, "summit", *keys)

    async def reset(self) -> None:
        await self._storage.reset()
