"""What a reconnecting page missed: the events after the last one it saw, rendered for its
group, with the notices of the sessions its account follows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from summit.agenda.models import Summit
from summit.eventlog import LiveEvent
from summit.live import notices
from summit.live.hub import ACCOUNT_TOPIC, Push

if TYPE_CHECKING:
    from summit.live.dispatch import Dispatcher

MAX_REPLAY = 100
REPLAY_SECONDS = 15 * 60


async def missed(
    dispatcher: Dispatcher, *, topics: frozenset[str], group: str, after: int
) -> list[Push] | None:
    """What a socket that saw event ``after`` missed, in order; None when it missed too much
    to replay (it is then told to fetch its regions again)."""

    def load(db: Session) -> list[LiveEvent]:
        return list(
            db.exec(
                select(LiveEvent)
                .where(col(LiveEvent.id) > after, col(LiveEvent.topic).in_(topics))
                .order_by(col(LiveEvent.id))
                .limit(MAX_REPLAY + 1)
            )
        )

    events = await dispatcher.database.run_read(load)
    if len(events) > MAX_REPLAY or (
        events and (dispatcher.clock() - events[0].created_at).total_seconds() > REPLAY_SECONDS
    ):
        return None
    if not events:
        return []
    summit = await dispatcher.summit_of(events[-1])
    pushes = [
        (event.id or 0, await dispatcher.render_for(event, group, summit)) for event in events
    ]
    account = next(
        (
            int(topic.removeprefix(ACCOUNT_TOPIC))
            for topic in topics
            if topic.startswith(ACCOUNT_TOPIC)
        ),
        None,
    )
    if account is None or summit is None:
        return pushes
    return await _with_notices(dispatcher, pushes, events, account, group, summit)


async def _with_notices(
    dispatcher: Dispatcher,
    pushes: list[Push],
    events: list[LiveEvent],
    account: int,
    group: str,
    summit: Summit,
) -> list[Push]:
    """The missed notices of a following account, each after its event."""

    def load(db: Session) -> tuple[list[list[notices.Notice]], set[int]]:
        found = [notices.notices_of(event, notices.load_release(db, event)) for event in events]
        sessions = {notice.session_id for event_notices in found for notice in event_notices}
        return found, notices.followers(db, sessions, {account}).get(account, set())

    found, following = await dispatcher.database.run_read(load)
    if not following:
        return pushes
    programme = await dispatcher.programme(summit)
    language, zone = group.split("|")[3:5]
    # A page that comes back in time shows what it missed: no mail about it then.
    seen = {
        event.id: {account}
        for event, event_notices in zip(events, found, strict=True)
        if event.id is not None
        and notices.mailed_unless_seen(event)
        and any(notice.session_id in following for notice in event_notices)
    }
    if seen:
        await dispatcher.mark_seen(seen)
    return [
        (
            event_id,
            html
            + "".join(
                dispatcher.notice(notice, language, zone, programme)
                for notice in event_notices
                if notice.session_id in following
            ),
        )
        for (event_id, html), event_notices in zip(pushes, found, strict=True)
    ]
