"""How the JSON API declares its operations, and the guard every one of them passes.

An ``Operation`` is one method on one path: its handler, who may call it (everyone, or a
bearer token with a scope), its bodies and its query parameters. The same table builds the
routes and the OpenAPI document, so the document cannot drift from what is served.

The API never reads cookies: reads are public, writes need ``Authorization: Bearer <token>``.
A browser cannot be made to send that header to another site without the site's consent (no
CORS is offered), so API writes need no CSRF token, and a signed-in browser cannot write here.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import structlog
from limits import parse
from pydantic import BaseModel, ValidationError
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from summit.agenda.models import Summit
from summit.agenda.players import CHANNELS
from summit.agenda.queries import summit_by_slug
from summit.auth.api_tokens import ApiScope, find_api_token, note_use
from summit.auth.audit import AuditAction, record
from summit.auth.models import Account, ApiToken
from summit.auth.permissions import ANONYMOUS, Access, Principal, is_organiser
from summit.errors import DomainError, NotFound
from summit.i18n.viewer import gettext as _
from summit.i18n.viewer import translate_error
from summit.logs import redacted_path
from summit.parsing import calendar_day, or_none
from summit.web.access import ACCESS_ATTRIBUTE
from summit.web.context import database, now
from summit.web.ratelimit import RateLimiter
from summit.web.session import load_principal

log = structlog.get_logger("summit.api")

PREFIX = "/api/v1"
MAX_ID = 2**31 - 1
READS_PER_ADDRESS = parse("600/minute")
WRITES_PER_TOKEN = parse("300/minute")

M = TypeVar("M", bound=BaseModel)


class ApiError(Exception):
    """An answer other than success, as ``{"error": ..., "fields": {...}}``."""

    def __init__(
        self,
        status_code: int,
        message: str,
        *,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}

    def response(self) -> Response:
        return error_response(self.status_code, self.message, self.fields, self.headers)


def error_response(
    status_code: int,
    message: str,
    fields: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    return JSONResponse(
        {"error": message, "fields": fields or {}},
        status_code=status_code,
        headers={"cache-control": "no-store", **(headers or {})},
    )


def not_found() -> ApiError:
    return ApiError(404, _("Not found."))


def unauthorised(message: str) -> ApiError:
    return ApiError(401, message, headers={"www-authenticate": 'Bearer realm="summit"'})


@dataclass(frozen=True)
class QueryParam:
    name: str
    schema: dict[str, Any]
    description: str


@dataclass
class ApiCall:
    """One request to an operation, once the guard let it through."""

    request: Request
    summit: Summit | None
    token: ApiToken | None = None
    principal: Principal = ANONYMOUS

    @property
    def the_summit(self) -> Summit:
        if self.summit is None:  # only operations under a summit's slug ask
            raise not_found()
        return self.summit

    def path_id(self, name: str) -> int:
        """A row id from the path; one too large for any row answers like a missing one."""
        value = self.request.path_params[name]
        if not isinstance(value, int) or not 1 <= value <= MAX_ID:
            raise not_found()
        return value

    async def body(self, model: type[M]) -> M:
        """The JSON body, validated by ``model`` (whose fields are strict where JSON has types)."""
        raw = await self.request.body()
        try:
            return model.model_validate_json(raw or b"null")
        except ValidationError as invalid:
            raise invalid_body(invalid) from invalid


def invalid_body(invalid: ValidationError) -> ApiError:
    fields: dict[str, str] = {}
    for item in invalid.errors(include_url=False):
        name = ".".join(str(part) for part in item["loc"])
        fields.setdefault(name, item["msg"].removeprefix("Value error, "))
    return ApiError(422, _("Some fields need attention."), fields=fields)


Handler = Callable[[ApiCall], Awaitable[Response]]


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    """Relative to ``/api/v1``, in Starlette's syntax: ``/summits/{slug:str}``."""
    handler: Handler
    summary: str
    scope: ApiScope | None = None
    """None: anyone may call it. Otherwise a bearer token with this scope, of an organiser
    of the path's summit."""
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    many: bool = False
    status: int = 200
    located: bool = False
    """Answers with a ``Location`` header naming the new row."""
    query: tuple[QueryParam, ...] = ()
    errors: tuple[int, ...] = ()
    """Refusals besides those every operation may give (404, 429; 401 and 403 for writes)."""
    description: str = ""
    name: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def access(self) -> Access:
        return Access.PUBLIC if self.scope is None else Access.ORGANISER


def documented(method: str, path: str, handler: Handler, **details: Any) -> Operation:
    """An operation documented by its handler's docstring: the first paragraph is the
    summary, the rest the description."""
    summary, _blank, description = (inspect.getdoc(handler) or "").partition("\n\n")
    return Operation(
        method,
        path,
        handler,
        " ".join(summary.split()),
        description=" ".join(description.split()),
        **details,
    )


def json_out(
    value: BaseModel | list[Any], *, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    if isinstance(value, list):
        content: Any = [item.model_dump(mode="json") for item in value]
    else:
        content = value.model_dump(mode="json")
    return JSONResponse(content, status_code=status_code, headers=headers)


_FIELDS = {
    "track_id": "theme_id",
    "duration": "duration_minutes",
    "person": "",
    "delegation": "",
    "conflicts_seen": "",  # the web form's; an API client accepts conflicts instead
    **{f"channel_{name}": f"channels.{name}" for name in CHANNELS},
}
"""The services' names for fields, as the API's bodies call them."""


def route(operation: Operation) -> Route:
    async def guarded(request: Request) -> Response:
        try:
            call = await _admit(request, operation)
            return await operation.handler(call)
        except ApiError as refused:
            return refused.response()
        except NotFound:
            return not_found().response()
        except DomainError as refused:
            # The body matched the document: what the services still refuse conflicts with
            # the summit's data (a row not in it, or still in use).
            message = translate_error(refused.template, refused.params)
            field = _FIELDS.get(refused.field or "", refused.field or "")
            return error_response(409, message, {field: message})
        except ValidationError as invalid:
            return invalid_body(invalid).response()

    setattr(guarded, ACCESS_ATTRIBUTE, operation.access)
    guarded.__name__ = operation.handler.__name__
    guarded.__doc__ = operation.summary
    return Route(
        PREFIX + operation.path,
        guarded,
        methods=[operation.method],
        name=operation.name or f"api_{operation.handler.__name__}",
    )


def _check_query(request: Request, operation: Operation) -> None:
    """Query parameters as the document declares them: too long, not in the list, or not a
    date is refused rather than ignored."""
    fields: dict[str, str] = {}
    for param in operation.query:
        value = request.query_params.get(param.name)
        if value is None:
            continue
        schema = param.schema
        if len(value) > schema.get("maxLength", len(value)):
            fields[param.name] = _("Too long.")
        elif "enum" in schema and value not in schema["enum"]:
            fields[param.name] = _("Choose from the list.")
        elif schema.get("format") == "date" and or_none(calendar_day, value, field="") is None:
            fields[param.name] = _("Give a date: YYYY-MM-DD.")
    if fields:
        raise ApiError(422, _("Some fields need attention."), fields=fields)


async def _admit(request: Request, operation: Operation) -> ApiCall:
    _check_query(request, operation)
    slug = request.path_params.get("slug")
    limiter: RateLimiter = request.app.state.rate_limiter
    if operation.scope is None:
        address = request.client.host if request.client else "unknown"
        if not await limiter.hit(READS_PER_ADDRESS, "api-read", address):
            raise ApiError(429, _("Too many requests: wait a minute."))
        summit = None
        if slug is not None:
            summit = await database(request).run_read(lambda db: summit_by_slug(db, slug))
            if summit is None:
                raise not_found()
        return ApiCall(request=request, summit=summit)
    return await _admit_bearer(request, operation.scope, slug, limiter)


def _bearer(request: Request) -> str:
    scheme, _space, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise unauthorised(_("Send an API token: Authorization: Bearer <token>."))
    return value.strip()


async def _admit_bearer(
    request: Request, scope: ApiScope, slug: str | None, limiter: RateLimiter
) -> ApiCall:
    token = _bearer(request)
    moment = now(request)

    def load(db: Session) -> tuple[ApiToken | None, Principal, Summit | None]:
        row = find_api_token(db, token=token, now=moment)
        principal = ANONYMOUS
        if row is not None:
            account = db.get(Account, row.account_id)
            if account is not None:
                principal = load_principal(db, (row.account_id, account.session_version))
        return row, principal, summit_by_slug(db, slug) if slug else None

    row, principal, summit = await database(request).run_read(load)
    if row is None:
        raise unauthorised(_("This API token is unknown, expired or revoked."))
    if summit is None:
        raise not_found()
    if row.summit_id != summit.id or not is_organiser(principal, summit.id or 0):
        await _refuse(request, row, summit, "role")
        raise ApiError(403, _("This token's account is not an organiser of this summit."))
    if scope.value not in row.scopes:
        await _refuse(request, row, summit, "scope")
        raise ApiError(403, _("This token lacks the scope %(scope)s.") % {"scope": scope.value})
    token_id = row.id or 0
    if not await limiter.hit(WRITES_PER_TOKEN, "api-write", str(token_id)):
        raise ApiError(429, _("Too many requests: wait a minute."))
    await database(request).run_write(lambda db: note_use(db, token_id=token_id, now=moment))
    return ApiCall(request=request, summit=summit, token=row, principal=principal)


async def _refuse(request: Request, row: ApiToken, summit: Summit, reason: str) -> None:
    def audit(db: Session) -> None:
        record(
            db,
            action=AuditAction.PERMISSION_DENIED,
            summit_id=summit.id,
            account_id=row.account_id,
            target=f"{request.method} {request.url.path}"[:200],
            client_ip=request.client.host if request.client else None,
            reason=reason,
            api_token=row.id,
        )

    await database(request).run_write(audit)
    await log.ainfo("api refused", path=redacted_path(request.scope), reason=reason, token=row.id)
