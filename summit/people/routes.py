"""Public pages of people: speakers and delegations."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from summit.agenda import queries
from summit.i18n.formatting import pick
from summit.web.context import database, require_summit
from summit.web.rendering import render


async def speakers(request: Request) -> Response:
    slug = request.path_params["slug"]

    def load(db: Session) -> dict[str, object]:
        summit = require_summit(db, slug)
        return {"summit": summit, "speakers": queries.speakers(db, summit=summit)}

    return render(request, "people/speakers.html", await database(request).run_read(load))


async def delegations(request: Request) -> Response:
    slug = request.path_params["slug"]

    def load(db: Session) -> dict[str, object]:
        summit = require_summit(db, slug)
        entries = queries.delegations(db, summit=summit)
        return {"summit": summit, "entries": entries}

    context = await database(request).run_read(load)
    # Sorted here, not in SQL: the order depends on the viewer's language.
    context["entries"] = sorted(
        context["entries"],  # type: ignore[call-overload]
        key=lambda entry: pick(entry.delegation.name).casefold(),
    )
    return render(request, "people/delegations.html", context)


routes = [
    Route("/{slug:str}/speakers", speakers, name="speakers"),
    Route("/{slug:str}/delegations", delegations, name="delegations"),
]
