"""My agenda: following a session (one click), the agenda of every followed session, and the
secret address of its calendar feed."""

from __future__ import annotations

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.agenda import calendar_tokens, follows, queries
from summit.auth.permissions import Access, Principal
from summit.errors import DomainError
from summit.eventlog import record
from summit.web.access import page
from summit.web.addresses import base_url
from summit.web.context import current_summit, database, now, viewer
from summit.web.forms import read_form, text_fields
from summit.web.htmx import is_htmx
from summit.web.rendering import render


async def follow(request: Request) -> Response:
    """Follow or unfollow a session (one click); answers with the button's new state."""
    summit = current_summit(request)
    principal: Principal = request.state.principal
    session_id = request.path_params["session_id"]
    form = text_fields(await read_form(request), "follow")
    wanted = form["follow"] == "1"
    account_id = principal.account_id
    assert account_id is not None  # noqa: S101 - the route is for signed-in accounts
    moment = now(request)

    def change(db: Session) -> tuple[bool, bool]:
        following, events = follows.set_follow(
            db, summit=summit, account_id=account_id, session_id=session_id, follow=wanted
        )
        record(db, events, at=moment)
        return following, bool(events)

    try:
        now_following, changed = await database(request).run_write(change)
    except DomainError as error:
        raise HTTPException(status_code=404) from error
    if changed:
        # The account's open agenda pages add or drop the session.
        await request.app.state.broker.announce()
    if not is_htmx(request):
        return RedirectResponse(request.url_for("agenda", slug=summit.slug), status_code=303)
    return render(
        request,
        "agenda/follow_button.html",
        {"summit": summit, "session_id": session_id, "following": now_following},
    )


async def agenda(request: Request) -> Response:
    """My agenda: every followed session, all days, with overlaps flagged."""
    return await _agenda_page(request, feed_url=None)


async def calendar_feed(request: Request) -> Response:
    """Make a new secret address for the asker's calendar feed (the old one stops working),
    and show it, once."""
    summit = current_summit(request)
    principal: Principal = request.state.principal
    account_id = principal.account_id
    assert account_id is not None  # noqa: S101 - the route is for signed-in accounts
    moment = now(request)
    token = await database(request).run_write(
        lambda db: calendar_tokens.rotate(db, summit=summit, account_id=account_id, now=moment)
    )
    path = request.url_for("export_agenda", slug=summit.slug, token=token).path
    return await _agenda_page(request, feed_url=f"{base_url(request)}{path}")


async def _agenda_page(request: Request, *, feed_url: str | None) -> Response:
    """The page, or for htmx its ``agenda`` block (fetched again when its socket missed too
    much to replay)."""
    zone = viewer(request).zone
    summit = current_summit(request)
    principal: Principal = request.state.principal
    account_id = principal.account_id
    # The programme first: the page replays from the newest event the programme and the
    # follows both include, so a follow changed in between is replayed rather than missed.
    state = await request.app.state.programme_cache.state(database(request), summit)
    programme = state.programme
    followed, live_last = await database(request).run_read(
        lambda db: follows.followed_since(
            db,
            summit=summit,
            account_id=account_id or 0,
            programme_stamp=state.stamp,
            programme_seen=programme.last_event_id,
        )
    )
    feed_made = await database(request).run_read(
        lambda db: calendar_tokens.issued_at(db, summit=summit, account_id=account_id or 0)
    )
    cards = [card for card in programme.cards if card.session.id in followed]
    return render(
        request,
        "agenda/agenda.html",
        {
            "summit": summit,
            "days": queries.by_day(cards, zone),
            "clashes": follows.overlapping(cards),
            "feed_url": feed_url,
            "feed_made": feed_made,
            "live_last": live_last,
        },
        block="agenda" if feed_url is None else None,
    )


routes = [
    page("/{slug:str}/agenda", agenda, access=Access.SIGNED_IN, name="agenda"),
    page(
        "/{slug:str}/agenda/calendar",
        calendar_feed,
        access=Access.SIGNED_IN,
        methods=["POST"],
        name="calendar_feed",
    ),
    page(
        "/{slug:str}/sessions/{session_id:int}/follow",
        follow,
        access=Access.SIGNED_IN,
        methods=["POST"],
        name="follow",
    ),
]
