"""Public pages of people: speakers and delegations."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from summit.agenda import queries
from summit.auth.permissions import Access
from summit.i18n.formatting import pick
from summit.web.access import page
from summit.web.context import current_summit, database
from summit.web.rendering import render


async def speakers(request: Request) -> Response:
    summit = current_summit(request)
    found = await database(request).run_read(lambda db: queries.speakers(db, summit=summit))
    return render(request, "people/speakers.html", {"summit": summit, "speakers": found})


async def delegations(request: Request) -> Response:
    summit = current_summit(request)
    entries = await database(request).run_read(lambda db: queries.delegations(db, summit=summit))
    # Sorted here, not in SQL: the order depends on the viewer's language.
    entries.sort(key=lambda entry: pick(entry.delegation.name).casefold())
    return render(request, "people/delegations.html", {"summit": summit, "entries": entries})


routes = [
    page("/{slug:str}/speakers", speakers, access=Access.PUBLIC, name="speakers"),
    page("/{slug:str}/delegations", delegations, access=Access.PUBLIC, name="delegations"),
]
