"""Reading bodies for pages: each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from summit.agenda.models import ProgrammeSession, Summit
from summit.bodies.models import Body, BodyMember, BodySession, MemberRole
from summit.people.models import Delegation

ROLE_ORDER = {MemberRole.CHAIR: 0, MemberRole.CO_CHAIR: 1, MemberRole.MEMBER: 2}


@dataclass(frozen=True)
class Seat:
    member: BodyMember
    delegation: Delegation | None


@dataclass(frozen=True)
class BodyView:
    body: Body
    seats: list[Seat]
    session_ids: list[int]
    """Linked sessions; the page shows those on the published programme."""


def bodies(db: Session, *, summit: Summit) -> list[Body]:
    return list(db.exec(select(Body).where(Body.summit_id == summit.id).order_by(col(Body.slug))))


def body_by_slug(db: Session, *, summit: Summit, slug: str) -> Body | None:
    return db.exec(select(Body).where(Body.summit_id == summit.id, Body.slug == slug)).first()


def seats(db: Session, *, body: Body) -> list[Seat]:
    """The body's seats: chairs first, then by position."""
    rows = db.exec(
        select(BodyMember, Delegation)
        .join(Delegation, col(Delegation.id) == BodyMember.delegation_id, isouter=True)
        .where(BodyMember.body_id == body.id)
    ).all()
    found = [Seat(member=member, delegation=delegation) for member, delegation in rows]
    found.sort(key=lambda seat: (ROLE_ORDER[seat.member.role], seat.member.position))
    return found


def body_view(db: Session, *, summit: Summit, slug: str) -> BodyView | None:
    body = body_by_slug(db, summit=summit, slug=slug)
    if body is None:
        return None
    linked = db.exec(select(BodySession.session_id).where(BodySession.body_id == body.id)).all()
    return BodyView(body=body, seats=seats(db, body=body), session_ids=list(linked))


def linked_codes(db: Session, *, body: Body) -> list[str]:
    return list(
        db.exec(
            select(ProgrammeSession.code)
            .join(BodySession, col(BodySession.session_id) == ProgrammeSession.id)
            .where(BodySession.body_id == body.id)
            .order_by(col(ProgrammeSession.code))
        )
    )


def memberships(db: Session, *, delegation: Delegation) -> list[tuple[Body, BodyMember]]:
    """The seats a delegation holds, on every body of its summit."""
    rows = db.exec(
        select(Body, BodyMember)
        .join(BodyMember, col(BodyMember.body_id) == Body.id)
        .where(BodyMember.delegation_id == delegation.id)
        .order_by(col(Body.slug))
    ).all()
    return [(body, member) for body, member in rows]
