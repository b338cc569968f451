"""Mail about a followed session that runs late or is cancelled on the day, for the followers
who had no page open to see the notice.

Every process records which accounts it showed the notice to (``NoticeSeen``, written by the
dispatcher, or by a replay when a page comes back). The schedule waits ``GRACE`` after the
change, so that every process has recorded its own, then writes to the other followers; only
the session's newest status is told (a session late, then cancelled, is mailed as cancelled),
and only while it is news (``WINDOW``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select

from summit.agenda.models import Follow, PublishedSession, Summit
from summit.eventlog import LiveEvent, NoticeSeen
from summit.live.notices import MAILED_STATUSES
from summit.mail.mailing import Mailing
from summit.mail.models import MailKind

STATUS_KIND = "session.status"
GRACE = timedelta(seconds=60)
"""How long after the change the schedule waits: each process records within seconds who saw
it, and a page that reconnects meanwhile is shown it by its replay."""
WINDOW = timedelta(minutes=30)
"""A late start is news for minutes: a sender that was away for longer does not mail it."""


def queue_status_mail(mailing: Mailing, *, now: datetime) -> None:
    db = mailing.db
    recent = list(
        db.exec(
            select(LiveEvent)
            .where(
                LiveEvent.kind == STATUS_KIND,
                col(LiveEvent.created_at) >= now - WINDOW,
                col(LiveEvent.created_at) <= now,
            )
            .order_by(col(LiveEvent.id))
        )
    )
    # Each session's newest status, whether or not it is one that is mailed.
    newest = {int(event.payload.get("session_id", 0)): event for event in recent}
    due = {
        session_id: event
        for session_id, event in newest.items()
        if event.created_at <= now - GRACE and event.payload.get("status") in MAILED_STATUSES
    }
    if not due:
        return
    sessions = {
        session.id: session
        for session in db.exec(select(PublishedSession).where(col(PublishedSession.id).in_(due)))
    }
    summits = {summit.id: summit for summit in db.exec(select(Summit))}
    followers: dict[int, set[int]] = {}
    for account_id, session_id in db.exec(
        select(Follow.account_id, Follow.session_id).where(col(Follow.session_id).in_(due))
    ):
        followers.setdefault(session_id, set()).add(account_id)
    seen: dict[int, set[int]] = {}
    for event_id, account_id in db.exec(
        select(NoticeSeen.event_id, NoticeSeen.account_id).where(
            col(NoticeSeen.event_id).in_([event.id for event in due.values()])
        )
    ):
        seen.setdefault(event_id, set()).add(account_id)
    for session_id, event in due.items():
        session = sessions.get(session_id)
        summit = summits.get(session.summit_id) if session is not None else None
        if session is None or summit is None or event.id is None:
            continue
        unseen = followers.get(session_id, set()) - seen.get(event.id, set())
        mailing.load(unseen)
        delay = int(event.payload.get("delay_minutes", 0))
        context = {
            "session": session,
            "status": event.payload.get("status"),
            "delay_minutes": delay,
            "starts_at": session.starts_at + timedelta(minutes=delay),
            "link": f"{mailing.base_url}/{summit.slug}/sessions/{session_id}",
        }
        for account_id in sorted(unseen):
            mailing.to_account(
                account_id=account_id,
                summit=summit,
                kind=MailKind.SESSION_CHANGE,
                subject_key=f"event:{event.id}",
                render_key=f"event:{event.id}",
                context=context,
            )
