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
    def __init__(self, *, max_pages: int = 4096, max_searches: int = 1024) -> None:
        self._programmes: dict[int, tuple[int, queries.Programme]] = {}
        self._pages: OrderedDict[PageKey, Entry] = OrderedDict()
        self._searches: OrderedDict[PageKey, Entry] = OrderedDict()
        """Pages of a search (``?q=``): visitors can ask for any number of different ones, so
        they have a bounded space of their own and never push the programme's pages out."""
        self._max_pages = max_pages
        self._max_searches = max_searches
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

    def page(self, key: PageKey) -> Entry | None:
        for pages in (self._pages, self._searches):
            found = pages.get(key)
            if found is not None:
                pages.move_to_end(key)
                return found
        return None

    def store_page(
        self,
        key: PageKey,
        status: int,
        body: bytes,
        headers: dict[str, str],
        *,
        search: bool = False,
    ) -> None:
        """Keep a rendered page; ``search`` pages go in the searches' own space."""
        pages, most = (
            (self._searches, self._max_searches) if search else (self._pages, self._max_pages)
        )
        pages[key] = (status, body, headers)
        pages.move_to_end(key)
        while len(pages) > most:
            pages.popitem(last=False)

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
