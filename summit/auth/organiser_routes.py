"""The organisers' pages about people with access: invitations, members and the audit log."""

from __future__ import annotations

from typing import Any

from pydantic import EmailStr, TypeAdapter, ValidationError
from sqlmodel import Session, col, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.agenda.models import Summit
from summit.auth import queries, tokens
from summit.auth.audit import action_of
from summit.auth.mails import invitation_link, queue_invitation_mail
from summit.auth.models import Account, Role, RoleGrant
from summit.auth.permissions import Access, Principal
from summit.auth.services import revoke_role
from summit.errors import DomainError
from summit.i18n.viewer import gettext as _
from summit.i18n.viewer import translate_error
from summit.live.hub import ROLES_CHANGED
from summit.parsing import optional_row_id
from summit.people.models import Delegation, Person
from summit.web.access import page
from summit.web.addresses import base_url
from summit.web.context import current_summit, database, now, wake_mail
from summit.web.forms import FieldReader, read_form, text_fields
from summit.web.rendering import render

_EMAIL = TypeAdapter(EmailStr)


async def console(request: Request) -> Response:
    summit = current_summit(request)
    return render(request, "manage/console.html", {"summit": summit})


def _invitation_context(db: Session, summit: Summit, request: Request) -> dict[str, Any]:
    return {
        "summit": summit,
        "pending": tokens.pending_invitations(db, summit=summit, now=now(request)),
        "delegations": list(db.exec(select(Delegation).where(Delegation.summit_id == summit.id))),
        "people": list(
            db.exec(
                select(Person).where(Person.summit_id == summit.id).order_by(col(Person.full_name))
            )
        ),
        "roles": [role.value for role in Role],
    }


async def invitations(request: Request) -> Response:
    summit = current_summit(request)
    context = await database(request).run_read(lambda db: _invitation_context(db, summit, request))
    # The people list's "Invite as speaker" opens this form filled in; nothing is sent yet.
    values = {
        name: request.query_params.get(name, "")[:320]
        for name in ("email", "role", "person_id", "delegation_id")
    }
    return render(
        request,
        "manage/invitations.html",
        {**context, "errors": {}, "values": values, "issued_link": None},
    )


async def invite(request: Request) -> Response:
    summit = current_summit(request)
    principal: Principal = request.state.principal
    form = text_fields(await read_form(request), "email", "role", "delegation_id", "person_id")
    errors: dict[str, str] = {}
    try:
        email = _EMAIL.validate_python(form["email"])
    except ValidationError:
        errors["email"] = _("Enter a valid e-mail address.")
    if form["role"] not in {role.value for role in Role}:
        errors["role"] = _("Choose a role.")
    fields = FieldReader()
    delegation_id = fields.read(optional_row_id, form["delegation_id"], field="delegation_id")
    person_id = fields.read(optional_row_id, form["person_id"], field="person_id")
    errors |= fields.errors
    moment = now(request)
    address = base_url(request)

    def issue(db: Session) -> tuple[dict[str, Any], str | None]:
        issued_link = None
        if not errors:
            inviter = db.get(Account, principal.account_id)
            if inviter is None:
                raise HTTPException(status_code=403)
            try:
                issued = tokens.issue_invitation(
                    db,
                    summit=summit,
                    email=email,
                    role=Role(form["role"]),
                    invited_by=inviter,
                    now=moment,
                    delegation_id=delegation_id,
                    person_id=person_id,
                )
                issued_link = invitation_link(base_url=address, token=issued.token)
                queue_invitation_mail(
                    db,
                    summit=summit,
                    email=email,
                    role=Role(form["role"]),
                    base_url=address,
                    token=issued.token,
                )
            except DomainError as error:
                errors[error.field or "email"] = translate_error(error.template, error.params)
        return _invitation_context(db, summit, request), issued_link

    context, link = await database(request).run_write(issue)
    wake_mail(request)
    return render(
        request,
        "manage/invitations.html",
        {**context, "errors": errors, "values": form, "issued_link": link},
        block="invitation_form",
        status_code=422 if errors else 200,
    )


async def members(request: Request) -> Response:
    summit = current_summit(request)
    rows = await database(request).run_read(lambda db: queries.members(db, summit=summit))
    return render(request, "manage/members.html", {"summit": summit, "rows": rows})


async def revoke(request: Request) -> Response:
    summit = current_summit(request)
    principal: Principal = request.state.principal
    grant_id = request.path_params["grant_id"]

    def apply(db: Session) -> int:
        grant = db.get(RoleGrant, grant_id)
        # Another summit's grant answers exactly like a missing one.
        if grant is None or grant.summit_id != summit.id:
            raise HTTPException(status_code=404)
        by = db.get(Account, principal.account_id)
        if by is None:
            raise HTTPException(status_code=403)
        account_id = grant.account_id
        revoke_role(db, grant=grant, by=by)
        return account_id

    account_id = await database(request).run_write(apply)
    await request.app.state.hub.close_topic(f"account:{account_id}", ROLES_CHANGED)
    return RedirectResponse(request.url_for("members", slug=summit.slug), status_code=303)


async def audit(request: Request) -> Response:
    summit = current_summit(request)
    entries = await database(request).run_read(lambda db: queries.audit_entries(db, summit=summit))
    rows = [(entry, account, action_of(entry)) for entry, account in entries]
    return render(request, "manage/audit.html", {"summit": summit, "rows": rows})


routes = [
    page("/{slug:str}/manage/", console, access=Access.ORGANISER, name="manage"),
    page(
        "/{slug:str}/manage/invitations", invitations, access=Access.ORGANISER, name="invitations"
    ),
    page(
        "/{slug:str}/manage/invitations",
        invite,
        access=Access.ORGANISER,
        methods=["POST"],
        name="invite",
    ),
    page("/{slug:str}/manage/members", members, access=Access.ORGANISER, name="members"),
    page(
        "/{slug:str}/manage/members/{grant_id:int}/revoke",
        revoke,
        access=Access.ORGANISER,
        methods=["POST"],
        name="revoke_role",
    ),
    page("/{slug:str}/manage/audit", audit, access=Access.ORGANISER, name="audit"),
]
