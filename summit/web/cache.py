"""Caches of the published programme, per process.

A summit's ``programme_stamp`` rises with every change the public can see, and the guard loads
the summit on every request anyway, so a cached entry is found (or known stale) without asking
the database. Pages are cached whole only for visitors who are not signed in (what they see
depends only on the address, their language and their zone); their CSRF token is put in per
answer.

A live status ("live", "running late", "ended", "cancelled") also raises the stamp, but it is
not a programme change: the cached programme takes the new status in place (from the events
the live dispatcher has just read, or else one query reads them), and only the cached pages and
exports that show that session are dropped.
Each entry remembers the sessions it shows and the stamp it was made at; the days, pages and
calendars of the other sessions stay warm through a whole day of status clicks.
"""

from __future__ import annotations

import asyncio
import bisect
import dataclasses
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from summit.agenda import queries
from summit.agenda.models import PublishedSession, SessionStatus, Summit
from summit.db import Database
from summit.eventlog import LiveEvent
from summit.web.encoded import Encoded

CSRF_PLACEHOLDER = "csrf-token-placeholder-0b1c2d"
PageKey = tuple[int, int, str, str, str, bool]
"""(summit, programme base, address, language, zone, fragment or page)."""
Entry = tuple[int, bytes, dict[str, str]]
Shown = frozenset[int] | None
"""The sessions an entry shows; None for every one (the whole programme's exports)."""

STATUS_KIND = "session.status"
PUBLISHED_KIND = "programme.published"


@dataclass
class ProgrammeState:
    """One summit's programme as this process holds it, and the live statuses applied since."""

    programme: queries.Programme
    base: int
    """The stamp it was loaded at: cache keys carry it, so a publication changes every key."""
    stamp: int
    """The summit's stamp that the statuses are up to date with."""
    seen: int
    """The newest event of the summit read (statuses after it are not applied yet)."""
    cards: dict[int, queries.SessionCard]
    changes: list[tuple[int, int]] = field(default_factory=list)
    """(stamp, session) for every status applied since the load, in stamp order."""
    moves: list[tuple[int, tuple[datetime, datetime], tuple[datetime, datetime]]] = field(
        default_factory=list
    )
    """(stamp, shown start and end before, after) for every status that shifted a session's
    times (a delay set, changed or ended), in stamp order."""

    def changed_since(self, stamp: int) -> set[int]:
        """The sessions whose status changed after ``stamp``."""
        start = bisect.bisect_right(self.changes, (stamp, 2**63))
        return {session_id for _, session_id in self.changes[start:]}

    def crossed_a_day_since(self, stamp: int, zone: str) -> bool:
        """Whether a delay set after ``stamp`` took a session's start or end to another day in
        ``zone``: that day's pages never showed the session, and now must."""
        where = ZoneInfo(zone)
        for moved_at, before, after in reversed(self.moves):
            if moved_at <= stamp:
                break
            if any(
                old.astimezone(where).date() != new.astimezone(where).date()
                for old, new in zip(before, after, strict=True)
            ):
                return True
        return False


class ProgrammeCache:
    def __init__(self, *, max_pages: int = 4096, max_searches: int = 1024) -> None:
        self._states: dict[int, ProgrammeState] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self._pages: OrderedDict[PageKey, Entry] = OrderedDict()
        self._searches: OrderedDict[PageKey, Entry] = OrderedDict()
        """Pages of a search (``?q=``): visitors can ask for any number of different ones, so
        they have a bounded space of their own and never push the programme's pages out."""
        self._made: dict[PageKey, tuple[int, Shown]] = {}
        """For each entry: the stamp it was made at and the sessions it shows."""
        self._max_pages = max_pages
        self._max_searches = max_searches
        self._rendering: dict[PageKey, asyncio.Future[Entry]] = {}
        self._encoded: dict[PageKey, tuple[bytes, Encoded]] = {}
        """Each kept entry's compressed forms, beside the body they were made from."""

    async def programme(self, database: Database, summit: Summit) -> queries.Programme:
        return (await self.state(database, summit)).programme

    async def state(self, database: Database, summit: Summit) -> ProgrammeState:
        """The programme with every status up to ``summit``'s stamp: no query when nothing
        changed; one when only statuses did; a full load after a publication."""
        assert summit.id is not None  # noqa: S101 - loaded from the database
        state = self._states.get(summit.id)
        if state is not None and state.stamp >= summit.programme_stamp:
            return state
        async with self._locks.setdefault(summit.id, asyncio.Lock()):
            state = self._states.get(summit.id)
            if state is not None and state.stamp >= summit.programme_stamp:
                return state
            state = await database.run_read(lambda db: _refresh(db, summit, state))
            self._states[summit.id] = state
            return state

    def take_events(self, summit: Summit, events: Sequence[LiveEvent]) -> None:
        """Apply the statuses among ``events``, which the dispatcher read just before ``summit``
        (all of the summit's since some id, in id order), when they account for the rise of its
        stamp: the dispatcher's rendering then finds the programme up to date, with no second
        trip to the database. Otherwise (a publication, another change, a refresh under way)
        nothing is done here, and the next ``state`` reads what it needs."""
        assert summit.id is not None  # noqa: S101 - loaded from the database
        state = self._states.get(summit.id)
        lock = self._locks.get(summit.id)
        if state is None or state.stamp >= summit.programme_stamp or (lock and lock.locked()):
            return
        # Events the state has not seen. Should the read lack one of them (it began after the
        # state's ``seen``), that status is counted in the stamp but not here: no match.
        unseen = [event for event in events if (event.id or 0) > state.seen]
        stamped = [event for event in unseen if event.kind in (STATUS_KIND, PUBLISHED_KIND)]
        newest = max((event.id or 0 for event in unseen), default=None)
        if all(event.kind == STATUS_KIND for event in stamped):
            _account(state, stamped, summit.programme_stamp, newest)

    def page(self, key: PageKey) -> Entry | None:
        for pages in (self._pages, self._searches):
            found = pages.get(key)
            if found is None:
                continue
            if not self._still_true(key):
                del pages[key]
                self._made.pop(key, None)
                self._encoded.pop(key, None)
                return None
            pages.move_to_end(key)
            return found
        return None

    def _still_true(self, key: PageKey) -> bool:
        """Whether no session the entry shows changed status since it was made."""
        made = self._made.get(key)
        state = self._states.get(key[0])
        if made is None or state is None:
            return state is None  # no status seen here: the key alone says
        if state.base != key[1]:
            return False
        stamp, shown = made
        if stamp >= state.stamp:
            return True
        if shown is None or not shown.isdisjoint(state.changed_since(stamp)):
            return False
        # A delay across midnight adds the session to pages of a day that did not show it.
        if state.crossed_a_day_since(stamp, key[4] or state.programme.summit.timezone):
            return False
        self._made[key] = (state.stamp, shown)  # checked up to now: next time costs nothing
        return True

    def stamp_of(self, summit_id: int) -> int:
        """The stamp a rendering starting now is up to date with."""
        state = self._states.get(summit_id)
        return state.stamp if state is not None else 0

    def store_page(
        self,
        key: PageKey,
        status: int,
        body: bytes,
        headers: dict[str, str],
        *,
        search: bool = False,
        made_at: int = 0,
        shown: Shown = None,
    ) -> None:
        """Keep a rendered page, made at stamp ``made_at`` and showing ``shown``; ``search``
        pages go in the searches' own space."""
        pages, most = (
            (self._searches, self._max_searches) if search else (self._pages, self._max_pages)
        )
        pages[key] = (status, body, headers)
        self._made[key] = (made_at, shown)
        self._encoded.pop(key, None)
        pages.move_to_end(key)
        while len(pages) > most:
            dropped, _ = pages.popitem(last=False)
            self._made.pop(dropped, None)
            self._encoded.pop(dropped, None)

    def encoded(self, key: PageKey, body: bytes) -> Encoded:
        """The compressed forms of the entry ``key`` whose body is ``body``: kept with the
        entry, so that each is made once (summit/web/encoded.py)."""
        kept = self._encoded.get(key)
        if kept is not None and kept[0] is body:
            return kept[1]
        made = Encoded(body, CSRF_PLACEHOLDER.encode())
        stored = self._pages.get(key) or self._searches.get(key)
        # Only beside the very body stored: an answer that raced a newer rendering keeps its own.
        if stored is not None and stored[1] is body:
            self._encoded[key] = (body, made)
        return made

    async def render_once(
        self,
        key: PageKey,
        render: Callable[[], Awaitable[Entry]],
        *,
        shown: Shown = None,
    ) -> Entry:
        """The cached entry, or else one rendering shared by every request that asks for it
        meanwhile: after a change, a crowd of polling calendar apps costs one rendering."""
        found = self.page(key)
        if found is not None:
            return found
        pending = self._rendering.get(key)
        if pending is None:
            made_at = self.stamp_of(key[0])

            async def fill() -> Entry:
                try:
                    entry = await render()
                    self.store_page(key, *entry, made_at=made_at, shown=shown)
                    return entry
                finally:
                    self._rendering.pop(key, None)

            pending = asyncio.ensure_future(fill())
            self._rendering[key] = pending
        # Shielded: a client that hangs up does not cancel the others' rendering.
        return await asyncio.shield(pending)


def shown_sessions(value: Any) -> frozenset[int]:
    """The published sessions a page's context shows (its cards, the grid's, a session's)."""
    found: set[int] = set()
    seen: set[int] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (str, bytes, int, float)) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, queries.SessionCard):
            found.add(item.session.id or 0)
        elif isinstance(item, PublishedSession):
            found.add(item.id or 0)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, each.name) for each in dataclasses.fields(item))
    return frozenset(found)


def card_ids(cards: Iterable[queries.SessionCard]) -> frozenset[int]:
    return frozenset(card.session.id or 0 for card in cards)


def _refresh(db: Session, summit: Summit, state: ProgrammeState | None) -> ProgrammeState:
    """Apply the statuses set since ``state``, and read again the sessions published since,
    when they are all that changed; else load anew."""
    assert summit.id is not None  # noqa: S101 - loaded from the database
    if state is not None:
        fresh = db.get(Summit, summit.id)
        stamp = fresh.programme_stamp if fresh is not None else summit.programme_stamp
        since = (col(LiveEvent.id) > state.seen, LiveEvent.summit_id == summit.id)
        # Only these are read whole: a busy Q&A writes many more events between two.
        events = list(
            db.exec(
                select(LiveEvent)
                .where(*since, col(LiveEvent.kind).in_((STATUS_KIND, PUBLISHED_KIND)))
                .order_by(col(LiveEvent.id))
            )
        )
        newest = db.exec(select(func.max(LiveEvent.id)).where(*since)).one()
        # Only statuses and publications raise the stamp with an event (see ``_account``).
        if stamp - state.stamp == len(events):
            statuses = [event for event in events if event.kind == STATUS_KIND]
            if len(statuses) < len(events) and fresh is not None:
                reloaded = _reload_published(db, fresh, state, events, newest)
                if reloaded is not None:
                    return reloaded
            elif _account(state, statuses, stamp, newest):
                return state
    programme = queries.programme(db, summit=summit)
    # The stamp of the request's summit, read before the sessions: if a status was set in
    # between, the sessions show it, and the next rise finds no event to account for it and
    # loads anew; it is never missed.
    return _state(programme, stamp=summit.programme_stamp)


def _account(
    state: ProgrammeState, statuses: list[LiveEvent], stamp: int, newest: int | None
) -> bool:
    """Bring ``state`` up to ``stamp`` with ``statuses`` (read after its ``seen``), the newest
    event read being ``newest``; False, and nothing changed, when they do not account for the
    whole rise of the stamp or name a session it does not hold."""
    # Each status and each publication raises the stamp by one, in the transaction that
    # records it: when they account for the whole rise, nothing else changed (a person
    # renamed, a theme, a re-index), and the rows read before are still true.
    if stamp - state.stamp != len(statuses) or any(
        _session_of(event) not in state.cards for event in statuses
    ):
        return False
    _apply(state, statuses, stamp)
    state.stamp = stamp
    if newest is not None:
        state.seen = newest
        state.programme = dataclasses.replace(
            state.programme, last_event_id=max(state.programme.last_event_id, state.seen)
        )
    return True


def _state(programme: queries.Programme, *, stamp: int) -> ProgrammeState:
    return ProgrammeState(
        programme=programme,
        base=stamp,
        stamp=stamp,
        seen=programme.last_event_id,
        cards={card.session.id or 0: card for card in programme.cards},
    )


def _session_of(event: LiveEvent) -> int:
    return int(event.payload.get("session_id", 0))


def _reload_published(
    db: Session,
    summit: Summit,
    state: ProgrammeState,
    events: list[LiveEvent],
    newest: int | None,
) -> ProgrammeState | None:
    """The programme after publications: the sessions they changed read again, every other
    card kept as it was (with the statuses set since), in the order a full load gives. None
    when a status names a session that is neither (a full load sorts it out)."""
    published = {
        int(session_id)
        for event in events
        if event.kind == PUBLISHED_KIND
        for session_id in event.payload.get("session_ids", ())
    }
    old = state.programme
    rows = queries.published_since(db, summit=summit, version=old.version, ids=published)
    changed = {row.id for row in rows}
    kept = [event for event in events if event.kind == STATUS_KIND]
    kept = [event for event in kept if _session_of(event) not in changed]
    if any(_session_of(event) not in state.cards for event in kept):
        return None
    _apply(state, kept, state.stamp)
    people = {person.id: person for card in old.cards for _, person in card.people}
    programme = queries.programme_with(
        db,
        summit=summit,
        previous=old,
        order=queries.programme_order(db, summit=summit),
        sessions=rows,
        people=people,
    )
    if programme is None:
        return None
    if newest is not None:
        programme = dataclasses.replace(
            programme, last_event_id=max(programme.last_event_id, newest)
        )
    return _state(programme, stamp=summit.programme_stamp)


def _apply(state: ProgrammeState, statuses: list[LiveEvent], stamp: int) -> None:
    for event in statuses:
        session_id = _session_of(event)
        card = state.cards[session_id]
        session = card.session
        status = SessionStatus(str(event.payload.get("status")))
        delay = int(event.payload.get("delay_minutes", 0))
        if (session.status, session.delay_minutes) != (status, delay):
            before = (card.shown_start, card.shown_end)
            # As ``lifecycle.set_status`` did (unless the load already saw it done).
            session.status, session.delay_minutes = status, delay
            session.revision += 1
            if (card.shown_start, card.shown_end) != before:
                state.moves.append((stamp, before, (card.shown_start, card.shown_end)))
        state.changes.append((stamp, session_id))
