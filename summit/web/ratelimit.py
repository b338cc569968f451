"""Limits on attempts (sign-in, reset, invitations, Q&A, API reads), per client address and per
account.

Counters live in memory for one process, or in Redis when ``SUMMIT_RATE_LIMIT_URL`` names one,
so that every process shares them. When Redis cannot be reached, each process counts in its own
memory instead (the limits then hold per process, not over all of them), says so once in the
log, and tries Redis again every ``RETRY_SECONDS``: an outage of the store never turns a
sign-in into an error, and a dead store never holds a request up for long.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import structlog
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

SIGN_IN_PER_ADDRESS = parse("20/minute")
SIGN_IN_PER_ACCOUNT_AND_ADDRESS = parse("5/minute")
# Higher than what one address may try, so that locking somebody out takes many addresses
# and a sustained effort; low enough that guessing from many addresses stays slow
# (docs/security.md, "Abuse").
SIGN_IN_PER_ACCOUNT = parse("30/10minutes")
RESET_PER_ADDRESS = parse("5/10minutes")
INVITATION_PER_ADDRESS = parse("10/minute")

RETRY_SECONDS = 5.0
"""While the shared store is down, how often one request tries it again."""
STORE_TIMEOUT_SECONDS = 1.0
"""The longest a request waits for the shared store (connecting, or an answer)."""

log = structlog.get_logger("summit.ratelimit")


class RateLimiter:
    def __init__(
        self,
        url: str,
        *,
        retry_seconds: float = RETRY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._pool: Any = None
        self._shared: MovingWindowRateLimiter | None = None
        self._store: RedisStorage | None = None
        if url.startswith(("redis://", "rediss://")):
            from redis.asyncio import ConnectionPool
            from redis.asyncio.retry import Retry
            from redis.backoff import NoBackoff

            # Our own pool, so that shutting down can close its connections; no retries and
            # short timeouts, so that a dead store costs a request a second at most.
            self._pool = ConnectionPool.from_url(
                url,
                socket_connect_timeout=STORE_TIMEOUT_SECONDS,
                socket_timeout=STORE_TIMEOUT_SECONDS,
                retry=Retry(NoBackoff(), 0),
            )
            self._store = RedisStorage(
                url, implementation="redispy", connection_pool=self._pool, wrap_exceptions=True
            )
            self._shared = MovingWindowRateLimiter(self._store)
        elif not url.startswith("memory://"):
            raise ValueError(f"unsupported rate-limit store {url.split(':', 1)[0]!r}")
        self._memory_store = MemoryStorage()
        self._memory = MovingWindowRateLimiter(self._memory_store)
        self._retry_seconds = retry_seconds
        self._clock = clock
        self._down = False
        self._retry_at = 0.0

    @property
    def degraded(self) -> bool:
        """True while the shared store is down and this process counts on its own."""
        return self._down

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.disconnect()

    async def hit(self, limit: RateLimitItem, *keys: str) -> bool:
        """Count one attempt; False when the limit is already reached."""
        if self._shared is not None and self._due():
            try:
                allowed = await self._shared.hit(limit, "summit", *keys)
            except _STORE_ERRORS as error:
                await self._fall_back(error)
            else:
                await self._recover()
                return allowed
        return await self._memory.hit(limit, "summit", *keys)

    async def probe(self) -> bool:
        """Ask the shared store whether it answers (readiness checks do); True without one."""
        if self._store is None:
            return True
        try:
            answers = await self._store.check()
        except _STORE_ERRORS as error:
            await self._fall_back(error)
            return False
        if answers:
            await self._recover()
        else:
            await self._fall_back(None)
        return answers

    async def reset(self) -> None:
        await self._memory_store.reset()
        if self._store is not None:
            await self._store.reset()

    def _due(self) -> bool:
        """Whether this request should use the shared store; while it is down, one request
        every ``retry_seconds`` tries it again (the others count in memory meanwhile)."""
        if not self._down:
            return True
        now = self._clock()
        if now < self._retry_at:
            return False
        self._retry_at = now + self._retry_seconds
        return True

    async def _fall_back(self, error: BaseException | None) -> None:
        self._retry_at = self._clock() + self._retry_seconds
        if self._down:
            return
        self._down = True
        await log.awarning(
            "rate-limit store unreachable: counting in this process's memory until it answers",
            error=_describe(error),
        )

    async def _recover(self) -> None:
        if self._down:
            self._down = False
            await log.awarning("rate-limit store answers again: counting there")


class SocketQuota:
    """Open live sockets per client address in this process, at most ``limit`` each (0: no
    limit): one client cannot hold thousands of sockets, and their buffers, on its own."""

    CLOSE_CODE = 1013  # "try again later": the page reconnects, with a growing delay
    CLOSE_REASON = "too many sockets from this address"

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: Counter[str] = Counter()

    def take(self, address: str) -> bool:
        """Count one more socket for ``address``; False (and nothing counted) over the limit."""
        if self.limit and self._open[address] >= self.limit:
            return False
        self._open[address] += 1
        return True

    def release(self, address: str) -> None:
        self._open[address] -= 1
        if self._open[address] <= 0:
            del self._open[address]


def _describe(error: BaseException | None) -> str:
    if error is None:
        return "no answer"
    cause = getattr(error, "storage_error", None) or error  # limits wraps the client's error
    return type(cause).__name__


def _store_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [StorageError, OSError, TimeoutError]
    try:
        from redis.exceptions import RedisError
    except ImportError:  # the redis extra is not installed: only memory:// is usable
        return tuple(errors)
    return (*errors, RedisError)


_STORE_ERRORS = _store_errors()
