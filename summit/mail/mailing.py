"""Writing a message to an account: its language and zone, its choices, the unsubscribe link,
and a key that makes a scheduled message go at most once."""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from summit.agenda.models import Summit
from summit.auth.models import Account
from summit.mail.compose import Recipient, compose
from summit.mail.models import REQUIRED_KINDS, MailKind, OutboxMessage
from summit.mail.outbox import Draft, queue_many
from summit.mail.preferences import Choices, choices_of, unsubscribe_url

_PLACEHOLDER = "https://unsubscribe.invalid/placeholder"
"""Stands for each recipient's own unsubscribe link in a message composed for many."""
_BATCH = 1000


Parts = Callable[[Recipient], dict[str, tuple[str, str]]]
"""A recipient's own pieces of a message composed for many: placeholder -> (text, HTML)."""


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
    pending: list[Draft] = field(default_factory=list)
    rendered: dict[tuple[object, ...], Draft] = field(default_factory=dict)
    """Messages composed once for every recipient who gets the same words (see
    ``render_key``), with a placeholder where each one's unsubscribe link goes."""

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
        wanted = sorted({id_ for id_ in account_ids if id_ not in self.accounts})
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
        render_key: str | None = None,
        parts: Parts | None = None,
    ) -> bool:
        """Queue ``kind`` for the account unless it turned the kind off or is disabled; at most
        once per (account, kind, ``subject_key``). True when queued (or already there).

        Messages of one kind with the same ``render_key`` say the same thing to everyone of one
        language and zone: they are composed once (a publication's digest to thousands), and
        ``parts`` fills each one's own pieces in: it maps a placeholder that the template
        printed to the recipient's (text, HTML) piece."""
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
        filled = {} if parts is None else parts(recipient)
        if unsubscribe is not None:
            filled[_PLACEHOLDER] = (unsubscribe, html.escape(unsubscribe))
        self._queue(recipient, summit, kind, key, context, filled, render_key)
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
        self._queue(recipient, summit, kind, key, context, {}, None)

    def _queue(
        self,
        recipient: Recipient,
        summit: Summit,
        kind: MailKind,
        key: str,
        context: dict[str, Any],
        filled: dict[str, tuple[str, str]],
        render_key: str | None,
    ) -> None:
        shared = (kind, recipient.language, recipient.timezone, summit.id, render_key)
        draft = self.rendered.get(shared) if render_key is not None else None
        if draft is None:
            values = {"summit_name": summit.name, "base_url": self.base_url, "slug": summit.slug}
            draft = compose(
                kind=kind,
                recipient=recipient,
                context=values | context,
                summit_id=summit.id,
                unsubscribe_url=_PLACEHOLDER if _PLACEHOLDER in filled else None,
            )
            if render_key is not None:
                self.rendered[shared] = draft
        text, page, headers = draft.text_body, draft.html_body, dict(draft.headers)
        for placeholder, (as_text, as_html) in filled.items():
            text = text.replace(placeholder, as_text)
            page = page.replace(placeholder, as_html)
            headers = {name: value.replace(placeholder, as_text) for name, value in headers.items()}
        self.pending.append(
            replace(
                draft,
                recipient=recipient.email,
                account_id=recipient.account_id,
                dedupe_key=key,
                text_body=text,
                html_body=page,
                headers=headers,
            )
        )
        self.existing.add(key)
        self.queued += 1
        if len(self.pending) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the messages queued so far."""
        queue_many(self.db, self.pending)
        self.pending = []
