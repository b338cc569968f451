"""What each account chooses to receive, and the signed links that turn a kind off without
signing in."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from sqlmodel import Session, col, select

from summit.columns import utcnow
from summit.mail.models import REQUIRED_KINDS, MailKind, MailPreference

OPTIONAL_KINDS = tuple(kind for kind in MailKind if kind not in REQUIRED_KINDS)
DEFAULT_REMINDER_MINUTES = 15
REMINDER_CHOICES = (5, 15, 30, 60)
_SALT = "summit.mail.unsubscribe"


@dataclass(frozen=True)
class Choices:
    """One account's choices: the kinds turned off, and how early session reminders come."""

    off: frozenset[MailKind]
    reminder_minutes: int

    def wants(self, kind: MailKind) -> bool:
        return kind in REQUIRED_KINDS or kind not in self.off


EVERYTHING = Choices(off=frozenset(), reminder_minutes=DEFAULT_REMINDER_MINUTES)


def choices_of(db: Session, *, account_ids: list[int]) -> dict[int, Choices]:
    """Each account's choices (accounts with none have ``EVERYTHING``), in one query."""
    rows = db.exec(select(MailPreference).where(col(MailPreference.account_id).in_(account_ids)))
    off: dict[int, set[MailKind]] = {}
    minutes: dict[int, int] = {}
    for row in rows:
        if not row.enabled:
            off.setdefault(row.account_id, set()).add(MailKind(row.kind))
        if row.kind == MailKind.SESSION_REMINDER and row.minutes_before:
            minutes[row.account_id] = row.minutes_before
    return {
        account_id: Choices(
            off=frozenset(off.get(account_id, ())),
            reminder_minutes=minutes.get(account_id, DEFAULT_REMINDER_MINUTES),
        )
        for account_id in account_ids
    }


def set_choice(
    db: Session,
    *,
    account_id: int,
    kind: MailKind,
    enabled: bool,
    minutes_before: int | None = None,
) -> None:
    """Turn ``kind`` on or off for the account (required kinds cannot be turned off)."""
    if kind in REQUIRED_KINDS:
        raise ValueError(f"{kind} cannot be turned off")
    row = db.exec(
        select(MailPreference).where(
            MailPreference.account_id == account_id, MailPreference.kind == kind
        )
    ).first() or MailPreference(account_id=account_id, kind=kind)
    row.enabled = enabled
    row.minutes_before = minutes_before
    row.updated_at = utcnow()
    db.add(row)


def _signature(secret_key: str, account_id: int, kind: str) -> str:
    message = f"{_SALT}:{account_id}:{kind}".encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def unsubscribe_token(*, secret_key: str, account_id: int, kind: MailKind) -> str:
    """``<account>.<kind>.<signature>``: an HMAC (it is written into thousands of digests at
    once, so it is kept cheap) that only this server's secret key can make."""
    return f"{account_id}.{kind.value}.{_signature(secret_key, account_id, kind.value)}"


def read_unsubscribe_token(*, secret_key: str, token: str) -> tuple[int, MailKind] | None:
    """The (account, kind) a link was signed for; None for a link we did not sign."""
    account, _, rest = token.partition(".")
    kind, _, signature = rest.partition(".")
    if len(token) > 120 or not account.isdigit() or len(account) > 12:
        return None
    expected = _signature(secret_key, int(account), kind)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return None
    try:
        found = MailKind(kind)
    except ValueError:
        return None
    return None if found in REQUIRED_KINDS else (int(account), found)


def unsubscribe_url(*, base_url: str, secret_key: str, account_id: int, kind: MailKind) -> str:
    token = unsubscribe_token(secret_key=secret_key, account_id=account_id, kind=kind)
    return f"{base_url}/mail/unsubscribe/{token}"
