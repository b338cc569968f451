"""Submitting, editing, moderating and linking good practices. Keyword-only; the caller owns the
transaction. Every step is written to the audit log, with who took it.

Who may do what is decided here too (``summit.practices.access``), not only by the pages: a
route that forgot to ask would still be refused.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, col, select

from summit.agenda.models import Summit, Track
from summit.auth.audit import AuditAction, record
from summit.auth.permissions import Principal
from summit.awards.attachments import MAX_FILES, MAX_FILES_ERROR, check_upload, store_file
from summit.bodies.models import Body, BodyMember
from summit.bodies.services import session_ids_of_codes
from summit.errors import DomainError
from summit.i18n.viewer import N_plural
from summit.persistence import pk
from summit.practices.access import is_coordinator, member_delegations
from summit.practices.forms import PracticeInput
from summit.practices.models import (
    Practice,
    PracticeFile,
    PracticeSession,
    PracticeStatus,
    PracticeTheme,
)
from summit.search_text import index_text

MAX_NOTE = 2000
NOTE_TOO_LONG = N_plural("Use at most %(num)d character.", "Use at most %(num)d characters.")


class Decision(StrEnum):
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"


_OUTCOME = {
    Decision.APPROVE: (PracticeStatus.PUBLISHED, AuditAction.PRACTICE_APPROVED),
    Decision.REQUEST_CHANGES: (
        PracticeStatus.CHANGES_REQUESTED,
        AuditAction.PRACTICE_CHANGES_REQUESTED,
    ),
    Decision.REJECT: (PracticeStatus.REJECTED, AuditAction.PRACTICE_REJECTED),
}

EDITABLE = frozenset({PracticeStatus.SUBMITTED, PracticeStatus.CHANGES_REQUESTED})
"""What a submitter may still change: once published or rejected, it is the coordinators'."""


def _public_changed(db: Session, *, summit: Summit) -> None:
    """Raise the programme stamp: session pages list the published practices presented there,
    and the cached copies must be made again. In SQL, as the summit row read by the request
    may be older than the database's."""
    db.exec(
        update(Summit)
        .where(col(Summit.id) == summit.id)
        .values(programme_stamp=col(Summit.programme_stamp) + 1)
    )


def seats_of(db: Session, *, body: Body) -> list[BodyMember]:
    return list(db.exec(select(BodyMember).where(BodyMember.body_id == body.id)))


def _search_words(data: PracticeInput) -> str:
    return index_text(
        *(text for _, text in sorted(data.title.items())),
        *(text for _, text in sorted(data.summary.items())),
    )


def _set_themes(db: Session, *, summit: Summit, practice: Practice, track_ids: list[int]) -> None:
    wanted = set(track_ids)
    if wanted:
        found = set(
            db.exec(
                select(Track.id).where(Track.summit_id == summit.id, col(Track.id).in_(wanted))
            ).all()
        )
        if found != wanted:
            raise DomainError("No such theme in this summit.", field="track_ids")
    for row in db.exec(select(PracticeTheme).where(PracticeTheme.practice_id == practice.id)):
        if row.track_id in wanted:
            wanted.discard(row.track_id)
        else:
            db.delete(row)
    for track_id in sorted(wanted):
        db.add(PracticeTheme(practice_id=pk(practice), track_id=track_id))


def _fill(practice: Practice, data: PracticeInput) -> None:
    practice.title = dict(data.title)
    practice.summary = dict(data.summary)
    practice.country_code = data.country_code
    practice.links = list(dict.fromkeys(data.links))
    practice.search_words = _search_words(data)


def submit_practice(
    db: Session,
    *,
    summit: Summit,
    body: Body,
    principal: Principal,
    data: PracticeInput,
    now: datetime,
) -> Practice:
    """A new practice from a member of the body, waiting for its coordinators."""
    delegations = member_delegations(principal, pk(summit), seats_of(db, body=body))
    if not delegations:
        raise DomainError("Only members of this network may submit good practices.")
    practice = Practice(
        summit_id=pk(summit),
        body_id=pk(body),
        delegation_id=delegations[0],
        submitter_account_id=principal.account_id,
        created_at=now,
        updated_at=now,
    )
    _fill(practice, data)
    db.add(practice)
    db.flush()
    _set_themes(db, summit=summit, practice=practice, track_ids=data.track_ids)
    record(
        db,
        action=AuditAction.PRACTICE_SUBMITTED,
        summit_id=summit.id,
        account_id=principal.account_id,
        target=f"practice:{practice.id}",
        body=body.slug,
    )
    db.flush()
    return practice


def may_edit(principal: Principal, practice: Practice) -> bool:
    return (
        principal.account_id is not None
        and practice.submitter_account_id == principal.account_id
        and practice.status in EDITABLE
    )


def edit_practice(
    db: Session,
    *,
    summit: Summit,
    practice: Practice,
    principal: Principal,
    data: PracticeInput,
    now: datetime,
) -> Practice:
    """Its submitter's changes; a practice sent back for changes goes to the coordinators
    again."""
    if not may_edit(principal, practice):
        raise DomainError("This good practice can no longer be changed.")
    _fill(practice, data)
    practice.status = PracticeStatus.SUBMITTED
    practice.updated_at = now
    db.add(practice)
    _set_themes(db, summit=summit, practice=practice, track_ids=data.track_ids)
    record(
        db,
        action=AuditAction.PRACTICE_EDITED,
        summit_id=summit.id,
        account_id=principal.account_id,
        target=f"practice:{practice.id}",
    )
    db.flush()
    return practice


def moderate(
    db: Session,
    *,
    summit: Summit,
    body: Body,
    practice: Practice,
    principal: Principal,
    decision: Decision,
    note: str,
    now: datetime,
) -> Practice:
    """A coordinator's decision. Asking for changes and rejecting need a note, which the
    submitter reads; approving publishes it (its first publication day is kept)."""
    if not is_coordinator(principal, pk(summit), seats_of(db, body=body)):
        raise DomainError("Only the network's coordinators may moderate its good practices.")
    note = note.strip()
    if decision is not Decision.APPROVE and not note:
        raise DomainError("Say why, for the submitter.", field="note")
    if len(note) > MAX_NOTE:
        raise DomainError(NOTE_TOO_LONG, field="note", num=MAX_NOTE)
    status, action = _OUTCOME[decision]
    if PracticeStatus.PUBLISHED in (status, practice.status):
        _public_changed(db, summit=summit)
    practice.status = status
    practice.moderator_note = note
    practice.updated_at = now
    if status == PracticeStatus.PUBLISHED and practice.published_at is None:
        practice.published_at = now
    db.add(practice)
    record(
        db,
        action=action,
        summit_id=summit.id,
        account_id=principal.account_id,
        target=f"practice:{practice.id}",
        note=note,
    )
    db.flush()
    return practice


def link_sessions(
    db: Session, *, summit: Summit, practice: Practice, codes: list[str], account_id: int | None
) -> None:
    """Make the sessions where the practice was presented exactly those with these codes;
    recorded in the audit log as ``account_id``'s doing (None: the seed's)."""
    wanted = session_ids_of_codes(db, summit=summit, codes=codes)
    changed = False
    for link in db.exec(select(PracticeSession).where(PracticeSession.practice_id == practice.id)):
        if link.session_id in wanted:
            wanted.discard(link.session_id)
        else:
            db.delete(link)
            changed = True
    for session_id in sorted(wanted):
        db.add(PracticeSession(practice_id=pk(practice), session_id=session_id))
        changed = True
    if account_id is not None:
        # The seed links without anyone acting; a person's change is on the record.
        record(
            db,
            action=AuditAction.PRACTICE_SESSIONS_LINKED,
            summit_id=summit.id,
            account_id=account_id,
            target=f"practice:{practice.id}",
            sessions=sorted(codes),
        )
    if changed and practice.status == PracticeStatus.PUBLISHED:
        _public_changed(db, summit=summit)
    db.flush()


def add_file(
    db: Session, *, practice: Practice, folder: Path, name: str, data: bytes
) -> tuple[PracticeFile, Path]:
    """Check and store one file under the award's rules (content decides, at most
    ``MAX_FILES``); returns the row and where the file went, to remove should the transaction
    fail."""
    content_type = check_upload(name, data)
    count = len(
        db.exec(select(PracticeFile.id).where(PracticeFile.practice_id == practice.id)).all()
    )
    if count >= MAX_FILES:
        raise DomainError(MAX_FILES_ERROR, field="attachments", num=MAX_FILES)
    stored = store_file(folder, name=name, data=data, content_type=content_type)
    row = PracticeFile(practice_id=pk(practice), **stored.columns())
    db.add(row)
    db.flush()
    return row, stored.path


def stored_path(folder: Path, row: PracticeFile) -> Path:
    # Stored names are ours (hex), never the sender's, so this cannot leave the folder.
    return folder / row.stored_name


def seed_practice(
    db: Session,
    *,
    summit: Summit,
    body: Body,
    delegation_id: int,
    data: PracticeInput,
    status: PracticeStatus,
    published_at: datetime | None,
) -> Practice:
    """Add or update a demo practice found by its natural key (its body, delegation and
    titles), so that loading the seed twice leaves the same rows. Not audited: nobody acted."""
    if delegation_id not in {seat.delegation_id for seat in seats_of(db, body=body)}:
        raise DomainError("Only members of this network may submit good practices.")
    existing = [
        row
        for row in db.exec(
            select(Practice).where(
                Practice.body_id == body.id, Practice.delegation_id == delegation_id
            )
        )
        if row.title == dict(data.title)
    ]
    practice = existing[0] if existing else None
    if practice is None:
        practice = Practice(summit_id=pk(summit), body_id=pk(body), delegation_id=delegation_id)
        db.add(practice)
    _fill(practice, data)
    practice.status = status
    if published_at is not None:
        practice.published_at = practice.created_at = practice.updated_at = published_at
    db.flush()
    _set_themes(db, summit=summit, practice=practice, track_ids=data.track_ids)
    db.flush()
    return practice
