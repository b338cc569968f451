"""How fast one account may make polls and vote, wherever it asks from: the session page and
the API share these limits (and their keys), so a second door is not a way round the first."""

from __future__ import annotations

from limits import parse

from summit.web.ratelimit import RateLimiter

VOTES_PER_ACCOUNT = parse("60/minute")
POLLS_PER_ACCOUNT = parse("10/minute")


async def may_make_poll(limiter: RateLimiter, account_id: int) -> bool:
    """Count one poll made by the account; False once it has made too many this minute."""
    return await limiter.hit(POLLS_PER_ACCOUNT, "poll", str(account_id))


async def may_vote(limiter: RateLimiter, account_id: int) -> bool:
    """Count one vote by the account; False once it has voted too often this minute."""
    return await limiter.hit(VOTES_PER_ACCOUNT, "poll-vote", str(account_id))
