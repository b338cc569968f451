"""Who may submit to a network's library and who moderates it: pure predicates over a principal
and the body's seats (docs/bodies.md, "The good-practice library").

- A *member* is an account tied (as a delegate or head of delegation) to a delegation that
  holds a seat on the body, whatever its term: a founding member keeps sharing its practices.
- A *coordinator* is an organiser of the summit, or a member whose delegation holds the chair
  or a co-chair seat: the network runs its own library, and the organisers can stand in.
"""

from __future__ import annotations

from collections.abc import Iterable

from summit.auth.permissions import Principal, is_organiser
from summit.bodies.models import BodyMember, MemberRole

COORDINATING_ROLES = frozenset({MemberRole.CHAIR, MemberRole.CO_CHAIR})


def _own_delegations(principal: Principal, summit_id: int) -> set[int]:
    return {
        grant.delegation_id
        for grant in principal.grants
        if grant.summit_id == summit_id and grant.delegation_id is not None
    }


def member_delegations(
    principal: Principal, summit_id: int, seats: Iterable[BodyMember]
) -> list[int]:
    """The principal's delegations that hold a seat on the body, in id order."""
    own = _own_delegations(principal, summit_id)
    return sorted({seat.delegation_id for seat in seats if seat.delegation_id in own})


def is_member(principal: Principal, summit_id: int, seats: Iterable[BodyMember]) -> bool:
    return bool(member_delegations(principal, summit_id, seats))


def is_coordinator(principal: Principal, summit_id: int, seats: Iterable[BodyMember]) -> bool:
    if is_organiser(principal, summit_id):
        return True
    own = _own_delegations(principal, summit_id)
    return any(seat.delegation_id in own and seat.role in COORDINATING_ROLES for seat in seats)
