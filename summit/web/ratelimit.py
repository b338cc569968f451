"""Limits on attempts (sign-in, reset, invitations), per client address and per account.

Counters live in memory for one process, or in Redis when ``SUMMIT_RATE_LIMIT_URL`` names one,
so that every process shares them.
"""

from __future__ import annotations

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
        if url.startswith("memory://"):
            storage = MemoryStorage()
        elif url.startswith(("redis://", "rediss://")):
            storage = RedisStorage(url, implementation="redispy")
        else:
            raise ValueError(f"unsupported rate-limit store {url.split(':', 1)[0]!r}")
        self._limiter = MovingWindowRateLimiter(storage)
        self._storage = storage

    async def hit(self, limit: RateLimitItem, *keys: str) -> bool:
        """Count one attempt; False when the limit is already reached."""
        return await self._limiter.hit(limit, "summit", *keys)

    async def reset(self) -> None:
        await self._storage.reset()
