"""Turns new rows of the event table into messages on open sockets, in this process.

After a commit, the writer announces the news and answers at once: the broker calls ``wake()``,
which only asks the dispatcher's own task to run (``notify()``). That task reads every event it
has not seen (one query, which also brings the cached programme's statuses up to date), and
for each: finds the groups of sockets listening to its topic, renders the affected regions once
per group, and hands the same string to every socket of the group.
Events are handled one at a time, in id order, so every socket sees them in that order.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, func, or_, select
from starlette.applications import Starlette
from starlette.requests import Request

from summit.agenda import announcements, answer_regions, queries
from summit.agenda.models import ScheduleRelease, Summit
from summit.auth.permissions import ANONYMOUS
from summit.db import Database
from summit.eventlog import LiveEvent
from summit.i18n.viewer import Viewer, viewing_as
from summit.live import agenda as live_agenda
from summit.live import notices, replay
from summit.live.hub import MemoryHub, Push
from summit.live.regions import PageView, render_announcement, render_region
from summit.polls import regions as poll_regions
from summit.qa import regions as qa_regions
from summit.settings import LANGUAGES
from summit.web.cache import ProgrammeCache
from summit.web.templates import LANGUAGE_NAMES

log = structlog.get_logger("summit.live")


def event_marker(event_id: int) -> str:
    """Tells the page which event it has seen last (replayed from there on reconnect)."""
    return f'<div id="live-last-event" hidden data-event-id="{event_id}"></div>'


REFRESH = '<div id="live-refresh" hidden data-refresh="1"></div>'
"""Tells the page to fetch its live region again (too much missed, or a publication)."""


class Dispatcher:
    def __init__(
        self,
        *,
        app: Starlette,
        database: Database,
        hub: MemoryHub,
        cache: ProgrammeCache,
        clock: Callable[[], datetime],
    ) -> None:
        self._app = app
        self.database = database
        self._hub = hub
        self._cache = cache
        self.clock = clock
        self._lock = asyncio.Lock()
        self.last_id = 0
        self._gaps: dict[int, float] = {}
        """Ids below ``last_id`` not seen yet, with when they were first missed."""
        self._started = False
        self._context = self._base_context()
        self._last_release: tuple[int, ScheduleRelease | None] | None = None
        self._woken = False
        self._runner: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Begin after the newest event: history is for replays, not for broadcasting again.

        A database that cannot answer yet (not migrated, unreachable) does not stop the app;
        the first notification tries again.
        """

        def newest(db: Session) -> int:
            return db.exec(select(func.max(LiveEvent.id))).one() or 0

        try:
            self.last_id = await self.database.run_read(newest)
            self._started = True
        except SQLAlchemyError:
            await log.awarning("live events unavailable at start")

    async def wake(self) -> None:
        """There is news: deliver it soon, in the dispatcher's own task. Returns at once, so a
        writer never waits for the audience (rendering, thousands of sockets, a slow one)."""
        self._woken = True
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._run(), name="live-dispatch")

    async def _run(self) -> None:
        # News that arrives during a delivery is read by one more pass, not one task each.
        while self._woken:
            self._woken = False
            try:
                await self.notify()
            except Exception:  # noqa: BLE001 - the next news tries again
                await log.aexception("delivering news failed")

    async def stop(self) -> None:
        """Stop delivering (the app is shutting down; pages replay on reconnect)."""
        runner, self._runner = self._runner, None
        if runner is None or runner.done():
            return
        loop = runner.get_loop()
        if loop is asyncio.get_running_loop():
            runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner
        elif not loop.is_closed():
            # One app served by several event loops (the test client runs each client's
            # lifespan in a loop of its own): the delivery began in another one, where alone
            # it can be cancelled, and awaited.
            loop.call_soon_threadsafe(runner.cancel)

    async def notify(self) -> None:
        """Deliver every event committed since the last call, in id order."""
        # A caller that is cancelled (a broker's poller stopped when it listens again, a request
        # whose client left) must not cut a delivery in half: its events would count as seen
        # without having reached every socket.
        await asyncio.shield(self._deliver_news())

    async def _deliver_news(self) -> None:
        """Read and dispatch what is new.

        Ids are taken when a transaction writes, not when it commits: on PostgreSQL, event 11
        can be committed (and read) while event 10's transaction is still open. So the ids
        skipped over are remembered as gaps and asked for again on every call, until they
        arrive or are old enough to belong to a transaction that rolled back.
        """
        async with self._lock:
            if not self._started:
                await self.start()
            since = self.last_id
            now = time.monotonic()
            for missing, noticed in list(self._gaps.items()):
                if now - noticed > GAP_SECONDS:
                    del self._gaps[missing]
            gaps = tuple(self._gaps)

            def load(db: Session) -> tuple[list[LiveEvent], dict[int, Summit]]:
                newer = col(LiveEvent.id) > since
                wanted = or_(newer, col(LiveEvent.id).in_(gaps)) if gaps else newer
                events = list(db.exec(select(LiveEvent).where(wanted).order_by(col(LiveEvent.id))))
                # Their summits in the same read: one query for the lot, not one per event.
                ids = {event.summit_id for event in events if event.summit_id is not None}
                if not ids:
                    return events, {}
                summits = db.exec(select(Summit).where(col(Summit.id).in_(ids)))
                return events, {summit.id or 0: summit for summit in summits}

            events, summits = await self.database.run_read(load)
            for summit_id, summit in summits.items():
                # The statuses read here bring the cached programme up to date in place.
                self._cache.take_events(summit, [e for e in events if e.summit_id == summit_id])
            for event in events:
                event_id = event.id or 0
                if event_id > self.last_id:
                    first_missing = max(self.last_id + 1, event_id - MAX_GAPS)
                    for missing in range(first_missing, event_id):
                        self._gaps[missing] = now
                    self.last_id = event_id
                else:
                    self._gaps.pop(event_id, None)
                try:
                    await self._dispatch(event, summits.get(event.summit_id or 0))
                except Exception:  # noqa: BLE001 - one bad event must not stop the others
                    await log.aexception("dispatch failed", event_id=event.id)

    async def _dispatch(self, event: LiveEvent, summit: Summit | None) -> None:
        groups = self._hub.groups(event.topic)
        if not groups or event.summit_id is None or event.id is None:
            return
        for group, subscriptions in groups.items():
            html = await self.render_for(event, group, summit)
            self._hub.deliver(subscriptions, (event.id, html))
        if summit is not None:
            await self._tell_followers(event, summit)

    async def _tell_followers(self, event: LiveEvent, summit: Summit) -> None:
        """Notices for the accounts here that follow a session the event changed; each
        rendered once per language and zone, sent with no event id (a replay re-creates it)."""
        listening = self._hub.accounts_listening()
        if not listening:
            return

        def load(db: Session) -> tuple[list[notices.Notice], dict[int, set[int]]]:
            found = notices.notices_of(event, notices.load_release(db, event))
            sessions = {notice.session_id for notice in found}
            return found, notices.followers(db, sessions, set(listening))

        found, following = await self.database.run_read(load)
        if not following:
            return
        programme = await self.programme(summit)
        rendered: dict[tuple[notices.Notice, str, str], str] = {}
        shown: set[int] = set()
        for account_id, sessions in following.items():
            for subscription in listening.get(account_id, ()):
                language, zone = subscription.group.split("|")[3:5]
                html = ""
                for notice in found:
                    if notice.session_id not in sessions:
                        continue
                    key = (notice, language, zone)
                    if key not in rendered:
                        rendered[key] = self.notice(notice, language, zone, programme)
                    html += rendered[key]
                if html:
                    self._hub.deliver([subscription], (0, html))
                    shown.add(account_id)
        if shown and event.id is not None and notices.mailed_unless_seen(event):
            await self.mark_seen({event.id: shown})

    async def mark_seen(self, seen: dict[int, set[int]]) -> None:
        """Followers shown a notice get no mail about it. Should the write fail, they get one
        anyway: a mail too many, never a change nobody hears of."""
        try:
            await self.database.run_write(lambda db: notices.mark_seen(db, seen))
        except SQLAlchemyError as error:
            await log.awarning("recording shown notices failed", error=type(error).__name__)

    def notice(
        self, notice: notices.Notice, language: str, zone: str, programme: queries.Programme
    ) -> str:
        return notices.render_notice(
            self._app.state.templates,
            self._context,
            notice=notice,
            viewer=Viewer(language if language in LANGUAGES else "en", zone or "UTC"),
            programme=programme,
        )

    async def summit_of(self, event: LiveEvent) -> Summit | None:
        """Loaded once per event, for every group (its stamp keys the programme cache)."""
        summit_id = event.summit_id

        def load(db: Session) -> Summit | None:
            return db.get(Summit, summit_id) if summit_id is not None else None

        return await self.database.run_read(load)

    async def render_for(self, event: LiveEvent, group: str, summit: Summit | None) -> str:
        """The message a socket of ``group`` gets for ``event``: its event marker, and the
        regions that changed (or the order to fetch them again)."""
        assert event.id is not None  # noqa: S101 - read from the table
        page, day, session, language, zone = group.split("|")
        view = PageView.parse(page, day or None, session or None)
        if summit is None:
            return event_marker(event.id)
        viewer = Viewer(language if language in LANGUAGES else "en", zone or "UTC")
        if view.page == "agenda" and event.kind in live_agenda.KINDS:
            return event_marker(event.id) + await self._render_agenda(event, viewer, summit)
        if event.kind == "programme.published":
            return event_marker(event.id) + REFRESH
        if event.kind in qa_regions.KINDS:
            return event_marker(event.id) + await qa_regions.render_live(
                self._app.state.templates,
                self._context,
                database=self.database,
                summit=summit,
                viewer=viewer,
                kind=event.kind,
                change=str(event.payload.get("change", "")),
                session_id=int(event.payload.get("session_id", 0)),
                shown_session_id=view.session_id if view.page == "session" else None,
            )
        if event.kind in poll_regions.KINDS:
            return event_marker(event.id) + await poll_regions.render_live(
                self._app.state.templates,
                self._context,
                database=self.database,
                summit=summit,
                viewer=viewer,
                session_id=int(event.payload.get("session_id", 0)),
                shown_session_id=view.session_id if view.page == "session" else None,
            )
        if event.kind in answer_regions.KINDS:
            return event_marker(event.id) + await answer_regions.render_live(
                self._app.state.templates,
                self._context,
                database=self.database,
                viewer=viewer,
                session_id=int(event.payload.get("session_id", 0)),
                page=view.page,
            )
        if event.kind == "award.scores":
            # The organisers' results page fetches its progress board again.
            return event_marker(event.id) + (REFRESH if view.page == "award-results" else "")
        if event.kind == "award.revealed":
            return event_marker(event.id) + self._render_reveal(event, language, summit)
        if event.kind == "election.published":
            return event_marker(event.id) + self._render_reveal(
                event, language, summit, template_name="elections/reveal.html"
            )
        if event.kind != "session.status":
            return event_marker(event.id)
        programme = await self.programme(summit)
        if view.page == "changes":
            item = announcements.of_event(event, programme)
            if item is None:
                return event_marker(event.id)
            return event_marker(event.id) + render_announcement(
                self._app.state.templates, self._context, viewer=viewer, summit=summit, item=item
            )
        region = render_region(
            self._app.state.templates,
            self._context,
            view=view,
            viewer=viewer,
            programme=programme,
            session_id=int(event.payload.get("session_id", 0)),
            now=self.clock(),
        )
        return event_marker(event.id) + region

    async def _render_agenda(self, event: LiveEvent, viewer: Viewer, summit: Summit) -> str:
        """The entries of the sessions ``event`` changed, for agenda pages (each page swaps the
        ones it shows); a publication of many changes tells them to fetch themselves again."""
        if event.kind == "programme.published":
            session_ids = live_agenda.changed_sessions(await self._release(event))
            if session_ids is None:
                return REFRESH
        else:
            session_ids = [int(event.payload.get("session_id", 0))]
        programme = await self.programme(summit)
        return live_agenda.render(
            self._app.state.templates,
            self._context,
            event=event,
            viewer=viewer,
            programme=programme,
            session_ids=session_ids,
        )

    async def _release(self, event: LiveEvent) -> ScheduleRelease | None:
        """The version a publication made, read once for all the groups of its event."""
        if self._last_release is None or self._last_release[0] != event.id:
            release = await self.database.run_read(lambda db: notices.load_release(db, event))
            self._last_release = (event.id or 0, release)
        return self._last_release[1]

    def _render_reveal(
        self,
        event: LiveEvent,
        language: str,
        summit: Summit,
        *,
        template_name: str = "awards/results/reveal.html",
    ) -> str:
        """The ``#award-reveal`` region every page of the summit carries: an award's place, or
        an election's published results."""
        viewer = Viewer(language if language in LANGUAGES else "en", "UTC")
        template = self._app.state.templates.env.get_template(template_name)
        with viewing_as(viewer):
            return str(
                template.render(
                    {
                        **self._context,
                        "viewer": viewer,
                        "summit": summit,
                        "reveal": event.payload,
                        # What a browser remembers when its reader dismisses the banner.
                        "reveal_key": f"{summit.slug}-{event.id}",
                    }
                )
            )

    def _base_context(self) -> dict[str, Any]:
        """What templates expect from a request, for a visitor who is not signed in: pushed
        HTML is shared by everyone in a group, so it carries nothing personal, and no host
        either (templates link by path; see ``summit.web.templates.url_for``)."""
        request = Request(
            {
                "type": "http",
                "app": self._app,
                "router": self._app.router,
                "method": "GET",
                "scheme": "http",
                "server": ("127.0.0.1", 80),
                "path": "/",
                "root_path": "",
                "query_string": b"",
                "headers": [],
                "state": {"principal": ANONYMOUS, "csrf_token": ""},
            }
        )
        return {
            "request": request,
            "principal": ANONYMOUS,
            "csrf_token": "",
            "language_names": LANGUAGE_NAMES,
            "languages": LANGUAGES,
        }

    async def replay(self, *, topics: frozenset[str], group: str, after: int) -> list[Push] | None:
        """What a socket that saw event ``after`` missed, in order; None when it missed too much
        to replay (it is then told to fetch its regions again)."""
        return await replay.missed(self, topics=topics, group=group, after=after)

    async def programme(self, summit: Summit) -> queries.Programme:
        return await self._cache.programme(self.database, summit)


GAP_SECONDS = 30.0
"""An id not committed within this long belongs to a transaction that rolled back."""
MAX_GAPS = 1000
"""At most this many ids are waited for below a new one (a sequence can jump after a crash)."""
