"""A delegate's personal agenda: the sessions they follow, and where two of them overlap."""

from __future__ import annotations

from sqlmodel import Session, col, select

from summit.agenda.models import Follow, ProgrammeSession, PublishedSession, Summit
from summit.agenda.queries import SessionCard
from summit.errors import DomainError
from summit.events import DomainEvent, FollowChanged
from summit.persistence import pk


def followed_ids(db: Session, *, summit: Summit, account_id: int) -> set[int]:
    rows = db.exec(
        select(Follow.session_id)
        .join(ProgrammeSession, col(ProgrammeSession.id) == Follow.session_id)
        .where(Follow.account_id == account_id, ProgrammeSession.summit_id == summit.id)
    )
    return set(rows)


def set_follow(
    db: Session, *, summit: Summit, account_id: int, session_id: int, follow: bool
) -> tuple[bool, list[DomainEvent]]:
    """Follow or stop following a published session; returns whether it is now followed, and
    the event for the account's open agenda pages when that changed."""
    published = db.get(PublishedSession, session_id)
    if published is None or published.summit_id != summit.id:
        raise DomainError("No such session in this summit.", field="session")
    existing = db.exec(
        select(Follow).where(Follow.account_id == account_id, Follow.session_id == session_id)
    ).first()
    if follow == (existing is not None):
        return follow, []
    if follow:
        db.add(Follow(account_id=account_id, session_id=session_id))
    elif existing is not None:
        db.delete(existing)
    db.flush()
    return follow, [
        FollowChanged(
            summit_id=pk(summit), account_id=account_id, session_id=session_id, following=follow
        )
    ]


def overlapping(cards: list[SessionCard]) -> set[int]:
    """Ids of the followed sessions that overlap another followed one (cancelled ones aside)."""
    active = sorted(
        (card for card in cards if card.session.status != "cancelled"),
        key=lambda card: card.shown_start,
    )
    clashing: set[int] = set()
    for index, card in enumerate(active):
        for other in active[index + 1 :]:
            if other.shown_start >= card.shown_end:
                break
            clashing.update({card.session.id, other.session.id})
    return clashing
