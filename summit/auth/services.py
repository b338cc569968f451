"""Changes to accounts and their roles. Keyword-only; the caller owns the transaction."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from summit.agenda.models import Summit
from summit.auth.forms import AccountInput, RoleInput
from summit.auth.models import Account, AuditEntry, Role, RoleGrant
from summit.auth.passwords import hash_password, verify_password
from summit.errors import DomainError
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


def grant_role(db: Session, *, summit: Summit, account: Account, data: RoleInput) -> RoleGrant:
    """Give ``account`` a role in ``summit`` (idempotent), checking what it points at."""
    if data.delegation_id is not None:
        delegation = db.get(Delegation, data.delegation_id)
        if delegation is None or delegation.summit_id != summit.id:
            raise DomainError("no such delegation in this summit", field="delegation_id")
    if data.person_id is not None:
        person = db.get(Person, data.person_id)
        if person is None or person.summit_id != summit.id:
            raise DomainError("no such person in this summit", field="person_id")
    if data.role is Role.SPEAKER and data.person_id is None:
        raise DomainError("a speaker account is linked to its programme entry", field="person_id")
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
        db.add(
            AuditEntry(
                summit_id=pk(summit),
                account_id=None,
                action="role.granted",
                target=f"account:{account.id}",
                detail={"role": data.role.value},
            )
        )
    else:
        assign(grant, values)
    db.flush()
    return grant
