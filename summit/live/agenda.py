"""What an open "My agenda" page is sent, without rendering anyone's agenda.

An agenda is personal, but each of its entries is not: a session's entry (its card, with its
day, time and status as data for ``static/js/agenda.js``) is the same for everyone who follows
it. So a change to sessions is pushed as the entries of those sessions, rendered once per group
like every other region; a page swaps the ones it shows and drops the rest (``summit-live`` in
``static/js/live.js``). A session removed from the programme is pushed as the removal of its
entry. Only adding a session (the account followed it on another page) goes to that account's
pages alone, since only they should show it.
"""

from __future__ import annotations

from typing import Any

from jinja2_fragments import render_block
from starlette.templating import Jinja2Templates

from summit.agenda import queries
from summit.agenda.models import ScheduleRelease
from summit.eventlog import LiveEvent
from summit.i18n.viewer import Viewer, viewing_as

TEMPLATE = "agenda/agenda.html"
KINDS = frozenset({"session.status", "programme.published", "agenda.follow"})
"""Events an agenda page shows; the others leave it as it is."""
MAX_PUSHED = 40
"""A publication that changed more sessions than this tells agenda pages to fetch themselves
again (one request each) rather than sending every page every changed session."""


def changed_sessions(release: ScheduleRelease | None) -> list[int] | None:
    """The sessions a publication changed (added ones aside: nobody follows them yet); None
    when they are too many to push."""
    if release is None:
        return []
    found = [
        session_id
        for change in release.changes
        if isinstance(session_id := change.get("session_id"), int)
        and change.get("kinds") != ["added"]
    ]
    return found if len(found) <= MAX_PUSHED else None


def render(
    templates: Jinja2Templates,
    base_context: dict[str, Any],
    *,
    event: LiveEvent,
    viewer: Viewer,
    programme: queries.Programme,
    session_ids: list[int],
) -> str:
    """The pushed entries of ``session_ids`` after ``event``: each session's entry, or the
    removal of it when the session left the programme; for a session just followed, the whole
    item, to be added to the page (only that account's pages are sent follows)."""
    context: dict[str, Any] = {
        **base_context,
        "summit": programme.summit,
        "clashes": set(),
    }
    html = []
    with viewing_as(viewer):
        context["viewer"] = viewer
        for session_id in session_ids:
            card = queries.session_card(programme, session_id)
            if event.kind == "agenda.follow":
                html.append(_follow(templates, context, event, card, session_id))
            elif card is None:
                html.append(_removal(session_id))
            else:
                html.append(
                    render_block(templates.env, TEMPLATE, "entry", {**context, "card": card})
                )
    return "".join(html)


def _follow(
    templates: Jinja2Templates,
    context: dict[str, Any],
    event: LiveEvent,
    card: queries.SessionCard | None,
    session_id: int,
) -> str:
    if not event.payload.get("following") or card is None:
        return _removal(session_id)
    item = render_block(templates.env, TEMPLATE, "item", {**context, "card": card})
    # Added at the end of this summit's arrivals; agenda.js puts it in its day.
    summit_id = context["summit"].id
    return f'<div id="agenda-arrivals-{summit_id}" data-hx-swap-oob="beforeend">{item}</div>'


def _removal(session_id: int) -> str:
    return f'<div id="agenda-entry-{session_id}" data-hx-swap-oob="delete"></div>'
