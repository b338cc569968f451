"""Invitations and password resets: single-use links that expire.

The link carries a random token; the database keeps only its SHA-256, so that neither a copy of
the database nor its backups can be used to accept an invitation or reset a password.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from summit.agenda.models import Summit
from summit.auth.audit import AuditAction, record
from summit.auth.forms import RoleInput
from summit.auth.models import Account, AccountToken, Role, TokenPurpose
from summit.auth.services import grant_role, set_password
from summit.errors import DomainError
from summit.people.models import Delegation, Person
from summit.persistence import pk

INVITATION_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=2)
_TOKEN_BYTES = 32


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: str
    """Shown once, in the link; never stored."""
    row: AccountToken


def issue_invitation(
    db: Session,
    *,
    summit: Summit,
    email: str,
    role: Role,
    invited_by: Account,
    now: datetime,
    delegation_id: int | None = None,
    person_id: int | None = None,
) -> IssuedToken:
    """An invitation to take ``role`` in ``summit``, for whoever holds the link."""
    if delegation_id is not None:
        delegation = db.get(Delegation, delegation_id)
        if delegation is None or delegation.summit_id != summit.id:
            raise DomainError("No such delegation in this summit.", field="delegation_id")
    if person_id is not None:
        person = db.get(Person, person_id)
        if person is None or person.summit_id != summit.id:
            raise DomainError("No such person in this summit.", field="person_id")
    if role is Role.SPEAKER and person_id is None:
        raise DomainError("Choose the speaker's entry on the programme.", field="person_id")
    if role in {Role.DELEGATE, Role.DELEGATION_HEAD} and delegation_id is None:
        raise DomainError("Choose the delegate's delegation.", field="delegation_id")
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    row = AccountToken(
        purpose=TokenPurpose.INVITATION,
        token_hash=_hash(token),
        email=email.strip().lower(),
        summit_id=pk(summit),
        role=role,
        delegation_id=delegation_id,
        person_id=person_id,
        created_by_id=invited_by.id,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    db.add(row)
    db.flush()
    record(
        db,
        action=AuditAction.INVITATION_ISSUED,
        summit_id=summit.id,
        account_id=invited_by.id,
        target=f"invitation:{row.id}",
        email=row.email,
        role=role.value,
    )
    return IssuedToken(token=token, row=row)


def find_token(
    db: Session, *, token: str, purpose: TokenPurpose, now: datetime
) -> AccountToken | None:
    """The token's row while it is unused and unexpired; None otherwise, whatever the reason."""
    if not token or len(token) > 128:
        return None
    row = db.exec(select(AccountToken).where(AccountToken.token_hash == _hash(token))).first()
    if row is None or row.purpose != purpose or row.used_at is not None or row.expires_at <= now:
        return None
    return row


def accept_invitation(
    db: Session,
    *,
    invitation: AccountToken,
    account: Account | None,
    display_name: str,
    password: str,
    now: datetime,
) -> Account:
    """Grant the invited role to the signed-in ``account``, or to a new account for the
    invited address; the link then stops working."""
    if invitation.used_at is not None or invitation.role is None or invitation.summit_id is None:
        raise DomainError("This invitation has already been used.")
    summit = db.get(Summit, invitation.summit_id)
    if summit is None:
        raise DomainError("This invitation's summit no longer exists.")
    if account is None:
        existing = db.exec(select(Account).where(Account.email == invitation.email)).first()
        if existing is not None:
            raise DomainError(
                "An account with this address exists: sign in first, then open the link again.",
                field="email",
            )
        if not display_name.strip():
            raise DomainError("Give the name others will see.", field="display_name")
        account = Account(email=invitation.email, display_name=display_name.strip()[:200])
        db.add(account)
        set_password(db, account=account, password=password)
        db.flush()
    grant_role(
        db,
        summit=summit,
        account=account,
        data=RoleInput(
            role=Role(invitation.role),
            delegation_id=invitation.delegation_id,
            person_id=invitation.person_id,
        ),
    )
    invitation.used_at = now
    db.add(invitation)
    record(
        db,
        action=AuditAction.INVITATION_USED,
        summit_id=summit.id,
        account_id=account.id,
        target=f"invitation:{invitation.id}",
    )
    return account


def pending_invitations(db: Session, *, summit: Summit, now: datetime) -> list[AccountToken]:
    return list(
        db.exec(
            select(AccountToken).where(
                AccountToken.summit_id == summit.id,
                AccountToken.purpose == TokenPurpose.INVITATION,
                AccountToken.used_at == None,  # noqa: E711 - SQL IS NULL
                AccountToken.expires_at > now,
            )
        )
    )


def issue_reset(db: Session, *, email: str, now: datetime) -> IssuedToken | None:
    """A reset link for an active account with this address; None for any other address.

    The caller answers the same way in both cases.
    """
    account = db.exec(select(Account).where(Account.email == email.strip().lower())).first()
    if account is None or not account.is_active:
        return None
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    row = AccountToken(
        purpose=TokenPurpose.RESET,
        token_hash=_hash(token),
        email=account.email,
        account_id=account.id,
        created_at=now,
        expires_at=now + RESET_LIFETIME,
    )
    db.add(row)
    record(db, action=AuditAction.PASSWORD_RESET_REQUESTED, account_id=account.id)
    db.flush()
    return IssuedToken(token=token, row=row)


def reset_password(db: Session, *, reset: AccountToken, password: str, now: datetime) -> Account:
    account = db.get(Account, reset.account_id) if reset.account_id else None
    if account is None or not account.is_active or reset.used_at is not None:
        raise DomainError("This link is no longer valid.")
    set_password(db, account=account, password=password)
    reset.used_at = now
    db.add(reset)
    record(db, action=AuditAction.PASSWORD_RESET, account_id=account.id)
    return account
