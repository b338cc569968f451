"""Changes to bodies and their members. Keyword-only; the caller owns the transaction."""

from __future__ import annotations

from sqlmodel import Session, col, select

from summit.agenda.models import ProgrammeSession, Summit
from summit.bodies.forms import BodyInput, MemberInput
from summit.bodies.models import Body, BodyMember, BodySession
from summit.errors import DomainError
from summit.people.models import Delegation
from summit.persistence import assign, pk


def upsert_body(db: Session, *, summit: Summit, data: BodyInput) -> Body:
    """Create or update the body with this slug."""
    body = db.exec(select(Body).where(Body.summit_id == summit.id, Body.slug == data.slug)).first()
    if body is None:
        body = Body(summit_id=pk(summit), **data.model_dump())
        db.add(body)
    else:
        assign(body, data.model_dump())
    db.flush()
    return body


def session_ids_of_codes(db: Session, *, summit: Summit, codes: list[str]) -> set[int]:
    """The ids of the summit's sessions with these codes (a body's, a good practice's links);
    an unknown code is a field error naming it."""
    found = {
        row.code: pk(row)
        for row in db.exec(
            select(ProgrammeSession).where(
                ProgrammeSession.summit_id == summit.id, col(ProgrammeSession.code).in_(codes)
            )
        )
    }
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise DomainError(
            "No session has the code %(code)s.", field="sessions", code=", ".join(unknown)
        )
    return set(found.values())


def link_sessions(db: Session, *, summit: Summit, body: Body, codes: list[str]) -> None:
    """Make the body's linked sessions exactly those with these codes."""
    wanted = session_ids_of_codes(db, summit=summit, codes=codes)
    for link in db.exec(select(BodySession).where(BodySession.body_id == body.id)):
        if link.session_id in wanted:
            wanted.discard(link.session_id)
        else:
            db.delete(link)
    for session_id in sorted(wanted):
        db.add(BodySession(body_id=pk(body), session_id=session_id))
    db.flush()


def save_member(
    db: Session, *, summit: Summit, body: Body, data: MemberInput, member: BodyMember | None = None
) -> BodyMember:
    """Add a seat to ``body``, or change ``member``'s. A delegation holds one seat per body."""
    if data.delegation_id is not None:
        delegation = db.get(Delegation, data.delegation_id)
        if delegation is None or delegation.summit_id != summit.id:
            raise DomainError("No such delegation in this summit.", field="delegation_id")
        other = db.exec(
            select(BodyMember).where(
                BodyMember.body_id == body.id, BodyMember.delegation_id == data.delegation_id
            )
        ).first()
        if other is not None and (member is None or other.id != member.id):
            raise DomainError("This delegation already holds a seat here.", field="delegation_id")
    values = data.model_dump()
    values["organisation"] = {k: v.strip() for k, v in data.organisation.items() if v.strip()}
    if member is None:
        member = BodyMember(body_id=pk(body), **values)
        db.add(member)
    else:
        assign(member, values)
    db.flush()
    return member


def seed_member(db: Session, *, summit: Summit, body: Body, data: MemberInput) -> BodyMember:
    """Add or update a seat found by its natural key: its delegation, or else its position
    (placeholder and organisation seats), so that loading the seed twice leaves the same rows."""
    query = select(BodyMember).where(BodyMember.body_id == body.id)
    if data.delegation_id is not None:
        query = query.where(BodyMember.delegation_id == data.delegation_id)
    else:
        query = query.where(
            col(BodyMember.delegation_id).is_(None), BodyMember.position == data.position
        )
    existing = db.exec(query).first()
    return save_member(db, summit=summit, body=body, data=data, member=existing)


def remove_member(db: Session, *, member: BodyMember) -> None:
    db.delete(member)
    db.flush()
