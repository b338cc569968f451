"""Mail about the programme, found by the schedule: what a publication changed (one digest per
publication for each account that follows a changed session; a note to each speaker whose
session moved, was retimed, cancelled or reinstated), and reminders before followed sessions."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select

from summit.agenda.models import (
    Follow,
    PublishedSession,
    ScheduleRelease,
    SessionPerson,
    SessionStatus,
    Stream,
    Summit,
)
from summit.auth.models import Role, RoleGrant
from summit.mail.award_mail import RECENT
from summit.mail.compose import Recipient, render_part
from summit.mail.mailing import Mailing, Parts
from summit.mail.models import MailKind
from summit.mail.preferences import REMINDER_CHOICES

CHANGES = "@@changes@@"
"""Where each recipient's own list of changes goes in a message composed for many."""
SPEAKER_KINDS = frozenset({"moved", "retimed", "cancelled", "reinstated"})
"""The changes a speaker is told of: where, when, and whether their session happens."""


def queue_programme_mail(mailing: Mailing, *, now: datetime) -> None:
    db = mailing.db
    releases = db.exec(
        select(ScheduleRelease).where(
            col(ScheduleRelease.published_at) >= now - RECENT,
            col(ScheduleRelease.published_at) <= now,
        )
    )
    for release in releases:
        summit = db.get(Summit, release.summit_id)
        if summit is not None and release.changes:
            _publication(mailing, summit, release)
    _reminders(mailing, now)


def _streams(mailing: Mailing, summit: Summit) -> dict[int, dict[str, str]]:
    rows = mailing.db.exec(select(Stream).where(Stream.summit_id == summit.id))
    return {stream.id: stream.name for stream in rows if stream.id is not None}


def _publication(mailing: Mailing, summit: Summit, release: ScheduleRelease) -> None:
    db = mailing.db
    changes: dict[int, dict[str, Any]] = {
        int(str(change["session_id"])): change for change in release.changes
    }
    streams = _streams(mailing, summit)
    context = {
        "version": release.version,
        "link": f"{mailing.base_url}/{summit.slug}/agenda",
        "changes": CHANGES,
    }
    pieces: dict[tuple[int, str, str], tuple[str, str]] = {}

    def parts_for(followed: list[dict[str, Any]]) -> Parts:
        def parts(recipient: Recipient) -> dict[str, tuple[str, str]]:
            texts, pages = [], []
            for change in _in_order(followed):
                piece = (int(str(change["session_id"])), recipient.language, recipient.timezone)
                if piece not in pieces:
                    values = {"change": change, "streams": streams}
                    pieces[piece] = (
                        render_part("mail/_change.txt", recipient=recipient, context=values),
                        render_part("mail/_change.html", recipient=recipient, context=values),
                    )
                texts.append(pieces[piece][0])
                pages.append(pieces[piece][1])
            return {CHANGES: ("".join(texts), "<ul>" + "".join(pages) + "</ul>")}

        return parts

    followers: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for account_id, session_id in db.exec(
        select(Follow.account_id, Follow.session_id).where(col(Follow.session_id).in_(changes))
    ):
        followers[account_id].append(changes[session_id])
    mailing.load(followers)
    for account_id, followed in followers.items():
        mailing.to_account(
            account_id=account_id,
            summit=summit,
            kind=MailKind.PROGRAMME_DIGEST,
            subject_key=f"release:{release.id}",
            context=context,
            render_key=f"release:{release.id}",
            parts=parts_for(followed),
        )
    speaking = [
        session_id
        for session_id, change in changes.items()
        if SPEAKER_KINDS & set(map(str, change.get("kinds", [])))
    ]
    speakers: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for account_id, session_id in db.exec(
        select(RoleGrant.account_id, SessionPerson.session_id)
        .join(SessionPerson, col(SessionPerson.person_id) == RoleGrant.person_id)
        .where(
            col(SessionPerson.session_id).in_(speaking),
            RoleGrant.role == Role.SPEAKER,
            RoleGrant.summit_id == summit.id,
        )
        .distinct()
    ):
        speakers[account_id].append(changes[session_id])
    mailing.load(speakers)
    for account_id, theirs in speakers.items():
        mailing.to_account(
            account_id=account_id,
            summit=summit,
            kind=MailKind.SPEAKER_CHANGE,
            subject_key=f"release:{release.id}",
            context=context,
            render_key=f"release:{release.id}",
            parts=parts_for(theirs),
        )


def _in_order(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        changes, key=lambda change: str((change["after"] or change["before"])["starts_at"])
    )


def _reminders(mailing: Mailing, now: datetime) -> None:
    db = mailing.db
    horizon = now + timedelta(minutes=max(REMINDER_CHOICES))
    sessions = {
        session.id: session
        for session in db.exec(
            select(PublishedSession).where(
                col(PublishedSession.starts_at) > now,
                col(PublishedSession.starts_at) <= horizon,
                PublishedSession.status != SessionStatus.CANCELLED,
            )
        )
    }
    if not sessions:
        return
    follows = list(
        db.exec(
            select(Follow.account_id, Follow.session_id).where(col(Follow.session_id).in_(sessions))
        )
    )
    mailing.load(account_id for account_id, _ in follows)
    summits: dict[int, Summit | None] = {}
    streams: dict[int, dict[int, dict[str, str]]] = {}
    for account_id, session_id in follows:
        session = sessions[session_id]
        choice = mailing.choice(account_id)
        if choice is None or not choice.wants(MailKind.SESSION_REMINDER):
            continue
        if session.starts_at - now > timedelta(minutes=choice.reminder_minutes):
            continue
        if session.summit_id not in summits:
            summits[session.summit_id] = db.get(Summit, session.summit_id)
        summit = summits[session.summit_id]
        if summit is None:
            continue
        if session.summit_id not in streams:
            streams[session.summit_id] = _streams(mailing, summit)
        mailing.to_account(
            account_id=account_id,
            summit=summit,
            kind=MailKind.SESSION_REMINDER,
            subject_key=f"session:{session_id}:{session.starts_at.isoformat()}",
            render_key=f"session:{session_id}",
            context={
                "session": session,
                "streams": streams[session.summit_id],
                "link": f"{mailing.base_url}/{summit.slug}/sessions/{session_id}",
            },
        )
