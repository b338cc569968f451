"""Public pages of bodies: the list, and each body with its seats, terms and linked sessions."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from summit.agenda.routes import followed_by
from summit.auth.permissions import Access
from summit.bodies import queries
from summit.elections import queries as elections_queries
from summit.i18n.formatting import pick
from summit.web.access import page
from summit.web.context import current_summit, database
from summit.web.rendering import render


async def bodies(request: Request) -> Response:
    summit = current_summit(request)
    rows = await database(request).run_read(lambda db: queries.bodies(db, summit=summit))
    # Sorted here, not in SQL: the order depends on the viewer's language.
    rows.sort(key=lambda body: pick(body.name).casefold())
    return render(request, "bodies/bodies.html", {"summit": summit, "bodies": rows})


async def body(request: Request) -> Response:
    summit = current_summit(request)
    slug = request.path_params["body_slug"]
    view = await database(request).run_read(
        lambda db: queries.body_view(db, summit=summit, slug=slug)
    )
    if view is None:
        raise HTTPException(status_code=404)
    body_elections = await database(request).run_read(
        lambda db: elections_queries.elections_of_body(db, body=view.body)
    )
    programme = await request.app.state.programme_cache.programme(database(request), summit)
    # Only what is on the published programme: a linked draft session stays unseen.
    linked = set(view.session_ids)
    cards = [card for card in programme.cards if card.session.id in linked]
    return render(
        request,
        "bodies/body.html",
        {
            "summit": summit,
            "view": view,
            "cards": cards,
            "elections": body_elections,
            "followed": await followed_by(request),
        },
    )


routes = [
    page("/{slug:str}/bodies", bodies, access=Access.PUBLIC, name="bodies"),
    page("/{slug:str}/bodies/{body_slug:str}", body, access=Access.PUBLIC, name="body"),
]
