"""Public pages of people: speakers and delegations, each with the sessions they appear in."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from summit.agenda import queries
from summit.agenda.routes import followed_by, programme_page
from summit.auth.permissions import Access
from summit.bodies import queries as bodies_queries
from summit.bodies.models import Body, BodyMember
from summit.i18n.formatting import pick
from summit.web.access import page
from summit.web.context import current_summit, database
from summit.web.rendering import render


async def speakers(request: Request) -> Response:
    async def build(programme: queries.Programme) -> dict[str, Any]:
        return {"speakers": queries.speakers(programme), "delegations": programme.delegations}

    return await programme_page(request, "people/speakers.html", build)


async def speaker(request: Request) -> Response:
    slug = request.path_params["person_slug"]

    async def build(programme: queries.Programme) -> dict[str, Any]:
        found = [p for p in queries.speakers(programme) if p.slug == slug]
        if not found:
            raise HTTPException(status_code=404)
        person = found[0]
        return {
            "person": person,
            "delegation": programme.delegations.get(person.delegation_id or -1),
            "cards": queries.sessions_of_person(programme, person.id or -1),
        }

    return await programme_page(request, "people/speaker.html", build)


async def delegations(request: Request) -> Response:
    summit = current_summit(request)
    entries = await database(request).run_read(lambda db: queries.delegations(db, summit=summit))
    # Sorted here, not in SQL: the order depends on the viewer's language.
    entries.sort(key=lambda entry: pick(entry.delegation.name).casefold())
    return render(request, "people/delegations.html", {"summit": summit, "entries": entries})


async def delegation(request: Request) -> Response:
    summit = current_summit(request)
    slug = request.path_params["delegation_slug"]

    def load(db: Session) -> tuple[queries.DelegationEntry, list[tuple[Body, BodyMember]]]:
        entries = queries.delegations(db, summit=summit)
        entry = next((item for item in entries if item.delegation.slug == slug), None)
        if entry is None:
            raise HTTPException(status_code=404)
        return entry, bodies_queries.memberships(db, delegation=entry.delegation)

    entry, seats = await database(request).run_read(load)
    programme = await request.app.state.programme_cache.programme(database(request), summit)
    member_ids = {person.id for person in entry.members}
    cards = [
        card
        for card in programme.cards
        if any(person.id in member_ids for _, person in card.people)
    ]
    context = {"summit": summit, "entry": entry, "cards": cards, "seats": seats}
    return render(
        request, "people/delegation.html", {**context, "followed": await followed_by(request)}
    )


routes = [
    page("/{slug:str}/speakers", speakers, access=Access.PUBLIC, name="speakers"),
    page("/{slug:str}/speakers/{person_slug:str}", speaker, access=Access.PUBLIC, name="speaker"),
    page("/{slug:str}/delegations", delegations, access=Access.PUBLIC, name="delegations"),
    page(
        "/{slug:str}/delegations/{delegation_slug:str}",
        delegation,
        access=Access.PUBLIC,
        name="delegation",
    ),
]
