"""Reads of accounts and roles (for the organisers' pages, and the personal calendar feed)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from summit.agenda.models import Summit
from summit.auth.models import Account, AuditEntry, RoleGrant
from summit.people.models import Delegation, Person


@dataclass(frozen=True)
class MemberRow:
    account: Account
    grant: RoleGrant
    delegation: Delegation | None
    person: Person | None


def account_language(db: Session, *, account_id: int) -> str | None:
    """The language the account chose for its pages, if any."""
    account = db.get(Account, account_id)
    return account.language if account is not None else None


def members(db: Session, *, summit: Summit) -> list[MemberRow]:
    rows = db.exec(
        select(RoleGrant, Account, Delegation, Person)
        .join(Account, col(Account.id) == RoleGrant.account_id)
        .join(Delegation, col(Delegation.id) == RoleGrant.delegation_id, isouter=True)
        .join(Person, col(Person.id) == RoleGrant.person_id, isouter=True)
        .where(RoleGrant.summit_id == summit.id)
        .order_by(col(Account.display_name), col(RoleGrant.role))
    )
    return [
        MemberRow(account=account, grant=grant, delegation=delegation, person=person)
        for grant, account, delegation, person in rows
    ]


def audit_entries(
    db: Session, *, summit: Summit, limit: int = 200
) -> list[tuple[AuditEntry, Account | None]]:
    """The summit's own entries, and the sign-in history of the accounts that hold roles in it."""
    accounts_here = select(RoleGrant.account_id).where(RoleGrant.summit_id == summit.id)
    rows = db.exec(
        select(AuditEntry, Account)
        .join(Account, col(Account.id) == AuditEntry.account_id, isouter=True)
        .where(
            or_(
                AuditEntry.summit_id == summit.id,
                col(AuditEntry.summit_id).is_(None) & col(AuditEntry.account_id).in_(accounts_here),
            )
        )
        .order_by(col(AuditEntry.id).desc())
        .limit(limit)
    )
    return [(entry, account) for entry, account in rows]
