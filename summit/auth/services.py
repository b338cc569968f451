"""Changes to accounts and their roles. Keyword-only; the caller owns the transaction."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from summit.agenda.models import Summit
from summit.auth.audit import AuditAction, record
from summit.auth.forms import AccountInput, PreferencesInput, RoleInput
from summit.auth.models import Account, Role, RoleGrant
from summit.auth.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    verify_password,
)
from summit.errors import DomainError
from summit.i18n.viewer import N_plural
from summit.people.models import Delegation, Person
from summit.persistence import assign, pk


def upsert_account(db: Session, *, data: AccountInput) -> Account:
    """Create the account with this e-mail, or update its name, language and password.

    A password that already matches is left alone, so that re-running an import leaves the
    stored hash (and its salt) as it was.
    """
    account = db.exec(select(Account).where(Account.email == data.email)).first()
    if account is None:
        account = Account(email=data.email, display_name=data.display_name, language=data.language)
        db.add(account)
    else:
        assign(account, {"display_name": data.display_name, "language": data.language})
    if data.password is not None and not verify_password(data.password, account.password_hash):
        account.password_hash = hash_password(data.password)
        if account.id is not None:
            account.session_version += 1
    db.flush()
    return account


def set_preferences(db: Session, *, account: Account, data: PreferencesInput) -> None:
    """Store the language and time zone the account's pages are shown in, on any device where
    the browser has made no choice of its own."""
    assign(account, {"language": data.language, "timezone": data.timezone})
    db.flush()


def grant_role(
    db: Session,
    *,
    summit: Summit,
    account: Account,
    data: RoleInput,
    granted_by: Account | None = None,
) -> RoleGrant:
    """Give ``account`` a role in ``summit`` (idempotent), checking what it points at."""
    if data.delegation_id is not None:
        delegation = db.get(Delegation, data.delegation_id)
        if delegation is None or delegation.summit_id != summit.id:
            raise DomainError("No such delegation in this summit.", field="delegation_id")
    if data.person_id is not None:
        person = db.get(Person, data.person_id)
        if person is None or person.summit_id != summit.id:
            raise DomainError("No such person in this summit.", field="person_id")
    if data.role is Role.SPEAKER and data.person_id is None:
        raise DomainError("A speaker account is linked to its programme entry.", field="person_id")
    if data.role is Role.DELEGATION_HEAD and data.delegation_id is None:
        raise DomainError("Choose the delegate's delegation.", field="delegation_id")
    grant = db.exec(
        select(RoleGrant).where(
            RoleGrant.account_id == account.id,
            RoleGrant.summit_id == summit.id,
            RoleGrant.role == data.role,
        )
    ).first()
    values: dict[str, Any] = {"delegation_id": data.delegation_id, "person_id": data.person_id}
    if grant is None:
        grant = RoleGrant(account_id=pk(account), summit_id=pk(summit), role=data.role, **values)
        db.add(grant)
        record(
            db,
            action=AuditAction.ROLE_GRANTED,
            summit_id=summit.id,
            account_id=granted_by.id if granted_by else None,
            target=f"account:{account.id}",
            role=data.role.value,
        )
    else:
        assign(grant, values)
    db.flush()
    return grant


def authenticate(db: Session, *, email: str, password: str) -> Account | None:
    """The active account with this e-mail and password, or None.

    Unknown addresses cost the same hashing work as known ones, so that timing does not tell
    which addresses have accounts.
    """
    account = db.exec(select(Account).where(Account.email == email.strip().lower())).first()
    if account is None or not account.is_active:
        verify_password(password, None)
        return None
    return account if verify_password(password, account.password_hash) else None


def end_sessions(db: Session, *, account: Account) -> None:
    """Sign the account out everywhere: every cookie carrying the old version stops working."""
    account.session_version += 1
    db.add(account)
    db.flush()


def set_password(db: Session, *, account: Account, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            N_plural("Use at least %(num)d character.", "Use at least %(num)d characters."),
            field="new_password",
            num=MIN_PASSWORD_LENGTH,
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise DomainError(
            N_plural("Use at most %(num)d character.", "Use at most %(num)d characters."),
            field="new_password",
            num=MAX_PASSWORD_LENGTH,
        )
    account.password_hash = hash_password(password)
    end_sessions(db, account=account)


def change_password(
    db: Session, *, account: Account, current_password: str, new_password: str
) -> None:
    """Replace the password after checking the current one; ends every other session too."""
    if not verify_password(current_password, account.password_hash):
        raise DomainError("This is not your current password.", field="current_password")
    set_password(db, account=account, password=new_password)
    record(db, action=AuditAction.PASSWORD_CHANGED, account_id=account.id, target=_who(account))


def disable_account(db: Session, *, account: Account, by: Account | None = None) -> None:
    account.is_active = False
    end_sessions(db, account=account)
    record(
        db,
        action=AuditAction.ACCOUNT_DISABLED,
        account_id=by.id if by else None,
        target=_who(account),
    )


def revoke_role(db: Session, *, grant: RoleGrant, by: Account) -> None:
    """Take a role away. Roles are read on every request, so the next page already lacks it;
    the caller closes the account's open sockets so that they re-subscribe without it."""
    record(
        db,
        action=AuditAction.ROLE_REVOKED,
        summit_id=grant.summit_id,
        account_id=by.id,
        target=f"account:{grant.account_id}",
        role=grant.role,
    )
    db.delete(grant)
    db.flush()


def _who(account: Account) -> str:
    return f"account:{account.id}"
