"""What happened on the day: the live status changes, newest first, for the changes page.

Read from the event table, which already holds every status change with its time; nothing
else records them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from summit.agenda.models import Summit
from summit.agenda.queries import Programme, SessionCard, session_card
from summit.eventlog import LiveEvent

KIND = "session.status"
SHOWN = 50


@dataclass(frozen=True)
class Announcement:
    at: datetime
    status: str
    delay_minutes: int
    card: SessionCard


def of_event(event: LiveEvent, programme: Programme) -> Announcement | None:
    """The announcement a status event makes; None for a session no longer published."""
    card = session_card(programme, int(event.payload.get("session_id", 0)))
    if card is None or event.kind != KIND:
        return None
    return Announcement(
        at=event.created_at,
        status=str(event.payload.get("status", "")),
        delay_minutes=int(event.payload.get("delay_minutes", 0)),
        card=card,
    )


def recent(db: Session, *, summit: Summit) -> tuple[list[LiveEvent], int]:
    """The newest status events of the summit, and the newest event id of all (the page
    includes everything up to it, so its socket replays from there)."""
    events = list(
        db.exec(
            select(LiveEvent)
            .where(LiveEvent.summit_id == summit.id, LiveEvent.kind == KIND)
            .order_by(col(LiveEvent.id).desc())
            .limit(SHOWN)
        )
    )
    newest = db.exec(select(func.max(LiveEvent.id))).one() or 0
    return events, newest
