"""The event table: every change the live layer pushes, written with the change itself; and
the presence table, the live count of open session pages."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index
from sqlmodel import Field, Session, SQLModel

from summit.columns import BigID, timestamp_field, utc_field
from summit.events import DomainEvent


class LiveEvent(SQLModel, table=True):
    """One change, in commit order per process; a reconnecting page replays from its last id."""

    __tablename__ = "live_event"

    id: int | None = Field(
        default=None, sa_column=Column(BigID, primary_key=True, autoincrement=True)
    )
    summit_id: int | None = Field(default=None, foreign_key="summit.id", ondelete="CASCADE")
    topic: str = Field(max_length=128)
    """Who may hear of it, e.g. ``summit:1:programme`` or ``session:42``."""
    kind: str = Field(max_length=64)
    subject: str = Field(max_length=128)
    """What changed, e.g. ``session:42``."""
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = timestamp_field()

    __table_args__ = (
        Index("ix_live_event_topic_id", "topic", "id"),
        Index("ix_live_event_created_at", "created_at"),
    )


def record(db: Session, events: list[DomainEvent], *, at: datetime) -> list[LiveEvent]:
    """Write ``events`` in the caller's transaction: a rolled-back change publishes nothing.
    ``at`` is the app's clock (a demo's is not the real one): pages show it and replays age by it.
    """
    rows = [
        LiveEvent(
            summit_id=event.summit_id,
            topic=event.topic,
            kind=event.kind,
            subject=event.subject,
            payload=event.payload(),
            created_at=at,
        )
        for event in events
    ]
    db.add_all(rows)
    db.flush()
    return rows


class SessionPresence(SQLModel, table=True):
    """How many pages of one session a process has open: the sum over live processes is what
    every session page shows. Rows of a process that stopped age out."""

    __tablename__ = "session_presence"

    process: str = Field(max_length=32, primary_key=True)
    session_id: int = Field(
        foreign_key="programme_session.id", ondelete="CASCADE", primary_key=True, index=True
    )
    viewers: int
    seen_at: datetime = utc_field()


class NoticeSeen(SQLModel, table=True):
    """An account that had a page open when the news of a followed session's change reached
    it (the notice was shown, or replayed when the page came back). The mail schedule tells
    the other followers by mail (``summit/mail/programme_mail.py``)."""

    __tablename__ = "notice_seen"

    event_id: int = Field(
        sa_column=Column(BigID, ForeignKey("live_event.id", ondelete="CASCADE"), primary_key=True)
    )
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", primary_key=True)
