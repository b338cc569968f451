"""The blocks of a session's Q&A that pages, htmx fragments and live pushes share.

The list (``#questions-<session>``) and the questions waiting for approval
(``#questions-pending-<session>``) are rendered here for everyone alike: nothing in them depends
on who looks (their own votes are marked by ``static/js/qa.js`` from a separate element), so the
live layer renders each once per group and the htmx fragment is the same HTML.
"""

from __future__ import annotations

from typing import Any

from jinja2_fragments import render_block
from sqlmodel import Session
from starlette.templating import Jinja2Templates

from summit.agenda.models import Summit
from summit.db import Database
from summit.events import PendingQuestionsChanged, QuestionsChanged
from summit.i18n.viewer import Viewer, viewing_as
from summit.qa import queries

TEMPLATE = "qa/questions.html"
LIST_BLOCK = "questions"
PENDING_BLOCK = "pending"
KINDS = frozenset({QuestionsChanged.kind, PendingQuestionsChanged.kind})


def list_id(session_id: int) -> str:
    return f"questions-{session_id}"


def pending_id(session_id: int) -> str:
    return f"questions-pending-{session_id}"


def shared_context(
    summit: Summit,
    session_id: int,
    *,
    entries: list[queries.Entry] | None = None,
    pending: list[queries.Entry] | None = None,
    oob: bool = False,
) -> dict[str, Any]:
    """What the shared blocks need: no token (htmx sends it in a header) and no votes of anyone."""
    return {
        "summit": summit,
        "session_id": session_id,
        "entries": entries or [],
        "pending": pending or [],
        "my_votes": set(),
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
    kind: str,
    session_id: int,
    shown_session_id: int | None,
) -> str:
    """The pushed block for an event of ``kind`` on ``session_id``, for a page that shows the
    questions of ``shown_session_id``; empty for any other page."""
    if shown_session_id is None or shown_session_id != session_id:
        return ""
    waiting = kind == PendingQuestionsChanged.kind

    def load(db: Session) -> list[queries.Entry]:
        if waiting:
            return queries.pending(db, session_id=session_id)
        return queries.board(db, session_id=session_id)

    entries = await database.run_read(load)
    context = {
        **base_context,
        **shared_context(
            summit,
            session_id,
            entries=None if waiting else entries,
            pending=entries if waiting else None,
        ),
    }
    with viewing_as(viewer):
        context["viewer"] = viewer
        return render_block(
            templates.env, TEMPLATE, PENDING_BLOCK if waiting else LIST_BLOCK, context
        )
