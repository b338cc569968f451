"""Bearer tokens for the JSON API: issued to an organiser for one summit, with named scopes.

The token is random and shown once; the database keeps only its SHA-256. A token only ever
acts with its account's roles as they are at the time of each request, so taking away the
organiser role disables every token of that account for the summit at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, col, select

from summit.agenda.models import Summit
from summit.auth.audit import AuditAction, record
from summit.auth.models import Account, ApiToken
from summit.errors import DomainError
from summit.i18n.viewer import N_plural
from summit.persistence import pk

TOKEN_PREFIX = "smt_"  # noqa: S105 - a visible prefix, not a secret
DEFAULT_DAYS = 90
MAX_DAYS = 366
_TOKEN_BYTES = 32
LAST_USED_PRECISION = timedelta(minutes=1)
"""``last_used_at`` is written at most this often per token: a busy script need not write on
every request."""


class ApiScope(StrEnum):
    PROGRAMME_WRITE = "programme:write"
    """Create, edit, move, retime and publish sessions; change their live status."""
    PEOPLE_WRITE = "people:write"
    """Create, edit and delete people and delegations."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedApiToken:
    token: str
    """Shown once; never stored."""
    row: ApiToken


def issue_api_token(
    db: Session,
    *,
    summit: Summit,
    account: Account,
    name: str,
    scopes: list[ApiScope],
    now: datetime,
    days: int = DEFAULT_DAYS,
) -> IssuedApiToken:
    """A new token acting as ``account`` in ``summit``; the caller checks who may ask for it."""
    name = name.strip()
    if not name or len(name) > 100:
        raise DomainError("Give the token a name of at most 100 characters.", field="name")
    if not scopes:
        raise DomainError("Choose at least one scope.", field="scopes")
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(
            N_plural(
                "A token lasts between 1 and %(num)d day.",
                "A token lasts between 1 and %(num)d days.",
            ),
            field="days",
            num=MAX_DAYS,
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(_TOKEN_BYTES)
    row = ApiToken(
        account_id=pk(account),
        summit_id=pk(summit),
        name=name,
        scopes=sorted({scope.value for scope in scopes}),
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.add(row)
    db.flush()
    record(
        db,
        action=AuditAction.API_TOKEN_ISSUED,
        summit_id=summit.id,
        account_id=account.id,
        target=f"api_token:{row.id}",
        name=name,
        scopes=row.scopes,
    )
    return IssuedApiToken(token=token, row=row)


def find_api_token(db: Session, *, token: str, now: datetime) -> ApiToken | None:
    """The token's row while it is neither revoked nor expired; None otherwise."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 128:
        return None
    row = db.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).first()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    return row


def note_use(db: Session, *, token_id: int, now: datetime) -> None:
    row = db.get(ApiToken, token_id)
    if row is not None and (
        row.last_used_at is None or now - row.last_used_at >= LAST_USED_PRECISION
    ):
        row.last_used_at = now
        db.add(row)


def revoke_api_token(
    db: Session, *, summit: Summit, token_id: int, by: Account, now: datetime
) -> ApiToken:
    """Revoke a token of this summit (idempotent); another summit's token is not found."""
    row = db.get(ApiToken, token_id)
    if row is None or row.summit_id != summit.id:
        raise DomainError("No such token in this summit.", field="token")
    if row.revoked_at is None:
        row.revoked_at = now
        db.add(row)
        record(
            db,
            action=AuditAction.API_TOKEN_REVOKED,
            summit_id=summit.id,
            account_id=by.id,
            target=f"api_token:{row.id}",
            name=row.name,
        )
    return row


def summit_tokens(db: Session, *, summit: Summit) -> list[tuple[ApiToken, Account]]:
    """Every token of the summit, newest first, with its account."""
    rows = db.exec(
        select(ApiToken, Account)
        .join(Account, col(Account.id) == ApiToken.account_id)
        .where(ApiToken.summit_id == summit.id)
        .order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc())
    )
    return [(token, account) for token, account in rows]
