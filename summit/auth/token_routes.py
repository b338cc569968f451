"""The organisers' page of API tokens: every token of the summit, making one, revoking one."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.agenda.models import Summit
from summit.auth import api_tokens
from summit.auth.api_tokens import ApiScope
from summit.auth.models import Account
from summit.auth.permissions import Access, Principal
from summit.errors import DomainError
from summit.i18n.viewer import translate_error
from summit.parsing import optional_whole_number
from summit.web.access import page
from summit.web.context import current_summit, database, now
from summit.web.forms import FieldReader, read_form, text_fields
from summit.web.rendering import render


def _context(db: Session, summit: Summit, request: Request) -> dict[str, Any]:
    return {
        "summit": summit,
        "rows": api_tokens.summit_tokens(db, summit=summit),
        "now": now(request),
        "scopes": [scope.value for scope in ApiScope],
        "default_days": api_tokens.DEFAULT_DAYS,
    }


async def tokens(request: Request) -> Response:
    summit = current_summit(request)
    context = await database(request).run_read(lambda db: _context(db, summit, request))
    return render(
        request,
        "manage/tokens.html",
        {**context, "errors": {}, "values": {}, "issued": None},
    )


async def create(request: Request) -> Response:
    summit = current_summit(request)
    principal: Principal = request.state.principal
    raw = await read_form(request)
    form = text_fields(raw, "name", "days")
    chosen = [value for value in raw.getlist("scope") if isinstance(value, str)]
    scopes = [ApiScope(value) for value in chosen if value in {s.value for s in ApiScope}]
    fields = FieldReader()
    days = fields.read(
        optional_whole_number, form["days"], field="days", low=1, high=api_tokens.MAX_DAYS
    )
    errors = fields.errors
    moment = now(request)

    def issue(db: Session) -> tuple[dict[str, Any], str | None]:
        issued = None
        if not errors:
            account = db.get(Account, principal.account_id)
            if account is None:
                raise HTTPException(status_code=403)
            try:
                issued = api_tokens.issue_api_token(
                    db,
                    summit=summit,
                    account=account,
                    name=form["name"],
                    scopes=scopes,
                    now=moment,
                    days=days or api_tokens.DEFAULT_DAYS,
                ).token
            except DomainError as error:
                errors[error.field or "name"] = translate_error(error.template, error.params)
        return _context(db, summit, request), issued

    context, issued = await database(request).run_write(issue)
    return render(
        request,
        "manage/tokens.html",
        {**context, "errors": errors, "values": {**form, "scope": chosen}, "issued": issued},
        status_code=422 if errors else 200,
    )


async def revoke(request: Request) -> Response:
    summit = current_summit(request)
    principal: Principal = request.state.principal
    token_id = request.path_params["token_id"]
    moment = now(request)

    def apply(db: Session) -> None:
        by = db.get(Account, principal.account_id)
        if by is None:
            raise HTTPException(status_code=403)
        try:
            api_tokens.revoke_api_token(db, summit=summit, token_id=token_id, by=by, now=moment)
        except DomainError as missing:
            # Another summit's token answers exactly like a missing one.
            raise HTTPException(status_code=404) from missing

    if token_id > 2**31 - 1:
        raise HTTPException(status_code=404)
    await database(request).run_write(apply)
    return RedirectResponse(request.url_for("api_tokens", slug=summit.slug), status_code=303)


routes = [
    page("/{slug:str}/manage/tokens", tokens, access=Access.ORGANISER, name="api_tokens"),
    page(
        "/{slug:str}/manage/tokens",
        create,
        access=Access.ORGANISER,
        methods=["POST"],
        name="api_token_create",
    ),
    page(
        "/{slug:str}/manage/tokens/{token_id:int}/revoke",
        revoke,
        access=Access.ORGANISER,
        methods=["POST"],
        name="api_token_revoke",
    ),
]
