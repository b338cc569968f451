"""The speakers' answers on the organisers' schedule editor (``#answers-<session>``): rendered
by the editor's page and, when a speaker answers on their portal, pushed to the organisers'
open editors, one rendering per group (nothing in it depends on who looks)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select
from starlette.templating import Jinja2Templates

from summit.agenda.models import SessionPerson
from summit.db import Database
from summit.events import SpeakerAnswered
from summit.i18n.viewer import Viewer, viewing_as

TEMPLATE = "manage/answers_pushed.html"
KINDS = frozenset({SpeakerAnswered.kind})
PAGE = "editor"
"""The page (``live_page``) that shows the answers: the schedule editor."""


def answers_of(db: Session, *, session_id: int) -> dict[int, str]:
    """What each person on the session said, by person id (those who have not answered are
    absent), as ``DraftCard.answers``."""
    links = db.exec(
        select(SessionPerson).where(
            SessionPerson.session_id == session_id, col(SessionPerson.answer).is_not(None)
        )
    )
    return {link.person_id: str(link.answer) for link in links}


async def render_live(
    templates: Jinja2Templates,
    base_context: dict[str, Any],
    *,
    database: Database,
    viewer: Viewer,
    session_id: int,
    page: str,
) -> str:
    """The pushed answers of ``session_id`` for a page of kind ``page``; empty for any page but
    the editor."""
    if page != PAGE:
        return ""
    answers = await database.run_read(lambda db: answers_of(db, session_id=session_id))
    context = {**base_context, "viewer": viewer, "session_id": session_id, "answers": answers}
    with viewing_as(viewer):
        return templates.env.get_template(TEMPLATE).render(context)
