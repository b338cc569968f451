"""The sender: one task per process that delivers the outbox and runs the mail schedule.

It wakes when a request of its own process queues mail, and otherwise every few seconds (mail
queued by another process, a retry that has come due, a lease that ran out). A request never
waits for it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from summit.clock import Clock
from summit.columns import utcnow
from summit.db import Database
from summit.mail.models import OutboxMessage
from summit.mail.outbox import Outcome, claim, record_outcomes
from summit.mail.transports import (
    Mail,
    Mailer,
    PermanentMailError,
    ServerUnavailable,
    TemporaryMailError,
)

log = structlog.get_logger("summit.mail")

Schedule = Callable[[Session, datetime], None]
"""Queues whatever mail has come due at the summit's moment (reminders); idempotent."""


@dataclass(frozen=True)
class SenderSettings:
    poll_seconds: float = 2.0
    batch: int = 50
    lease: timedelta = timedelta(minutes=5)
    """Longer than a batch can take, so that no live sender loses its claim."""
    max_attempts: int = 8
    retry_after: timedelta = timedelta(seconds=30)
    """The wait after the first failure; each further failure doubles it."""
    schedule_every: timedelta = timedelta(seconds=30)


class MailSender:
    def __init__(
        self,
        *,
        database: Database,
        mailer: Mailer,
        clock: Clock,
        settings: SenderSettings,
        schedule: Schedule | None = None,
        message_host: str = "summit.invalid",
    ) -> None:
        self.database = database
        self.mailer = mailer
        self.clock = clock
        self.settings = settings
        self.schedule = schedule
        self.message_host = message_host
        self._wake = asyncio.Event()
        self._scheduled_at: datetime | None = None

    def wake(self) -> None:
        """Look at the outbox now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                await self.tick()
            except SQLAlchemyError as error:
                # The database is away; the outbox waits for it, and so do we.
                await log.awarning("mail sender: database error", error=type(error).__name__)
            except Exception:
                # A bug must not end mail for the life of the process: log it, try again later.
                await log.aexception("mail sender: unexpected error")
            # asyncio.timeout, not wait_for: on Python 3.11, wait_for swallows a cancellation
            # that arrives as the wake does, and the sender would outlive the app's shutdown.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.settings.poll_seconds):
                    await self._wake.wait()
            self._wake.clear()

    async def tick(self) -> None:
        """Run the schedule if it is due, then send until nothing is due."""
        try:
            await self._run_schedule()
        except Exception:
            # A schedule that fails (one bad row, a template error) must not hold up the mail
            # that is already queued: log it and send.
            await log.aexception("mail schedule failed")
        try:
            while await self.send_batch() == self.settings.batch:
                pass
        finally:
            await self.mailer.close()

    async def _run_schedule(self) -> None:
        if self.schedule is None:
            return
        real = utcnow()
        if self._scheduled_at and real - self._scheduled_at < self.settings.schedule_every:
            return
        self._scheduled_at = real
        schedule, moment = self.schedule, self.clock()
        await self.database.run_write(lambda db: schedule(db, moment))

    async def send_batch(self) -> int:
        """Claim a batch, send it, record what happened; the number claimed."""
        settings = self.settings
        messages = await self.database.run_write(
            lambda db: claim(db, now=utcnow(), limit=settings.batch, lease=settings.lease)
        )
        outcomes: list[Outcome] = []
        down: str | None = None
        for message in messages:
            assert message.id is not None and message.claim_token is not None  # noqa: S101
            if down is not None:
                # The server is away: the rest of the batch waits as the first one does.
                outcomes.append(Outcome(message.id, message.claim_token, down))
                continue
            outcome = Outcome(message.id, message.claim_token)
            try:
                await self.mailer.send(self._as_mail(message))
            except ServerUnavailable as error:
                down = str(error)
                outcome = Outcome(message.id, message.claim_token, down)
            except TemporaryMailError as error:
                outcome = Outcome(message.id, message.claim_token, str(error))
            except PermanentMailError as error:
                outcome = Outcome(message.id, message.claim_token, str(error), permanent=True)
            outcomes.append(outcome)
        if outcomes:
            await self.database.run_write(
                lambda db: record_outcomes(
                    db,
                    outcomes,
                    now=utcnow(),
                    max_attempts=settings.max_attempts,
                    retry_after=settings.retry_after,
                )
            )
            failures = sum(outcome.error is not None for outcome in outcomes)
            await log.adebug("mail sent", sent=len(outcomes) - failures, failed=failures)
        return len(messages)

    def _as_mail(self, message: OutboxMessage) -> Mail:
        return Mail(
            to=message.recipient,
            subject=message.subject,
            body=message.text_body,
            html=message.html_body or None,
            headers=tuple(sorted(message.headers.items())),
            message_id=f"<mail-{message.id}.{message.claim_token}@{self.message_host}>",
        )
