"""The public page of an election: its candidates and window, the ballot form for heads of
delegation while it is open, and the results and receipt check once published."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from summit.agenda.models import Summit
from summit.auth.permissions import Access, Principal
from summit.bodies.models import Body
from summit.elections import queries
from summit.elections.models import Election
from summit.elections.services import cast_ballot, receipt_counted, voting_delegations
from summit.errors import DomainError
from summit.i18n.formatting import pick
from summit.i18n.viewer import translate_error
from summit.parsing import row_id
from summit.web.access import page
from summit.web.context import current_summit, database, now
from summit.web.forms import read_form, text_fields
from summit.web.rendering import render

MAX_RECEIPT = 40


def _load(
    db: Session, summit: Summit, slug: str, principal: Principal, receipt: str
) -> dict[str, Any]:
    election = queries.election_by_slug(db, summit=summit, slug=slug)
    if election is None:
        raise HTTPException(status_code=404)
    view = queries.election_view(db, summit=summit, election=election)
    heads = voting_delegations(principal, summit.id or 0)
    ballots_for = [(d, voted) for d, voted in view.voters if d.id in heads]
    return {
        "view": view,
        "ballots_for": ballots_for,
        "receipt_query": receipt,
        "receipt_found": receipt_counted(db, election=election, code=receipt) if receipt else None,
    }


async def _page(
    request: Request,
    *,
    receipt_code: str | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    summit = current_summit(request)
    slug = request.path_params["election_slug"]
    principal: Principal = request.state.principal
    receipt = request.query_params.get("receipt", "")[:MAX_RECEIPT]
    loaded = await database(request).run_read(
        lambda db: _load(db, summit, slug, principal, receipt)
    )
    view: queries.ElectionView = loaded["view"]
    loaded["candidates"] = sorted(view.candidates, key=lambda d: pick(d.name).casefold())
    return render(
        request,
        "elections/election.html",
        {
            "summit": summit,
            **loaded,
            "phase": view.phase(now(request)),
            "receipt_code": receipt_code,
            "errors": errors or {},
        },
        status_code=status_code,
    )


async def elections_list(request: Request) -> Response:
    """Every election of the summit with its body and where it stands (never a figure)."""
    summit = current_summit(request)
    moment = now(request)

    def load(db: Session) -> list[tuple[Election, Body, str]]:
        return [
            (found, body, queries.phase_of(found, moment))
            for found, body in queries.elections_with_bodies(db, summit=summit)
        ]

    rows = await database(request).run_read(load)
    return render(request, "elections/elections.html", {"summit": summit, "rows": rows})


async def election(request: Request) -> Response:
    return await _page(request)


async def vote(request: Request) -> Response:
    summit = current_summit(request)
    slug = request.path_params["election_slug"]
    principal: Principal = request.state.principal
    form = await read_form(request)
    fields = text_fields(form, "delegation_id")
    chosen = [value for value in form.getlist("choices") if isinstance(value, str)]
    moment = now(request)

    def run(db: Session) -> str:
        found = queries.election_by_slug(db, summit=summit, slug=slug)
        if found is None:
            raise HTTPException(status_code=404)
        delegation_id = row_id(fields["delegation_id"], field="delegation_id")
        choices = [row_id(value, field="choices") for value in chosen]
        return cast_ballot(
            db,
            election=found,
            principal=principal,
            delegation_id=delegation_id,
            choices=choices,
            now=moment,
        )

    try:
        code = await database(request).run_write(run)
    except DomainError as refused:
        message = translate_error(refused.template, refused.params)
        return await _page(request, errors={refused.field or "": message}, status_code=422)
    return await _page(request, receipt_code=code)


routes = [
    page("/{slug:str}/elections", elections_list, access=Access.PUBLIC, name="elections"),
    page(
        "/{slug:str}/elections/{election_slug:str}",
        election,
        access=Access.PUBLIC,
        name="election",
    ),
    page(
        "/{slug:str}/elections/{election_slug:str}/vote",
        vote,
        access=Access.MEMBER,
        methods=["POST"],
        name="vote",
    ),
]
