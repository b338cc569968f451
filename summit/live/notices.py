"""Personal notices: a delegate who follows a session hears, on any open page, when it goes
live, runs late, moves or is cancelled.

Notices ride on the public events that already describe these changes (a status change, a
publication); nothing is written per follower. Each process finds, among the accounts with a
socket open here, those that follow the session (one query), renders each notice once per
language and zone, and appends it to the page's aria-live region.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select
from starlette.templating import Jinja2Templates

from summit.agenda import queries
from summit.agenda.models import Follow, ScheduleRelease
from summit.eventlog import LiveEvent, NoticeSeen
from summit.i18n.viewer import Viewer, viewing_as
from summit.persistence import insert_new

ANNOUNCED_STATUSES = frozenset({"live", "late", "cancelled"})
MAILED_STATUSES = frozenset({"late", "cancelled"})
"""The statuses a follower with no page open is told of by mail (going live is what the
reminder before the start is for); see ``summit/mail/status_mail.py``."""
ANNOUNCED_CHANGES = ("cancelled", "removed", "moved", "retimed")
"""What a publication changed that a follower must hear of, most important first."""


@dataclass(frozen=True)
class Notice:
    session_id: int
    kind: str
    """``live``, ``late``, ``cancelled``, ``removed``, ``moved`` or ``retimed``."""
    delay_minutes: int = 0
    removed_title: tuple[tuple[str, str], ...] = ()
    """A removed session's title by language (it is no longer in the programme to look up)."""


def release_version(event: LiveEvent) -> int | None:
    """The programme version an event published, if it is a publication."""
    if event.kind != "programme.published":
        return None
    return int(event.payload.get("version", 0)) or None


def notices_of(event: LiveEvent, release: ScheduleRelease | None) -> list[Notice]:
    """What followers should hear of ``event`` (``release``: the version it published)."""
    if event.kind == "session.status":
        status = str(event.payload.get("status", ""))
        if status not in ANNOUNCED_STATUSES:
            return []
        return [
            Notice(
                int(event.payload.get("session_id", 0)),
                status,
                int(event.payload.get("delay_minutes", 0)),
            )
        ]
    if release is None:
        return []
    found = []
    for change in release.changes:
        kinds = change.get("kinds")
        listed = kinds if isinstance(kinds, list) else []
        kind = next((name for name in ANNOUNCED_CHANGES if name in listed), None)
        if kind is None:
            continue
        titles = change.get("title")
        title = tuple(sorted(titles.items())) if isinstance(titles, dict) else ()
        session_id = change.get("session_id")
        if isinstance(session_id, int):
            found.append(Notice(session_id, kind, removed_title=title))
    return found


def load_release(db: Session, event: LiveEvent) -> ScheduleRelease | None:
    version = release_version(event)
    if version is None or event.summit_id is None:
        return None
    return db.exec(
        select(ScheduleRelease).where(
            ScheduleRelease.summit_id == event.summit_id, ScheduleRelease.version == version
        )
    ).first()


def followers(db: Session, session_ids: set[int], accounts: set[int]) -> dict[int, set[int]]:
    """Which of ``accounts`` follow each of ``session_ids``: account → sessions."""
    if not session_ids or not accounts:
        return {}
    found: dict[int, set[int]] = {}
    rows = db.exec(
        select(Follow.account_id, Follow.session_id).where(
            col(Follow.session_id).in_(session_ids), col(Follow.account_id).in_(accounts)
        )
    )
    for account_id, session_id in rows:
        found.setdefault(account_id, set()).add(session_id)
    return found


def mailed_unless_seen(event: LiveEvent) -> bool:
    """Whether the followers who do not see ``event`` on a page are told of it by mail."""
    return event.kind == "session.status" and event.payload.get("status") in MAILED_STATUSES


def mark_seen(db: Session, seen: dict[int, set[int]]) -> None:
    """Record that each account (event id → accounts) was shown the event's notice on a page."""
    insert_new(
        db,
        NoticeSeen,
        [
            {"event_id": event_id, "account_id": account_id}
            for event_id, accounts in sorted(seen.items())
            for account_id in sorted(accounts)
        ],
        unique=["event_id", "account_id"],
    )


def render_notice(
    templates: Jinja2Templates,
    base_context: dict[str, Any],
    *,
    notice: Notice,
    viewer: Viewer,
    programme: queries.Programme,
) -> str:
    """One notice as an out-of-band append to the page's ``#live-notices`` region."""
    card = queries.session_card(programme, notice.session_id)
    if card is None and notice.kind != "removed":
        return ""
    with viewing_as(viewer):
        return templates.env.get_template("live/notice.html").render(
            {
                **base_context,
                "summit": programme.summit,
                "viewer": viewer,
                "notice": notice,
                "card": card,
                "removed_title": dict(notice.removed_title),
            }
        )
