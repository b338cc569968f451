"""The presenter's view of a session's questions: a full-screen, large-type page for the
screen share, with the pinned question and the top approved ones, kept current live.

It shows the very list block the session page shows (``#questions-<session>``) and opens the
session page's socket, so every change to the list reaches it as it reaches the session's
pages: one rendering per group, nothing new to push. The styles keep the top of the list, and
only what a room can read from afar."""

from __future__ import annotations

from markupsafe import Markup
from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from summit.agenda import queries as agenda_queries
from summit.auth.permissions import Access
from summit.qa import queries, regions
from summit.web.access import page
from summit.web.context import current_summit, database
from summit.web.rendering import render


async def present(request: Request) -> Response:
    summit = current_summit(request)
    session_id: int = request.path_params["session_id"]

    def load(db: Session) -> list[queries.Entry] | None:
        session = queries.qa_session(db, summit_id=summit.id or 0, session_id=session_id)
        if session is None:
            return None
        return queries.board(db, session_id=session_id)

    entries = await database(request).run_read(load)
    if entries is None:
        raise HTTPException(status_code=404)
    programme = await request.app.state.programme_cache.programme(database(request), summit)
    card = agenda_queries.session_card(programme, session_id)
    # The list as the session page and its pushes have it (the same block, the same HTML).
    shown = request.app.state.templates.TemplateResponse(
        request,
        regions.TEMPLATE,
        regions.shared_context(summit, session_id, blocks={regions.LIST_BLOCK: entries}),
        block_names=[regions.LIST_BLOCK],
    )
    return render(
        request,
        "qa/present.html",
        {
            "summit": summit,
            "session_id": session_id,
            "title": card.session.title if card else {},
            "questions": Markup(bytes(shown.body).decode()),  # noqa: S704 - our own rendering
        },
    )


routes = [
    page(
        "/{slug:str}/sessions/{session_id:int}/present",
        present,
        access=Access.PUBLIC,
        name="present",
    ),
]
