"""Presence: how many people have a session's page open, shown live on that page.

Every few seconds each process counts its own open session pages, writes its counts to the
presence table when they changed (and a heartbeat now and then, so that a stopped process's
rows age out), reads the totals over every live process, and pushes the count to the pages of
each session whose total changed, and to pages that just opened. A count is a little late by
design: at most one push per session every few seconds, however many come and go.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import defaultdict
from datetime import timedelta

import structlog
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, col, func, select
from starlette.templating import Jinja2Templates

from summit.agenda.models import ProgrammeSession
from summit.clock import Clock
from summit.columns import utcnow
from summit.db import Database
from summit.eventlog import SessionPresence
from summit.i18n.viewer import Viewer, viewing_as
from summit.live.hub import MemoryHub, Subscription
from summit.settings import LANGUAGES

log = structlog.get_logger("summit.live")

INTERVAL_SECONDS = 3.0
HEARTBEAT_SECONDS = 15.0
STALE_SECONDS = 45.0
"""A process that has not written for this long has stopped: its pages no longer count."""


class Presence:
    def __init__(
        self,
        *,
        database: Database,
        hub: MemoryHub,
        templates: Jinja2Templates,
        interval: float = INTERVAL_SECONDS,
        clock: Clock = utcnow,
    ) -> None:
        self.process = uuid.uuid4().hex
        self._clock = clock
        self._interval = interval
        self._database = database
        self._hub = hub
        self._templates = templates
        self._written: dict[int, int] = {}
        self._written_at = 0.0
        self._shown: dict[int, int] = {}
        self._told: dict[int, set[Subscription]] = {}

    async def run(self) -> None:
        if not self._interval:
            return
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.tick()
            except Exception:  # noqa: BLE001 - presence is a nicety: keep trying
                await log.aexception("presence update failed")

    async def stop(self) -> None:
        """Take this process's pages out of the counts at once."""
        process = self.process

        def forget(db: Session) -> None:
            db.exec(delete(SessionPresence).where(col(SessionPresence.process) == process))

        await self._database.run_write(forget)

    def _open_pages(self) -> dict[int, dict[str, list[Subscription]]]:
        """This process's session-page sockets: session → rendering group → sockets."""
        pages: dict[int, dict[str, list[Subscription]]] = defaultdict(lambda: defaultdict(list))
        for subscription in self._hub.subscriptions():
            page, _, session, *_ = subscription.group.split("|")
            if page == "session" and session.isdigit() and not subscription.closed:
                pages[int(session)][subscription.group].append(subscription)
        return pages

    async def tick(self) -> None:
        pages = self._open_pages()
        counts = {
            session_id: sum(len(sockets) for sockets in groups.values())
            for session_id, groups in pages.items()
        }
        if counts != self._written or time.monotonic() - self._written_at > HEARTBEAT_SECONDS:
            try:
                await self._write(counts)
            except SQLAlchemyError:
                # Other processes' counts can still be shown; this one's is written next tick.
                await log.aexception("presence counts not written")
        totals = await self._totals(set(counts))
        for session_id, groups in pages.items():
            total = totals.get(session_id, 0)
            changed = total != self._shown.get(session_id)
            told = self._told.get(session_id, set())
            for group, sockets in groups.items():
                targets = sockets if changed else [s for s in sockets if s not in told]
                if targets:
                    self._hub.deliver(targets, (0, self.render(session_id, total, group)))
            self._shown[session_id] = total
            self._told[session_id] = {s for sockets in groups.values() for s in sockets}
        for gone in set(self._shown) - set(pages):
            del self._shown[gone]
            self._told.pop(gone, None)

    async def _write(self, counts: dict[int, int]) -> None:
        process = self.process

        def write(db: Session) -> None:
            now = self._clock()
            db.exec(delete(SessionPresence).where(col(SessionPresence.process) == process))
            # Rows of processes that stopped without saying so.
            db.exec(
                delete(SessionPresence).where(
                    col(SessionPresence.seen_at) < now - timedelta(seconds=STALE_SECONDS * 10)
                )
            )
            # A page can outlive its session (deleted while it was open): its row would break
            # the foreign key, and with it the whole write, every other session's count too.
            existing = set(
                db.exec(
                    select(ProgrammeSession.id).where(col(ProgrammeSession.id).in_(counts))
                ).all()
            )
            db.add_all(
                SessionPresence(
                    process=process, session_id=session_id, viewers=viewers, seen_at=now
                )
                for session_id, viewers in counts.items()
                if session_id in existing
            )

        try:
            await self._database.run_write(write)
        except IntegrityError:
            # A session deleted between the check and the insert: checked again, it is left out.
            await self._database.run_write(write)
        self._written = dict(counts)
        self._written_at = time.monotonic()

    async def _totals(self, sessions: set[int]) -> dict[int, int]:
        if not sessions:
            return {}

        def read(db: Session) -> dict[int, int]:
            fresh = self._clock() - timedelta(seconds=STALE_SECONDS)
            rows = db.exec(
                select(SessionPresence.session_id, func.sum(SessionPresence.viewers))
                .where(
                    col(SessionPresence.session_id).in_(sessions),
                    col(SessionPresence.seen_at) >= fresh,
                )
                .group_by(col(SessionPresence.session_id))
            ).all()
            return {session_id: int(total or 0) for session_id, total in rows}

        return await self._database.run_read(read)

    def render(self, session_id: int, viewers: int, group: str) -> str:
        language = group.split("|")[3]
        viewer = Viewer(language if language in LANGUAGES else "en", "UTC")
        with viewing_as(viewer):
            return self._templates.env.get_template("live/presence.html").render(
                session_id=session_id, viewers=viewers
            )
