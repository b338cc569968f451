"""The outbox: messages are written in the transaction of the change that causes them (a
rollback sends nothing, a commit loses nothing), then claimed by senders.

A claim marks rows ``sending`` with a random token and a lease, in one write transaction. On
PostgreSQL the rows are chosen ``FOR UPDATE SKIP LOCKED``, so concurrent senders take different
rows without waiting; on SQLite every write transaction holds the database's single write lock
(``BEGIN IMMEDIATE``, see ``summit.db``), so choosing and marking cannot interleave. A sender
whose process dies leaves its lease to run out; the rows are then claimed again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from summit.columns import utcnow
from summit.mail.models import MailKind, MailStatus, OutboxMessage
from summit.persistence import insert_new

WITHHELD = ""
"""What a sent message that carried a one-time link keeps of its bodies."""


@dataclass(frozen=True)
class Draft:
    """A composed message, before it has a row."""

    kind: MailKind
    recipient: str
    language: str
    subject: str
    text_body: str
    html_body: str
    headers: dict[str, str]
    summit_id: int | None = None
    account_id: int | None = None
    sensitive: bool = False
    dedupe_key: str | None = None


def queue(db: Session, draft: Draft) -> None:
    """Write ``draft`` in the caller's transaction (see ``queue_many``)."""
    queue_many(db, [draft])


def queue_many(db: Session, drafts: list[Draft]) -> None:
    """Write ``drafts`` in the caller's transaction, in one statement. A draft whose
    ``dedupe_key`` is already in the outbox is left out, so that a reminder scheduled twice (or
    by two processes) goes once.

    The outbox runs on the real clock, whatever the summit's (a demo's runs in 2021): its
    times are for retries, leases and the backlog."""
    if not drafts:
        return
    now = utcnow()
    rows: list[dict[str, Any]] = [
        {
            "kind": draft.kind.value,
            "recipient": draft.recipient,
            "language": draft.language,
            "subject": draft.subject[:300],
            "text_body": draft.text_body,
            "html_body": draft.html_body,
            "headers": draft.headers,
            "summit_id": draft.summit_id,
            "account_id": draft.account_id,
            "sensitive": draft.sensitive,
            "dedupe_key": draft.dedupe_key,
            "status": MailStatus.PENDING.value,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for draft in drafts
    ]
    # Rows without a key never conflict (NULLs are distinct), so one statement serves all.
    insert_new(db, OutboxMessage, rows, unique=["dedupe_key"])


def claim(db: Session, *, now: datetime, limit: int, lease: timedelta) -> list[OutboxMessage]:
    """Take up to ``limit`` messages due now (or whose sender's lease ran out) for this sender."""
    due = (
        select(OutboxMessage.id)
        .where(
            or_(
                (col(OutboxMessage.status) == MailStatus.PENDING)
                & (col(OutboxMessage.next_attempt_at) <= now),
                (col(OutboxMessage.status) == MailStatus.SENDING)
                & (col(OutboxMessage.lease_until) < now),
            )
        )
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(db.exec(due))
    if not ids:
        return []
    token = secrets.token_hex(16)
    db.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(ids))
        .values(
            status=MailStatus.SENDING,
            claim_token=token,
            lease_until=now + lease,
            attempts=OutboxMessage.attempts + 1,
        )
    )
    db.flush()
    claimed = db.exec(
        select(OutboxMessage)
        .where(col(OutboxMessage.claim_token) == token)
        .order_by(col(OutboxMessage.id))
        .execution_options(populate_existing=True)
    )
    return list(claimed)


@dataclass(frozen=True)
class Outcome:
    """What happened to one claimed message."""

    message_id: int
    claim_token: str
    error: str | None = None
    permanent: bool = False


def record_outcomes(
    db: Session,
    outcomes: list[Outcome],
    *,
    now: datetime,
    max_attempts: int,
    retry_after: timedelta,
) -> None:
    """Mark each message sent, due again later (doubling the wait each time), or failed. A
    message whose claim was lost meanwhile (another sender took it over) is left alone."""
    for outcome in outcomes:
        message = db.get(OutboxMessage, outcome.message_id)
        if message is None or message.claim_token != outcome.claim_token:
            continue
        message.claim_token = None
        message.lease_until = None
        if outcome.error is None:
            message.status = MailStatus.SENT
            message.sent_at = now
            message.last_error = None
            if message.sensitive:
                message.text_body = message.html_body = WITHHELD
        elif outcome.permanent or message.attempts >= max_attempts:
            message.status = MailStatus.FAILED
            message.last_error = outcome.error[:200]
        else:
            message.status = MailStatus.PENDING
            message.last_error = outcome.error[:200]
            message.next_attempt_at = now + retry_after * 2 ** (message.attempts - 1)
        db.add(message)


def can_resend(message: OutboxMessage) -> bool:
    """Failed messages can be sent again, and sent ones unless their one-time link is gone."""
    return message.status == MailStatus.FAILED or (
        message.status == MailStatus.SENT and not message.sensitive
    )


def resend(db: Session, *, message: OutboxMessage, now: datetime) -> bool:
    """Queue ``message`` again from its first attempt; False when it cannot be."""
    if not can_resend(message):
        return False
    message.status = MailStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = now
    message.last_error = None
    db.add(message)
    return True


@dataclass(frozen=True)
class Backlog:
    pending: int
    failed: int
    oldest_pending_seconds: int | None


def backlog(db: Session, *, now: datetime) -> Backlog:
    """How much mail waits (pending or being sent), how much failed, and for how long the oldest
    has waited: for ``/readyz``."""
    waiting = (MailStatus.PENDING, MailStatus.SENDING)
    counts = dict(
        db.exec(
            select(OutboxMessage.status, func.count())
            .where(col(OutboxMessage.status).in_([*waiting, MailStatus.FAILED]))
            .group_by(col(OutboxMessage.status))
        ).all()
    )
    oldest = db.exec(
        select(func.min(OutboxMessage.created_at)).where(col(OutboxMessage.status).in_(waiting))
    ).one()
    return Backlog(
        pending=sum(counts.get(status, 0) for status in waiting),
        failed=counts.get(MailStatus.FAILED, 0),
        oldest_pending_seconds=None
        if oldest is None
        else max(0, int((now - oldest).total_seconds())),
    )
