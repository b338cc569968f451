"""Writing a message to an account: its language and zone, its choices, the unsubscribe link,
and a key that makes a scheduled message go at most once."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from summit.agenda.models import Summit
from summit.auth.models import Account
from summit.mail.compose import Recipient, compose
from summit.mail.models import REQUIRED_KINDS, MailKind, OutboxMessage
from summit.mail.outbox import queue
from summit.mail.preferences import Choices, choices_of, unsubscribe_url


def short_hash(values: Iterable[object]) -> str:
    """A short stand-in for a set of things, inside a once-only key."""
    return hashlib.sha256(",".join(sorted(map(str, values))).encode()).hexdigest()[:16]


@dataclass
class Mailing:
    """Queues messages for accounts in one transaction, loading each account and its choices
    once (a publication may write to thousands)."""

    db: Session
    base_url: str
    secret_key: str
    existing: set[str] = field(default_factory=set)
    """Once-only keys already in the outbox (see ``remember_recent``): not written again."""
    accounts: dict[int, Account] = field(default_factory=dict)
    choices: dict[int, Choices] = field(default_factory=dict)
    queued: int = 0

    def remember_recent(self, *, since: datetime) -> None:
        """Load the keys of messages queued since ``since``, so that a schedule that runs every
        few seconds does not write (or even compose) the same message again."""
        rows = self.db.exec(
            select(OutboxMessage.dedupe_key).where(
                col(OutboxMessage.dedupe_key).is_not(None), OutboxMessage.created_at >= since
            )
        )
        self.existing |= {key for key in rows if key}

    def load(self, account_ids: Iterable[int]) -> None:
        wanted = sorted(set(account_ids) - set(self.accounts))
        if not wanted:
            return
        for account in self.db.exec(select(Account).where(col(Account.id).in_(wanted))):
            assert account.id is not None  # noqa: S101
            self.accounts[account.id] = account
        self.choices |= choices_of(self.db, account_ids=wanted)

    def choice(self, account_id: int) -> Choices | None:
        self.load([account_id])
        return self.choices.get(account_id)

    def to_account(
        self,
        *,
        account_id: int,
        summit: Summit,
        kind: MailKind,
        subject_key: str,
        context: dict[str, Any],
    ) -> bool:
        """Queue ``kind`` for the account unless it turned the kind off or is disabled; at most
        once per (account, kind, ``subject_key``). True when queued (or already there)."""
        key = f"{kind.value}:a{account_id}:{subject_key}"[:200]
        if key in self.existing:
            return True
        self.load([account_id])
        account = self.accounts.get(account_id)
        choices = self.choices.get(account_id)
        if account is None or not account.is_active or choices is None:
            return False
        if not choices.wants(kind):
            return False
        unsubscribe = (
            None
            if kind in REQUIRED_KINDS
            else unsubscribe_url(
                base_url=self.base_url, secret_key=self.secret_key, account_id=account_id, kind=kind
            )
        )
        recipient = Recipient(
            email=account.email,
            language=account.language or summit.default_language,
            timezone=account.timezone or summit.timezone,
            account_id=account_id,
        )
        self._queue(recipient, summit, kind, key, context, unsubscribe)
        return True

    def to_address(
        self,
        *,
        email: str,
        language: str,
        summit: Summit,
        kind: MailKind,
        subject_key: str,
        context: dict[str, Any],
    ) -> None:
        """Queue ``kind`` for an address with no account (an entrant who gave only a contact)."""
        key = f"{kind.value}:{email}:{subject_key}"[:200]
        if key in self.existing:
            return
        recipient = Recipient(email=email, language=language, timezone=summit.timezone)
        self._queue(recipient, summit, kind, key, context, None)

    def _queue(
        self,
        recipient: Recipient,
        summit: Summit,
        kind: MailKind,
        key: str,
        context: dict[str, Any],
        unsubscribe: str | None,
    ) -> None:
        values = {"summit_name": summit.name, "base_url": self.base_url, "slug": summit.slug}
        draft = compose(
            kind=kind,
            recipient=recipient,
            context=values | context,
            summit_id=summit.id,
            unsubscribe_url=unsubscribe,
            dedupe_key=key,
        )
        queue(self.db, draft)
        self.existing.add(key)
        self.queued += 1
