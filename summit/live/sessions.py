"""Closes the live sockets of accounts whose sessions have ended, whichever process ended them.

A sign-out in this process closes its sockets at once (through the hub). A sign-out in another
process, or an account disabled from the command line, is noticed here: every few seconds one
query compares the session versions of the accounts that have sockets open in this process.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import structlog
from sqlmodel import Session, col, select

from summit.auth.models import Account
from summit.db import Database
from summit.live.hub import SESSION_ENDED, MemoryHub

CHECK_EVERY_SECONDS = 5.0

log = structlog.get_logger("summit.live")


class SessionWatch:
    def __init__(self, *, database: Database, hub: MemoryHub) -> None:
        self._database = database
        self._hub = hub
        self._versions: dict[int, int] = {}
        self._sockets: Counter[int] = Counter()

    def register(self, account_id: int, version: int) -> None:
        self._versions[account_id] = version
        self._sockets[account_id] += 1

    def unregister(self, account_id: int) -> None:
        self._sockets[account_id] -= 1
        if self._sockets[account_id] <= 0:
            del self._sockets[account_id]
            self._versions.pop(account_id, None)

    async def check(self) -> list[int]:
        """Close the sockets of every watched account whose session ended; returns their ids."""
        watched = dict(self._versions)
        if not watched:
            return []

        def current(db: Session) -> dict[int, int | None]:
            rows = db.exec(
                select(Account.id, Account.session_version, Account.is_active).where(
                    col(Account.id).in_(list(watched))
                )
            ).all()
            found: dict[int, int | None] = dict.fromkeys(watched)
            for account_id, version, active in rows:
                if account_id is not None:
                    found[account_id] = version if active else None
            return found

        ended = [
            account_id
            for account_id, version in (await self._database.run_read(current)).items()
            if version != watched[account_id]
        ]
        for account_id in ended:
            await self._hub.close_topic(f"account:{account_id}", SESSION_ENDED)
            self._versions.pop(account_id, None)
        return ended

    async def run(self) -> None:
        while True:
            await asyncio.sleep(CHECK_EVERY_SECONDS)
            try:
                await self.check()
            except Exception:  # noqa: BLE001 - a failed check must not stop later ones
                await log.aexception("session check failed")
