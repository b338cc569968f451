"""Organisers' pages for elections: the list with the form that opens one, and each
election's electorate (who has voted), with counting and publishing."""

from __future__ import annotations

from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, select
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.agenda.models import Summit
from summit.auth.permissions import Access
from summit.bodies import queries as bodies_queries
from summit.elections import queries
from summit.elections.forms import ElectionInput
from summit.elections.models import Election, TieRule, VotingMethod
from summit.elections.services import count_election, open_election, publish_election
from summit.errors import DomainError
from summit.eventlog import record
from summit.i18n.formatting import pick
from summit.i18n.viewer import translate_error
from summit.parsing import local_datetime, or_none, row_id, whole_number
from summit.people.models import Delegation
from summit.web.access import page
from summit.web.context import current_summit, database, now
from summit.web.crud import LANGUAGE_FIELDS
from summit.web.forms import FieldReader, FieldsRefused, read_form, text_fields, validated
from summit.web.labels import TIE_RULES, VOTING_METHODS
from summit.web.rendering import render

FIELDS = ("slug", "body_id", "seats", "method", "tie_rule", "opens_at", "closes_at")


def _context(db: Session, summit: Summit) -> dict[str, Any]:
    delegations = list(db.exec(select(Delegation).where(Delegation.summit_id == summit.id)))
    delegations.sort(key=lambda row: pick(row.name).casefold())
    return {
        "summit": summit,
        "elections": queries.elections(db, summit=summit),
        "bodies": bodies_queries.bodies(db, summit=summit),
        "delegations": delegations,
        "methods": VOTING_METHODS,
        "tie_rules": TIE_RULES,
    }


async def listing(request: Request) -> Response:
    summit = current_summit(request)
    context = await database(request).run_read(lambda db: _context(db, summit))
    values = {"method": VotingMethod.PLURALITY.value, "tie_rule": TieRule.DRAW.value}
    return render(
        request,
        "manage/elections.html",
        {**context, "values": values, "chosen": {}, "errors": {}},
    )


def _read(form: FormData, zone: ZoneInfo) -> tuple[ElectionInput, dict[str, str]]:
    values = text_fields(form, *FIELDS, *(f"title_{code}" for code in LANGUAGE_FIELDS))
    fields = FieldReader()
    lists = {
        name: [
            fields.read(row_id, value, field=name)
            for value in form.getlist(name)
            if isinstance(value, str)
        ]
        for name in ("candidates", "electorate")
    }
    moments = {}
    for name in ("opens_at", "closes_at"):
        local = fields.read(local_datetime, values[name], field=name)
        moments[name] = local.replace(tzinfo=zone).astimezone(UTC) if local else None
    # The input model refuses these too, but in English and not beside a field: said here first.
    for name, chosen in lists.items():
        if not chosen:
            fields.refuse(DomainError("Choose at least one delegation.", field=name))
    opens, closes = moments["opens_at"], moments["closes_at"]
    if opens is not None and closes is not None and closes <= opens:
        fields.refuse(DomainError("The ballots must close after they open.", field="closes_at"))
    seats = or_none(whole_number, values["seats"], field="seats", low=1, high=1000)
    if seats is not None and seats > len(set(lists["candidates"])):
        fields.refuse(
            DomainError(
                "Choose at least as many candidates as there are seats.", field="candidates"
            )
        )
    try:
        data = validated(
            ElectionInput,
            {
                "slug": values["slug"],
                "body_id": values["body_id"] or None,
                "title": {code: values[f"title_{code}"] for code in LANGUAGE_FIELDS},
                "seats": values["seats"],
                "method": values["method"],
                "tie_rule": values["tie_rule"],
                **moments,
                **lists,
            },
            fields,
        )
    except FieldsRefused as refused:
        if fields.errors:
            refused.errors.pop("", None)
        raise
    return data, values


async def create(request: Request) -> Response:
    summit = current_summit(request)
    form = await read_form(request)
    account_id = request.state.principal.account_id
    zone = ZoneInfo(summit.timezone)

    def run(db: Session) -> dict[str, str]:
        try:
            data, _values = _read(form, zone)
            open_election(db, summit=summit, data=data, account_id=account_id)
        except FieldsRefused as refused:
            return refused.errors
        except DomainError as error:
            db.rollback()
            return {error.field or "": translate_error(error.template, error.params)}
        return {}

    errors = await database(request).run_write(run)
    if not errors:
        return RedirectResponse(request.url_for("manage_elections", slug=summit.slug), 303)
    context = await database(request).run_read(lambda db: _context(db, summit))
    chosen = {
        name: {value for value in form.getlist(name) if isinstance(value, str)}
        for name in ("candidates", "electorate")
    }
    values = text_fields(form, *FIELDS, *(f"title_{code}" for code in LANGUAGE_FIELDS))
    return render(
        request,
        "manage/elections.html",
        {**context, "values": values, "chosen": chosen, "errors": errors},
        status_code=422,
    )


def _election(db: Session, summit: Summit, election_id: int) -> Election:
    election = db.get(Election, election_id)
    if election is None or election.summit_id != summit.id:
        raise HTTPException(status_code=404)
    return election


async def election_page(request: Request, *, error: str = "", status_code: int = 200) -> Response:
    summit = current_summit(request)
    election_id = request.path_params["election_id"]

    def load(db: Session) -> queries.ElectionView:
        return queries.election_view(db, summit=summit, election=_election(db, summit, election_id))

    view = await database(request).run_read(load)
    return render(
        request,
        "manage/election.html",
        {"summit": summit, "view": view, "phase": view.phase(now(request)), "error": error},
        status_code=status_code,
    )


async def _act(request: Request, *, publish: bool) -> Response:
    summit = current_summit(request)
    election_id = request.path_params["election_id"]
    account_id = request.state.principal.account_id
    moment = now(request)

    def run(db: Session) -> None:
        election = _election(db, summit, election_id)
        if publish:
            record(
                db,
                publish_election(db, election=election, now=moment, account_id=account_id),
                at=moment,
            )
        else:
            count_election(db, election=election, now=moment, account_id=account_id)

    try:
        await database(request).run_write(run)
    except DomainError as error:
        message = translate_error(error.template, error.params)
        return await election_page(request, error=message, status_code=422)
    if publish:
        await request.app.state.broker.announce()
    target = request.url_for("manage_election", slug=summit.slug, election_id=election_id)
    return RedirectResponse(target, status_code=303)


async def count(request: Request) -> Response:
    return await _act(request, publish=False)


async def publish(request: Request) -> Response:
    return await _act(request, publish=True)


_BASE = "/{slug:str}/manage/elections"
_ORGANISER = Access.ORGANISER
routes = [
    page(_BASE, listing, access=_ORGANISER, name="manage_elections"),
    page(_BASE, create, access=_ORGANISER, methods=["POST"], name="open_election"),
    page(f"{_BASE}/{{election_id:int}}", election_page, access=_ORGANISER, name="manage_election"),
    page(
        f"{_BASE}/{{election_id:int}}/count",
        count,
        access=_ORGANISER,
        methods=["POST"],
        name="count_election",
    ),
    page(
        f"{_BASE}/{{election_id:int}}/publish",
        publish,
        access=_ORGANISER,
        methods=["POST"],
        name="publish_election",
    ),
]
