"""Public reads of bodies and elections: what their pages show, and an election's figures
only once published."""

from __future__ import annotations

from sqlmodel import Session
from starlette.responses import Response

from summit.api.declare import ApiCall, Operation, json_out, not_found
from summit.api.reads import SUMMIT
from summit.api.schemas import BodyOut, ElectionOut, ElectionResultOut, SeatOut
from summit.bodies import queries
from summit.elections import queries as elections_queries
from summit.web.context import database


async def _bodies(call: ApiCall, slug: str | None = None) -> list[BodyOut]:
    summit = call.the_summit
    cache = call.request.app.state.programme_cache
    programme = await cache.programme(database(call.request), summit)
    published = {card.session.id for card in programme.cards}

    def load(db: Session) -> list[BodyOut]:
        found = []
        for body in queries.bodies(db, summit=summit):
            if slug is not None and body.slug != slug:
                continue
            view = queries.body_view(db, summit=summit, slug=body.slug)
            assert view is not None  # noqa: S101 - read just now, in the same transaction
            elections = elections_queries.elections_of_body(db, body=body)
            found.append(
                BodyOut(
                    id=body.id or 0,
                    slug=body.slug,
                    kind=body.kind,
                    name=body.name,
                    description=body.description,
                    seats=body.seats,
                    members=[SeatOut.model_validate(seat.member) for seat in view.seats],
                    session_ids=sorted(i for i in view.session_ids if i in published),
                    election_slugs=[election.slug for election in elections],
                )
            )
        return found

    return await database(call.request).run_read(load)


async def list_bodies(call: ApiCall) -> Response:
    return json_out(await _bodies(call))


async def get_body(call: ApiCall) -> Response:
    found = await _bodies(call, str(call.request.path_params["body_slug"]))
    if not found:
        raise not_found()
    return json_out(found[0])


async def get_election(call: ApiCall) -> Response:
    summit = call.the_summit
    slug = str(call.request.path_params["election_slug"])

    def load(db: Session) -> ElectionOut | None:
        election = elections_queries.election_by_slug(db, summit=summit, slug=slug)
        if election is None:
            return None
        view = elections_queries.election_view(db, summit=summit, election=election)
        figures = view.published_figures
        return ElectionOut(
            slug=election.slug,
            body_slug=view.body.slug,
            title=election.title,
            seats=election.seats,
            method=election.method,
            tie_rule=election.tie_rule,
            opens_at=election.opens_at,
            closes_at=election.closes_at,
            candidate_ids=sorted(d.id or 0 for d in view.candidates),
            published_at=election.published_at,
            ballots=figures.get("ballots"),
            draw_seed=election.draw_seed if figures else None,
            results=[
                ElectionResultOut(
                    delegation_id=row.delegation.id or 0,
                    votes=row.votes,
                    elected=row.elected,
                    tie_broken=row.tie_broken,
                )
                for row in view.results
            ],
        )

    found = await database(call.request).run_read(load)
    if found is None:
        raise not_found()
    return json_out(found)


OPERATIONS = [
    Operation(
        "GET",
        f"{SUMMIT}/bodies",
        list_bodies,
        "The committees and networks, with their seats and terms",
        response=BodyOut,
        many=True,
        tags=("bodies",),
    ),
    Operation(
        "GET",
        f"{SUMMIT}/bodies/{{body_slug:str}}",
        get_body,
        "A committee or network",
        response=BodyOut,
        tags=("bodies",),
    ),
    Operation(
        "GET",
        f"{SUMMIT}/elections/{{election_slug:str}}",
        get_election,
        "An election: its candidates and window, and its results once published",
        response=ElectionOut,
        description="Before publication the figures are absent (null or empty), whatever "
        "ballots have been cast: nobody sees a count before the organisers publish it.",
        tags=("bodies",),
    ),
]
