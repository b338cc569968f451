"""Publishing the programme from the browser: what would change, the open conflicts, and the
publication itself, which the server refuses while a conflict is open that the organiser was not
shown (the page's confirmation dialog is a convenience, not the guard)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.agenda import editor, publishing
from summit.agenda.models import Summit
from summit.auth.permissions import Access
from summit.errors import DomainError
from summit.i18n.viewer import translate_error
from summit.web.access import page
from summit.web.context import current_summit, database, now
from summit.web.forms import read_form, text_fields
from summit.web.rendering import render


def _context(db: Session, summit: Summit) -> dict[str, Any]:
    return {
        "summit": summit,
        "changes": publishing.pending_changes(db, summit=summit),
        "state": editor.editor_state(db, summit=summit),
        "error": None,
    }


async def publish_form(request: Request) -> Response:
    summit = current_summit(request)
    context = await database(request).run_read(lambda db: _context(db, summit))
    return render(request, "manage/publish.html", context)


async def publish(request: Request) -> Response:
    summit = current_summit(request)
    form = text_fields(await read_form(request), "comment", "conflicts_seen")
    confirmed = frozenset(form["conflicts_seen"].split())
    moment = now(request)

    def run(db: Session) -> int:
        fresh = db.get(type(summit), summit.id)
        assert fresh is not None  # noqa: S101 - the guard found it
        release, _changes = editor.publish_draft(
            db, summit=fresh, comment=form["comment"], now=moment, confirmed=confirmed
        )
        return release.version

    try:
        await database(request).run_write(run)
    except DomainError as failure:
        context = await database(request).run_read(lambda db: _context(db, summit))
        context["error"] = translate_error(failure.template, failure.params)
        # 409: the draft is in a state the request did not account for.
        status = 409 if isinstance(failure, editor.UnconfirmedConflicts) else 422
        return render(request, "manage/publish.html", context, status_code=status)
    await request.app.state.broker.announce()
    return RedirectResponse(request.url_for("changes", slug=summit.slug), status_code=303)


ORGANISER = Access.ORGANISER
routes = [
    page("/{slug:str}/manage/publish", publish_form, access=ORGANISER, name="publish"),
    page(
        "/{slug:str}/manage/publish",
        publish,
        access=ORGANISER,
        methods=["POST"],
        name="publish_post",
    ),
]
