"""The speaker's reminder the day before: found by the schedule, for each published session
that starts in about a day, to every speaker account linked to one of its people who has not
declined it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select

from summit.agenda.models import (
    PublishedSession,
    SessionPerson,
    SessionStatus,
    SpeakerAnswer,
    Stream,
    Summit,
)
from summit.auth.models import Role, RoleGrant
from summit.mail.mailing import Mailing
from summit.mail.models import MailKind

AHEAD = timedelta(hours=24)
"""How long before a session its speakers are reminded of it."""
WINDOW = timedelta(hours=4)
"""The reminder goes at the first run of the schedule from ``AHEAD`` until ``AHEAD - WINDOW``
before the start: a process that was down for a moment still sends it, and a session added at
the last minute gets none."""


def queue_speaker_reminders(mailing: Mailing, *, now: datetime) -> None:
    db = mailing.db
    sessions = {
        session.id: session
        for session in db.exec(
            select(PublishedSession).where(
                col(PublishedSession.starts_at) > now + AHEAD - WINDOW,
                col(PublishedSession.starts_at) <= now + AHEAD,
                PublishedSession.status != SessionStatus.CANCELLED,
            )
        )
    }
    people = {
        (session_id, int(entry["person_id"]))
        for session_id, session in sessions.items()
        for entry in session.people
    }
    if not people:
        return
    declined = set(
        db.exec(
            select(SessionPerson.session_id, SessionPerson.person_id).where(
                col(SessionPerson.session_id).in_(sessions),
                SessionPerson.answer == SpeakerAnswer.DECLINED,
            )
        )
    )
    grants = list(
        db.exec(
            select(RoleGrant).where(
                RoleGrant.role == Role.SPEAKER,
                col(RoleGrant.person_id).in_({person for _, person in people}),
            )
        )
    )
    mailing.load(grant.account_id for grant in grants)
    summits: dict[int, Summit | None] = {}
    for session_id, person_id in sorted(people - declined):
        session = sessions[session_id]
        if session.summit_id not in summits:
            summits[session.summit_id] = db.get(Summit, session.summit_id)
        summit = summits[session.summit_id]
        stream = db.get(Stream, session.stream_id) if session.stream_id else None
        for grant in grants:
            if summit is None or grant.person_id != person_id or grant.summit_id != summit.id:
                continue
            mailing.to_account(
                account_id=grant.account_id,
                summit=summit,
                kind=MailKind.SPEAKER_REMINDER,
                # A session moved to another day is reminded of again, at its new time.
                subject_key=f"session:{session_id}:{session.starts_at.isoformat()}",
                render_key=f"session:{session_id}",
                context={
                    "session": session,
                    "stream": stream.name if stream else None,
                    "link": f"{mailing.base_url}/{summit.slug}/sessions/{session_id}",
                    "portal": f"{mailing.base_url}/{summit.slug}/me",
                },
            )
