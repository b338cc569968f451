"""Changes to people and delegations. Keyword-only; the caller owns the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from summit.agenda import search_index
from summit.agenda.models import PublishedSession, SessionPerson, Summit
from summit.errors import DomainError
from summit.people.forms import DelegationInput, PersonInput
from summit.people.models import Delegation, DelegationRole, Person, PersonAvailability
from summit.persistence import assign, pk


def upsert_delegation(db: Session, *, summit: Summit, data: DelegationInput) -> Delegation:
    """Create or update the delegation with this slug; a new name reaches the public search
    (and the published pages) at once."""
    delegation = db.exec(
        select(Delegation).where(Delegation.summit_id == summit.id, Delegation.slug == data.slug)
    ).first()
    if delegation is None:
        delegation = Delegation(summit_id=pk(summit), **data.model_dump())
        db.add(delegation)
        db.flush()
        return delegation
    if assign(delegation, data.model_dump()):
        db.flush()
        search_index.reflect_change(db, summit=summit, delegation_ids=[pk(delegation)])
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
        db.flush()
        return person
    if assign(person, data.model_dump()):
        db.flush()
        # A new name or delegation reaches the public search (and the published pages) at once.
        search_index.reflect_change(db, summit=summit, person_ids=[pk(person)])
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


def delete_person(db: Session, *, summit: Summit, person: Person) -> None:
    """Remove someone who is on no session, draft or published: taking a person off the
    published programme is a programme change, which waits for a publication."""
    on_draft = db.exec(select(SessionPerson.id).where(SessionPerson.person_id == person.id)).first()
    on_published = any(
        person.id in row.person_ids
        for row in db.exec(select(PublishedSession).where(PublishedSession.summit_id == summit.id))
    )
    if on_draft is not None or on_published:
        raise DomainError(
            "%(name)s is on the programme: take them off its sessions first.",
            field="person",
            name=person.full_name,
        )
    db.delete(person)
    db.flush()


def delete_delegation(db: Session, *, delegation: Delegation) -> None:
    """Remove a delegation that has no members left."""
    member = db.exec(select(Person.id).where(col(Person.delegation_id) == delegation.id)).first()
    if member is not None:
        raise DomainError("This delegation still has members: move them first.", field="delegation")
    db.delete(delegation)
    db.flush()
