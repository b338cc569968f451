"""Caches of the published programme, per process.

A summit's ``programme_stamp`` rises with every change the public can see, and the guard loads
the summit on every request anyway, so a cached entry is found (or known stale) without asking
the database. Pages are cached whole only for visitors who are not signed in (what they see
depends only on the address, their language and their zone); their CSRF token is put in per
answer.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from sqlmodel import Session

from summit.agenda import queries
from summit.agenda.models import Summit
from summit.db import Database

CSRF_PLACEHOLDER = "csrf-token-placeholder-0b1c2d"
PageKey = tuple[int, int, str, str, str, bool]
Entry = tuple[int, bytes, dict[str, str]]


class ProgrammeCache:
    def __init__(self, *, max_pages: int = 4096) -> None:
        self._programmes: dict[int, tuple[int, queries.Programme]] = {}
        self._pages: OrderedDict[PageKey, tuple[int, bytes, dict[str, str]]] = OrderedDict()
        self._max_pages = max_pages
        self._rendering: dict[PageKey, asyncio.Future[Entry]] = {}

    async def programme(self, database: Database, summit: Summit) -> queries.Programme:
        assert summit.id is not None  # noqa: S101 - loaded from the database
        cached = self._programmes.get(summit.id)
        if cached is not None and cached[0] == summit.programme_stamp:
            return cached[1]

        def load(db: Session) -> queries.Programme:
            return queries.programme(db, summit=summit)

        loaded = await database.run_read(load)
        self._programmes[summit.id] = (summit.programme_stamp, loaded)
        return loaded

    def page(self, key: PageKey) -> tuple[int, bytes, dict[str, str]] | None:
        found = self._pages.get(key)
        if found is not None:
            self._pages.move_to_end(key)
        return found

    def store_page(self, key: PageKey, status: int, body: bytes, headers: dict[str, str]) -> None:
        self._pages[key] = (status, body, headers)
        self._pages.move_to_end(key)
        while len(self._pages) > self._max_pages:
            self._pages.popitem(last=False)

    async def render_once(self, key: PageKey, render: Callable[[], Awaitable[Entry]]) -> Entry:
        """The cached entry, or else one rendering shared by every request that asks for it
        meanwhile: after a change, a crowd of polling calendar apps costs one rendering."""
        found = self.page(key)
        if found is not None:
            return found
        pending = self._rendering.get(key)
        if pending is None:

            async def fill() -> Entry:
                try:
                    entry = await render()
                    self.store_page(key, *entry)
                    return entry
                finally:
                    self._rendering.pop(key, None)

            pending = asyncio.ensure_future(fill())
            self._rendering[key] = pending
        # Shielded: a client that hangs up does not cancel the others' rendering.
        return await asyncio.shield(pending)
