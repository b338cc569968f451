"""A delegate's personal agenda: the sessions they follow, and where two of them overlap."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from summit.agenda.models import Follow, ProgrammeSession, PublishedSession, Summit
from summit.agenda.queries import SessionCard
from summit.errors import DomainError
from summit.eventlog import LiveEvent
from summit.events import DomainEvent, FollowChanged
from summit.persistence import pk


def followed_ids(db: Session, *, summit: Summit, account_id: int) -> set[int]:
    rows = db.exec(
        select(Follow.session_id)
        .join(ProgrammeSession, col(ProgrammeSession.id) == Follow.session_id)
        .where(Follow.account_id == account_id, ProgrammeSession.summit_id == summit.id)
    )
    return set(rows)


def followed_since(
    db: Session, *, summit: Summit, account_id: int, programme_stamp: int, programme_seen: int
) -> tuple[set[int], int]:
    """The sessions followed, and the event an agenda page showing them with a programme at
    ``programme_stamp`` (up to event ``programme_seen``) replays from.

    The newest event is read first: a follow committed after it is both shown and replayed,
    which the page takes as the same entry again. When the programme has not changed since
    (the stamp rises with every status and publication), the page replays from that event, so
    a reload does not replay the follows it already shows (an unfollow, then the follow,
    would take the entry away for a moment); else from what the programme includes.
    """
    newest = db.exec(select(func.max(LiveEvent.id))).one() or 0
    fresh = db.get(Summit, summit.id)
    stamp = fresh.programme_stamp if fresh is not None else programme_stamp + 1
    followed = followed_ids(db, summit=summit, account_id=account_id)
    return followed, max(newest, programme_seen) if stamp == programme_stamp else programme_seen


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
