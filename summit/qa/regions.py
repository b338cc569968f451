"""The blocks of a session's Q&A that pages, htmx fragments and live pushes share.

The list (``#questions-<session>``) and the answered questions (``#questions-answered-…``),
which everyone sees, and the questions waiting for approval (``#questions-pending-…``) and the
hidden ones (``#questions-hidden-…``), which only moderators see, are rendered here alike for
everyone who may see them: nothing in them depends on who looks (their own votes and questions
are marked by ``static/js/qa.js`` from a separate element), so the live layer renders each once
per group and the htmx fragment is the same HTML.
"""

from __future__ import annotations

from typing import Any

from jinja2_fragments import render_block
from sqlmodel import Session
from starlette.templating import Jinja2Templates

from summit.agenda.models import Summit
from summit.db import Database
from summit.events import HiddenQuestionsChanged, PendingQuestionsChanged, QuestionsChanged
from summit.i18n.viewer import Viewer, viewing_as
from summit.qa import queries

TEMPLATE = "qa/questions.html"
LIST_BLOCK = "questions"
ANSWERED_BLOCK = "answered"
PENDING_BLOCK = "pending"
HIDDEN_BLOCK = "hidden"
MODERATORS_BLOCKS = frozenset({PENDING_BLOCK, HIDDEN_BLOCK})
"""Blocks only moderators' pages have, and only moderators are sent."""
KINDS = frozenset(
    {QuestionsChanged.kind, PendingQuestionsChanged.kind, HiddenQuestionsChanged.kind}
)
ANSWERED_CHANGES = frozenset({"answer", "unanswer", "hide", "unhide"})
"""Public changes that may move a question into or out of the answered ones."""


def list_id(session_id: int) -> str:
    return f"questions-{session_id}"


def answered_id(session_id: int) -> str:
    return f"questions-answered-{session_id}"


def pending_id(session_id: int) -> str:
    return f"questions-pending-{session_id}"


def hidden_id(session_id: int) -> str:
    return f"questions-hidden-{session_id}"


def block_of_target(session_id: int, target: str) -> str | None:
    """The block an htmx request reloads, by its ``HX-Target``; None for the whole panel."""
    return {
        list_id(session_id): LIST_BLOCK,
        answered_id(session_id): ANSWERED_BLOCK,
        pending_id(session_id): PENDING_BLOCK,
        hidden_id(session_id): HIDDEN_BLOCK,
    }.get(target)


def shared_context(
    summit: Summit,
    session_id: int,
    *,
    blocks: dict[str, list[queries.Entry]] | None = None,
    oob: bool = False,
) -> dict[str, Any]:
    """What the shared blocks need: no token (htmx sends it in a header), no votes and no
    questions of anyone (``my_votes``, ``my_questions``)."""
    blocks = blocks or {}
    return {
        "summit": summit,
        "session_id": session_id,
        "entries": blocks.get(LIST_BLOCK, []),
        "answered": blocks.get(ANSWERED_BLOCK, []),
        "pending": blocks.get(PENDING_BLOCK, []),
        "hidden": blocks.get(HIDDEN_BLOCK, []),
        "my_votes": set(),
        "my_questions": set(),
        "form_token": "",
        "oob": oob,
    }


def load_block(db: Session, block: str, session_id: int) -> list[queries.Entry]:
    """The questions ``block`` shows."""
    read = {
        LIST_BLOCK: queries.board,
        ANSWERED_BLOCK: queries.answered,
        PENDING_BLOCK: queries.pending,
        HIDDEN_BLOCK: queries.hidden,
    }[block]
    return read(db, session_id=session_id)


def blocks_of(kind: str, change: str) -> list[str]:
    """The blocks an event of ``kind`` changed."""
    if kind == PendingQuestionsChanged.kind:
        return [PENDING_BLOCK]
    if kind == HiddenQuestionsChanged.kind:
        return [HIDDEN_BLOCK]
    if change in ANSWERED_CHANGES:
        return [LIST_BLOCK, ANSWERED_BLOCK]
    return [LIST_BLOCK]


async def render_live(
    templates: Jinja2Templates,
    base_context: dict[str, Any],
    *,
    database: Database,
    summit: Summit,
    viewer: Viewer,
    kind: str,
    change: str,
    session_id: int,
    shown_session_id: int | None,
) -> str:
    """The pushed blocks for an event of ``kind`` on ``session_id``, for a page that shows the
    questions of ``shown_session_id``; empty for any other page. Moderators' blocks are only
    ever rendered for their own events, whose topics only moderators follow."""
    if shown_session_id is None or shown_session_id != session_id:
        return ""
    names = blocks_of(kind, change)

    def load(db: Session) -> dict[str, list[queries.Entry]]:
        return {name: load_block(db, name, session_id) for name in names}

    loaded = await database.run_read(load)
    context = {**base_context, **shared_context(summit, session_id, blocks=loaded)}
    with viewing_as(viewer):
        context["viewer"] = viewer
        return "".join(render_block(templates.env, TEMPLATE, name, context) for name in names)
