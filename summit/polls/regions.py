"""The shared block of a session's polls that pages, htmx fragments and live pushes share.

``#polls-<session>`` holds every open and closed poll with its counts when they show, and
nothing of any one viewer (their choices come apart, in ``#polls-my-choices-<session>``), so
the live layer renders it once per group and the htmx fragment is the same HTML.
"""

from __future__ import annotations

from typing import Any

from jinja2_fragments import render_block
from starlette.templating import Jinja2Templates

from summit.agenda.models import Summit
from summit.db import Database
from summit.events import PollsChanged
from summit.i18n.viewer import Viewer, viewing_as
from summit.polls import queries

TEMPLATE = "polls/polls.html"
BLOCK = "polls"
KINDS = frozenset({PollsChanged.kind})


def list_id(session_id: int) -> str:
    return f"polls-{session_id}"


def shared_context(
    summit: Summit, session_id: int, *, polls: list[queries.PollView], oob: bool = False
) -> dict[str, Any]:
    """What the shared block needs: no token (htmx sends it in a header), nobody's choices."""
    return {
        "summit": summit,
        "session_id": session_id,
        "polls": polls,
        "my_choices": set(),
        "form_token": "",
        "oob": oob,
    }


async def render_live(
    templates: Jinja2Templates,
    base_context: dict[str, Any],
    *,
    database: Database,
    summit: Summit,
    viewer: Viewer,
    session_id: int,
    shown_session_id: int | None,
) -> str:
    """The pushed block after ``session_id``'s polls changed, for a page that shows the
    session ``shown_session_id``; empty for any other page."""
    if shown_session_id is None or shown_session_id != session_id:
        return ""
    polls = await database.run_read(lambda db: queries.shown(db, session_id=session_id))
    context = {**base_context, **shared_context(summit, session_id, polls=polls)}
    with viewing_as(viewer):
        context["viewer"] = viewer
        return render_block(templates.env, TEMPLATE, BLOCK, context)
