"""A session's live status on the day: live, running late, ended, cancelled.

Unlike other programme changes, these reach the public at once: they are written to the draft
and to the published session together. Keyword-only; the caller owns the transaction and
records the events returned.
"""

from __future__ import annotations

from sqlmodel import Session

from summit.agenda.models import ProgrammeSession, PublishedSession, SessionStatus, Summit
from summit.columns import utcnow
from summit.errors import DomainError
from summit.events import DomainEvent, SessionStatusChanged
from summit.i18n.viewer import N_plural
from summit.persistence import pk

MAX_DELAY_MINUTES = 240


def set_status(
    db: Session,
    *,
    summit: Summit,
    session_id: int,
    status: SessionStatus,
    delay_minutes: int = 0,
) -> list[DomainEvent]:
    """Change a published session's live status; ``delay_minutes`` only when running late."""
    draft = db.get(ProgrammeSession, session_id)
    published = db.get(PublishedSession, session_id)
    if draft is None or published is None or draft.summit_id != summit.id:
        raise DomainError("Only a published session of this summit has a live status.")
    if status is SessionStatus.LATE:
        if not 1 <= delay_minutes <= MAX_DELAY_MINUTES:
            raise DomainError(
                N_plural(
                    "Give a delay between 1 and %(num)d minute.",
                    "Give a delay between 1 and %(num)d minutes.",
                ),
                field="delay_minutes",
                num=MAX_DELAY_MINUTES,
            )
    else:
        delay_minutes = 0
    if (published.status, published.delay_minutes) == (status, delay_minutes):
        return []
    for row in (draft, published):
        row.status = status
        row.delay_minutes = delay_minutes
        row.revision += 1
        db.add(row)
    draft.updated_at = utcnow()
    summit.programme_stamp += 1
    db.add(summit)
    db.flush()
    return [
        SessionStatusChanged(
            summit_id=pk(summit),
            session_id=session_id,
            status=status.value,
            delay_minutes=delay_minutes,
        )
    ]
