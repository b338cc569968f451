"""Publishing the programme: the draft becomes a numbered version, with what changed.

Organisers edit ``programme_session`` rows (the draft). The public reads ``published_session``
rows, which change only here, and for live status, which is immediate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from summit.agenda import search_index
from summit.agenda.models import (
    ProgrammeSession,
    PublishedSession,
    ScheduleRelease,
    SessionPerson,
    SessionStatus,
    Summit,
)
from summit.errors import DomainError
from summit.persistence import pk

DETAIL_FIELDS = (
    *("kind", "title", "abstract", "track_id", "languages"),
    *("channels", "recording_url", "captions_url"),
)


@dataclass(frozen=True)
class Draft:
    session: ProgrammeSession
    people: list[dict[str, Any]]


def _drafts(db: Session, summit: Summit) -> dict[int, Draft]:
    """Every draft session the next publication would show, with its people, in two queries."""
    sessions = db.exec(
        select(ProgrammeSession).where(
            ProgrammeSession.summit_id == summit.id,
            col(ProgrammeSession.is_published),
            col(ProgrammeSession.starts_at).is_not(None),
            col(ProgrammeSession.ends_at).is_not(None),
        )
    ).all()
    ids = [pk(session) for session in sessions]
    people: dict[int, list[dict[str, Any]]] = {session_id: [] for session_id in ids}
    if ids:
        for link in db.exec(
            select(SessionPerson)
            .where(col(SessionPerson.session_id).in_(ids))
            .order_by(col(SessionPerson.position), col(SessionPerson.id))
        ):
            people[link.session_id].append({"person_id": link.person_id, "role": link.role})
    return {pk(session): Draft(session, people[pk(session)]) for session in sessions}


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _place(session: ProgrammeSession | PublishedSession) -> dict[str, Any]:
    return {
        "starts_at": _moment(session.starts_at),
        "ends_at": _moment(session.ends_at),
        "stream_id": session.stream_id,
    }


def _kinds(draft: Draft, published: PublishedSession) -> list[str]:
    session = draft.session
    kinds: list[str] = []
    cancelled_now = session.status == SessionStatus.CANCELLED
    cancelled_before = published.status == SessionStatus.CANCELLED
    if cancelled_now and not cancelled_before:
        kinds.append("cancelled")
    elif cancelled_before and not cancelled_now:
        kinds.append("reinstated")
    if session.stream_id != published.stream_id:
        kinds.append("moved")
    if (session.starts_at, session.ends_at) != (published.starts_at, published.ends_at):
        kinds.append("retimed")
    if draft.people != published.people:
        kinds.append("speakers")
    if any(getattr(session, name) != getattr(published, name) for name in DETAIL_FIELDS):
        kinds.append("details")
    return kinds


def pending_changes(db: Session, *, summit: Summit) -> list[dict[str, Any]]:
    """What publishing now would change, in programme order."""
    drafts = _drafts(db, summit)
    published = {
        row.id: row
        for row in db.exec(select(PublishedSession).where(PublishedSession.summit_id == summit.id))
    }
    changes: list[dict[str, Any]] = []
    for session_id, draft in drafts.items():
        session = draft.session
        before = published.get(session_id)
        if before is None:
            kinds = ["added"]
        else:
            kinds = _kinds(draft, before)
        if kinds:
            changes.append(
                {
                    "session_id": session_id,
                    "code": session.code,
                    "title": session.title,
                    "kinds": kinds,
                    "before": _place(before) if before else None,
                    "after": _place(session),
                }
            )
    for session_id, row in published.items():
        if session_id not in drafts:
            changes.append(
                {
                    "session_id": session_id,
                    "code": row.code,
                    "title": row.title,
                    "kinds": ["removed"],
                    "before": _place(row),
                    "after": None,
                }
            )
    changes.sort(key=lambda change: (change["after"] or change["before"])["starts_at"] or "")
    return changes


def publish(
    db: Session, *, summit: Summit, comment: str, now: datetime
) -> tuple[ScheduleRelease, list[dict[str, Any]]]:
    """Make the draft public as the next version; refuses when nothing changed."""
    changes = pending_changes(db, summit=summit)
    if not changes:
        raise DomainError("Nothing has changed since the last publication.")
    last = db.exec(
        select(ScheduleRelease.version)
        .where(ScheduleRelease.summit_id == summit.id)
        .order_by(col(ScheduleRelease.version).desc())
    ).first()
    version = (last or 0) + 1
    drafts = _drafts(db, summit)
    for change in changes:
        session_id = change["session_id"]
        row = db.get(PublishedSession, session_id)
        if "removed" in change["kinds"]:
            if row is not None:
                db.delete(row)
            continue
        draft = drafts[session_id]
        session = draft.session
        values: dict[str, Any] = {
            "summit_id": pk(summit),
            "code": session.code,
            "kind": session.kind,
            "title": session.title,
            "abstract": session.abstract,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "stream_id": session.stream_id,
            "track_id": session.track_id,
            "languages": session.languages,
            "channels": session.channels,
            "recording_url": session.recording_url,
            "captions_url": session.captions_url,
            "people": draft.people,
            "status": session.status,
            "delay_minutes": session.delay_minutes,
            "revision": session.revision,
            "version": version,
        }
        if row is None:
            db.add(PublishedSession(id=session_id, **values))
        else:
            for name, value in values.items():
                setattr(row, name, value)
            db.add(row)
    release = ScheduleRelease(
        summit_id=pk(summit),
        version=version,
        comment=comment[:2000],
        changes=changes,
        published_at=now,
    )
    db.add(release)
    summit.programme_stamp += 1
    db.add(summit)
    db.flush()
    search_index.refresh(db, summit=summit, session_ids=[c["session_id"] for c in changes])
    return release, changes


def releases(db: Session, *, summit: Summit, limit: int = 50) -> list[ScheduleRelease]:
    return list(
        db.exec(
            select(ScheduleRelease)
            .where(ScheduleRelease.summit_id == summit.id)
            .order_by(col(ScheduleRelease.version).desc())
            .limit(limit)
        )
    )
