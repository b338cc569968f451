"""The secret addresses of delegates' personal calendar feeds.

A calendar app cannot sign in, so the feed's address carries a secret. Only its SHA-256 is
stored (one per account and summit); the secret itself is shown once, when it is made. Making a
new one replaces the old, whose address then answers 404.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlmodel import Session, select

from summit.agenda.models import CalendarToken, Summit
from summit.persistence import pk

_TOKEN_BYTES = 32


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def rotate(db: Session, *, summit: Summit, account_id: int, now: datetime) -> str:
    """A new secret for the account's feed in ``summit``; any earlier one stops working."""
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    row = db.exec(
        select(CalendarToken).where(
            CalendarToken.account_id == account_id, CalendarToken.summit_id == summit.id
        )
    ).first()
    if row is None:
        row = CalendarToken(account_id=account_id, summit_id=pk(summit), token_hash="")
    row.token_hash = _hash(token)
    row.created_at = now
    db.add(row)
    db.flush()
    return token


def issued_at(db: Session, *, summit: Summit, account_id: int) -> datetime | None:
    """When the account's current secret was made, if it has one."""
    return db.exec(
        select(CalendarToken.created_at).where(
            CalendarToken.account_id == account_id, CalendarToken.summit_id == summit.id
        )
    ).first()


def account_for(db: Session, *, summit: Summit, token: str) -> int | None:
    """The account whose feed ``token`` opens in ``summit``, or None."""
    if not token or len(token) > 100:
        return None
    return db.exec(
        select(CalendarToken.account_id).where(
            CalendarToken.token_hash == _hash(token), CalendarToken.summit_id == summit.id
        )
    ).first()
