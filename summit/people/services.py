"""Changes to people and delegations. Keyword-only; the caller owns the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from summit.agenda.models import Summit
from summit.errors import DomainError
from summit.people.forms import DelegationInput, PersonInput
from summit.people.models import Delegation, DelegationRole, Person, PersonAvailability
from summit.persistence import assign, pk


def upsert_delegation(db: Session, *, summit: Summit, data: DelegationInput) -> Delegation:
    delegation = db.exec(
        select(Delegation).where(Delegation.summit_id == summit.id, Delegation.slug == data.slug)
    ).first()
    if delegation is None:
        delegation = Delegation(summit_id=pk(summit), **data.model_dump())
        db.add(delegation)
    else:
        assign(delegation, data.model_dump())
    db.flush()
    return delegation


def upsert_person(db: Session, *, summit: Summit, data: PersonInput) -> Person:
    if data.delegation_id is not None:
        delegation = db.get(Delegation, data.delegation_id)
        if delegation is None or delegation.summit_id != summit.id:
            raise DomainError("No such delegation in this summit.", field="delegation_id")
    person = db.exec(
        select(Person).where(Person.summit_id == summit.id, Person.slug == data.slug)
    ).first()
    if data.delegation_role is DelegationRole.HEAD:
        head = db.exec(
            select(Person).where(
                Person.delegation_id == data.delegation_id,
                Person.delegation_role == DelegationRole.HEAD,
            )
        ).first()
        if head is not None and head.slug != data.slug:
            raise DomainError(
                "%(name)s already heads this delegation.",
                field="delegation_role",
                name=head.full_name,
            )
    if person is None:
        person = Person(summit_id=pk(summit), **data.model_dump())
        db.add(person)
    else:
        assign(person, data.model_dump())
    db.flush()
    return person


def set_availability(
    db: Session, *, person: Person, windows: list[tuple[datetime, datetime]]
) -> None:
    """Replace the windows in which ``person`` said they can take part (none: any time)."""
    for start, end in windows:
        if end <= start:
            raise DomainError("Each window must end after it starts.", field="availability")
    for row in db.exec(select(PersonAvailability).where(PersonAvailability.person_id == person.id)):
        db.delete(row)
    for start, end in sorted(windows):
        db.add(PersonAvailability(person_id=pk(person), starts_at=start, ends_at=end))
    db.flush()
