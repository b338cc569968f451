"""Organisers' pages for bodies: the bodies themselves (the list-and-form pattern), and each
body's seats (a list with a form to add or change a seat, and removal)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, SQLModel
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.agenda.models import Summit
from summit.auth.audit import AuditAction, record
from summit.auth.permissions import Access
from summit.bodies import queries
from summit.bodies.forms import BodyInput, MemberInput
from summit.bodies.models import Body, BodyKind, BodyMember, MemberRole, SeatKind
from summit.bodies.services import link_sessions, remove_member, save_member, upsert_body
from summit.errors import DomainError
from summit.i18n.formatting import pick
from summit.i18n.viewer import N_, translate_error
from summit.parsing import calendar_day, optional_row_id, optional_whole_number
from summit.people.manage_routes import _delegation_options
from summit.web.access import page
from summit.web.context import current_summit, database
from summit.web.crud import LANGUAGE_FIELDS, FormField, Kind, routes_for
from summit.web.forms import FieldReader, FieldsRefused, read_form, text_fields, validated
from summit.web.htmx import is_htmx
from summit.web.labels import BODY_KINDS, MEMBER_ROLES, SEAT_KINDS, body_kind
from summit.web.rendering import render


def _bodies(db: Session, summit: Summit) -> list[Body]:
    return queries.bodies(db, summit=summit)


def _body_kinds(db: Session, summit: Summit) -> list[tuple[str, str]]:
    return [(kind.value, body_kind(kind)) for kind in BodyKind]


def _save_body(db: Session, summit: Summit, values: dict[str, Any]) -> SQLModel:
    codes = (values.pop("sessions", "") or "").replace(",", " ").split()
    body = upsert_body(db, summit=summit, data=BodyInput.model_validate(values))
    link_sessions(db, summit=summit, body=body, codes=[code.upper() for code in codes])
    return body


def _linked(db: Session, summit: Summit, body: Body) -> dict[str, str]:
    return {"sessions": "\n".join(queries.linked_codes(db, body=body))}


BODIES = Kind(
    name="bodies",
    title=N_("Committees and networks"),
    singular=N_("committee or network"),
    fields=(
        FormField("slug", N_("Short name in addresses"), required=True, key=True),
        FormField("kind", N_("Kind"), widget="select", required=True, options=_body_kinds),
        FormField("name", N_("Name"), widget="texts", required=True),
        FormField("description", N_("Description"), widget="long_texts"),
        FormField("seats", N_("Seats by its rules (empty: open)"), widget="number"),
        FormField("sessions", N_("Linked sessions (their codes, one a line)"), widget="textarea"),
    ),
    rows=_bodies,
    save=_save_body,
    label=lambda row: pick(row.name),
    filters=(FormField("kind", N_("Kind"), widget="select", options=_body_kinds),),
    matches=lambda row, wanted: not wanted.get("kind") or row.kind == wanted["kind"],
    columns=((N_("Kind"), lambda row: body_kind(row.kind)),),
    extra_values=_linked,
    audit=AuditAction.BODY_SAVED,
)

MEMBER_FIELDS = (
    "delegation_id",
    "seat_kind",
    "role",
    "term_from",
    "term_to",
    "is_placeholder",
    "position",
    *(f"organisation_{code}" for code in LANGUAGE_FIELDS),
)


def _body(db: Session, summit: Summit, body_id: int) -> Body:
    body = db.get(Body, body_id)
    if body is None or body.summit_id != summit.id:
        raise HTTPException(status_code=404)
    return body


def _member(db: Session, body: Body, member_id: int | None) -> BodyMember | None:
    if member_id is None:
        return None
    member = db.get(BodyMember, member_id)
    if member is None or member.body_id != body.id:
        raise HTTPException(status_code=404)
    return member


def _member_values(member: BodyMember | None) -> dict[str, str]:
    if member is None:
        return {"seat_kind": SeatKind.GOVERNMENT.value, "role": MemberRole.MEMBER.value}
    values = {
        "delegation_id": str(member.delegation_id or ""),
        "seat_kind": member.seat_kind,
        "role": member.role,
        "term_from": member.term_from.isoformat(),
        "term_to": member.term_to.isoformat() if member.term_to else "",
        "is_placeholder": "on" if member.is_placeholder else "",
        "position": str(member.position),
    }
    return values | {f"organisation_{c}": member.organisation.get(c, "") for c in LANGUAGE_FIELDS}


def _context(db: Session, summit: Summit, body: Body) -> dict[str, Any]:
    return {
        "summit": summit,
        "body": body,
        "seats": queries.seats(db, body=body),
        "delegation_options": _delegation_options(db, summit),
        "seat_kinds": SEAT_KINDS,
        "member_roles": MEMBER_ROLES,
        "kinds": BODY_KINDS,
    }


async def members_page(request: Request) -> Response:
    summit = current_summit(request)
    body_id = request.path_params["row_id"]
    member_id = request.path_params.get("member_id")

    def load(db: Session) -> dict[str, Any]:
        body = _body(db, summit, body_id)
        member = _member(db, body, member_id)
        return _context(db, summit, body) | {"member": member, "values": _member_values(member)}

    context = await database(request).run_read(load)
    return render(request, "manage/body_members.html", {**context, "errors": {}})


def _read_member(form: dict[str, str]) -> MemberInput:
    fields = FieldReader()
    values: dict[str, Any] = {
        "seat_kind": form["seat_kind"],
        "role": form["role"],
        "is_placeholder": form["is_placeholder"] == "on",
        "organisation": {code: form[f"organisation_{code}"] for code in LANGUAGE_FIELDS},
        "delegation_id": fields.read(optional_row_id, form["delegation_id"], field="delegation_id"),
        "term_from": fields.read(calendar_day, form["term_from"], field="term_from"),
        "position": fields.read(
            optional_whole_number, form["position"], field="position", low=0, high=10_000
        )
        or 0,
    }
    if form["term_to"].strip():
        values["term_to"] = fields.read(calendar_day, form["term_to"], field="term_to")
    # The input model refuses these too, but in English and not beside a field: said here first.
    named = any(text.strip() for text in values["organisation"].values())
    if form["delegation_id"].strip() and named or not (form["delegation_id"].strip() or named):
        fields.refuse(
            DomainError(
                "Choose a delegation, or name an organisation, not both.", field="delegation_id"
            )
        )
    term_from, term_to = values["term_from"], values.get("term_to")
    if term_from is not None and term_to is not None and term_to < term_from:
        fields.refuse(
            DomainError("The term must end on or after the day it starts.", field="term_to")
        )
    try:
        return validated(MemberInput, values, fields)
    except FieldsRefused as refused:
        if fields.errors:
            refused.errors.pop("", None)
        raise


async def save_member_route(request: Request) -> Response:
    summit = current_summit(request)
    body_id = request.path_params["row_id"]
    member_id = request.path_params.get("member_id")
    form = text_fields(await read_form(request), *MEMBER_FIELDS)
    account_id = request.state.principal.account_id

    def run(db: Session) -> dict[str, Any] | None:
        body = _body(db, summit, body_id)
        member = _member(db, body, member_id)
        try:
            data = _read_member(form)
            saved = save_member(db, summit=summit, body=body, data=data, member=member)
        except FieldsRefused as refused:
            errors = refused.errors
        except DomainError as error:
            errors = {error.field or "": translate_error(error.template, error.params)}
        else:
            record(
                db,
                action=AuditAction.BODY_MEMBER_SAVED,
                summit_id=summit.id,
                account_id=account_id,
                target=f"body_member:{saved.id}",
                body=body.slug,
            )
            return None
        db.rollback()
        return _context(db, summit, body) | {"member": member, "errors": errors}

    refused = await database(request).run_write(run)
    if refused is not None:
        return render(
            request,
            "manage/body_members.html",
            {**refused, "values": form},
            block="member_form",
            status_code=422,
        )
    return _back(request, summit, body_id)


async def remove_member_route(request: Request) -> Response:
    summit = current_summit(request)
    body_id = request.path_params["row_id"]
    member_id = request.path_params["member_id"]
    account_id = request.state.principal.account_id

    def run(db: Session) -> None:
        body = _body(db, summit, body_id)
        member = _member(db, body, member_id)
        assert member is not None  # noqa: S101 - _member answers 404 for a missing one
        remove_member(db, member=member)
        record(
            db,
            action=AuditAction.BODY_MEMBER_REMOVED,
            summit_id=summit.id,
            account_id=account_id,
            target=f"body_member:{member_id}",
            body=body.slug,
        )

    await database(request).run_write(run)
    return _back(request, summit, body_id)


def _back(request: Request, summit: Summit, body_id: int) -> Response:
    target = str(request.url_for("body_members", slug=summit.slug, row_id=body_id))
    if is_htmx(request):
        return Response(status_code=204, headers={"hx-redirect": target})
    return RedirectResponse(target, status_code=303)


_SEATS = "/{slug:str}/manage/bodies/{row_id:int}/members"
_ORGANISER = Access.ORGANISER
routes = [
    *routes_for(BODIES),
    page(_SEATS, members_page, access=_ORGANISER, name="body_members"),
    page(_SEATS, save_member_route, access=_ORGANISER, methods=["POST"], name="add_body_member"),
    page(f"{_SEATS}/{{member_id:int}}", members_page, access=_ORGANISER, name="body_member"),
    page(
        f"{_SEATS}/{{member_id:int}}",
        save_member_route,
        access=_ORGANISER,
        methods=["POST"],
        name="update_body_member",
    ),
    page(
        f"{_SEATS}/{{member_id:int}}/remove",
        remove_member_route,
        access=_ORGANISER,
        methods=["POST"],
        name="remove_body_member",
    ),
]
