"""Every route passes through here: who is asking, may they, and is the request genuine.

Routes are declared with ``page(...)`` or ``socket(...)`` and an ``Access`` level; nothing is
served without one (a test walks every route of the app to make sure). For routes under a
summit's slug, the summit is loaded once here and handed to the endpoint.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import structlog
from anyio import CapacityLimiter
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from summit.agenda.models import Summit
from summit.agenda.queries import summit_by_slug
from summit.auth.audit import AuditAction, record
from summit.auth.permissions import ANONYMOUS, Access, Principal, allows
from summit.logs import redacted_path
from summit.parsing import MAX_ID
from summit.web import csrf
from summit.web.addresses import own_origin
from summit.web.error_pages import render_error
from summit.web.forms import UnreadableForm, read_form
from summit.web.htmx import is_htmx
from summit.web.ratelimit import SocketQuota
from summit.web.redirects import sign_in_url
from summit.web.session import load_principal, session_claim
from summit.web.socket_layers import run_checks
from summit.web.summit_ids import SummitIds
from summit.web.viewer import adopt_account_preferences

ACCESS_ATTRIBUTE = "summit_access"
SOCKET_READS = 4
"""Threads that sockets' checks read the database in, at most, at once: after a restart pages
reconnect by the thousand, and their checks must leave the other threads (and the database's
connections) to requests, an organiser's among them."""
Endpoint = Callable[[Request], Awaitable[Response]]
SocketEndpoint = Callable[[WebSocket], Awaitable[None]]

log = structlog.get_logger("summit.access")


def access_of(endpoint: object) -> Access | None:
    """The access a route's endpoint declared, or None for an undeclared one."""
    found = getattr(endpoint, ACCESS_ATTRIBUTE, None)
    return found if isinstance(found, Access) else None


def page(
    path: str,
    endpoint: Endpoint,
    *,
    access: Access,
    methods: Sequence[str] = ("GET",),
    name: str | None = None,
    unreadable: Endpoint | None = None,
) -> Route:
    """A page: ``unreadable``, if given, answers a post whose form could not be parsed (so
    neither its token nor its fields are known) instead of a bare 400."""

    async def guarded(request: Request) -> Response:
        try:
            return await checked(request)
        finally:
            # The files of a multipart form are closed with the request, even when nothing read
            # them (a form posted where none was expected).
            await request.close()

    async def checked(request: Request) -> Response:
        if any(isinstance(value, int) and value > MAX_ID for value in request.path_params.values()):
            # No row has such an id, and the database could not even be asked about it.
            raise HTTPException(status_code=404)
        principal, summit = await _identify(request)
        if "slug" in request.path_params and summit is None:
            raise HTTPException(status_code=404)
        allowed = allows(principal, access, summit.id if summit else None)
        try:
            genuine = request.method in csrf.SAFE_METHODS or await _genuine(request)
        except UnreadableForm:
            if unreadable is None or not allowed:
                raise
            # Nothing changes without the form's token, but the form can say what went wrong.
            response = await unreadable(request)
            _finish(request, response, principal)
            return response
        if not genuine:
            return await _refuse(request, principal, summit, reason="csrf")
        if not allowed:
            if not principal.is_authenticated and request.method in csrf.SAFE_METHODS:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return _redirect(request, sign_in_url(target))
            return await _refuse(request, principal, summit, reason="role")
        response = await endpoint(request)
        _finish(request, response, principal)
        return response

    setattr(guarded, ACCESS_ATTRIBUTE, access)
    guarded.__name__ = endpoint.__name__
    guarded.__doc__ = endpoint.__doc__
    return Route(path, guarded, methods=list(methods), name=name or endpoint.__name__)


def signed_link(path: str, endpoint: Endpoint, *, name: str) -> Route:
    """A post to an address that carries its own signed token (a mail's one-click
    unsubscribe, RFC 8058), made by a mail provider rather than a browser: no cookie, no
    session and no form token come with it. Nothing ambient is used, only the token in the
    address, which the endpoint checks: there is nothing a forged request could borrow, so
    the CSRF check that every other post passes has nothing to protect here."""

    async def guarded(request: Request) -> Response:
        try:
            request.state.principal = ANONYMOUS
            return await endpoint(request)
        finally:
            await request.close()

    setattr(guarded, ACCESS_ATTRIBUTE, Access.PUBLIC)
    guarded.__name__ = endpoint.__name__
    guarded.__doc__ = endpoint.__doc__
    return Route(path, guarded, methods=["POST"], name=name)


def socket(path: str, endpoint: SocketEndpoint, *, access: Access, name: str) -> WebSocketRoute:
    """A WebSocket route: the app's socket checks (summit/web/socket_layers.py), the client's
    share of sockets, the Origin and the caller's access, before the endpoint accepts."""
    return WebSocketRoute(path, _GuardedSocket(endpoint, access), name=name)


class _GuardedSocket:
    """A socket route's ASGI app. Not a function, so that Starlette serves the socket with it
    as it is, instead of inside its session wrappers: a socket may stay open for hours, by the
    thousand, and each frame left on its stack stays with it."""

    def __init__(self, endpoint: SocketEndpoint, access: Access) -> None:
        self.endpoint = endpoint
        # Under ACCESS_ATTRIBUTE's name: how every route declares its access (``access_of``).
        self.summit_access = access
        self.__name__ = endpoint.__name__
        self.__doc__ = endpoint.__doc__

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The proxy headers and the trusted hosts first: they may refuse the socket, or say
        # who its client is.
        if not await run_checks(scope, receive, send):
            return
        websocket = WebSocket(scope, receive, send)
        quota: SocketQuota = websocket.app.state.socket_quota
        address = websocket.client.host if websocket.client else "unknown"
        if not quota.take(address):
            # Accepted first, so that the page hears why.
            await websocket.accept()
            await websocket.close(code=quota.CLOSE_CODE, reason=quota.CLOSE_REASON)
            return
        try:
            # The check runs in a task of its own: what anyio keeps for a task that waited on
            # a thread (the database read), and the context the check sets, go when it ends
            # instead of staying with the socket for hours.
            if await asyncio.create_task(self._admitted(websocket)):
                await self.endpoint(websocket)
        finally:
            quota.release(address)

    async def _admitted(self, websocket: WebSocket) -> bool:
        # Read through a connection of its own: what it parses (headers, cookies) is cached on
        # it, and it goes with this check instead of staying with the socket for hours.
        connection = HTTPConnection(websocket.scope)
        settings = connection.app.state.settings
        own = own_origin(connection)
        origin = connection.headers.get("origin")
        if not csrf.origin_allowed(
            origin.rstrip("/") if origin else None,
            own_origin=own,
            allowed=settings.origins,
            required=True,
        ):
            # Closing before accepting makes the server answer the handshake with 403.
            await websocket.close(code=1008, reason="origin not allowed")
            return False
        principal, summit_id = await _identify_socket(connection)
        if "slug" in websocket.path_params and summit_id is None:
            await websocket.close(code=1008, reason="no such summit")
            return False
        if not allows(principal, self.summit_access, summit_id):
            await websocket.close(code=1008, reason="not allowed")
            return False
        return True


async def _identify(
    connection: HTTPConnection, slug: str | None = None
) -> tuple[Principal, Summit | None]:
    """A request's principal and the path's summit, in one trip to the database (a socket's
    are ``_identify_socket``'s)."""
    state = connection.app.state
    claim = session_claim(connection, state.session_codec)
    slug = slug or connection.path_params.get("slug")
    if claim is None and slug is None:
        principal: Principal = ANONYMOUS
        summit = None
    else:
        principal, summit = await _read_caller(connection, claim, slug)
    connection.state.principal = principal
    connection.state.summit = summit
    adopt_account_preferences(connection, principal)
    connection.state.stale_session = claim is not None and not principal.is_authenticated
    value = connection.cookies.get(csrf.cookie_name(https=state.settings.is_https))
    connection.state.csrf_new_cookie = None if value else csrf.new_cookie_value()
    # Bound to the session the request really has: a stale claim counts as signed out.
    binding = csrf.session_binding(claim if principal.is_authenticated else None)
    connection.state.csrf_binding = binding
    connection.state.csrf_token = csrf.token_for(
        value or connection.state.csrf_new_cookie, state.settings.secret_key, binding=binding
    )
    return principal, summit


async def _identify_socket(connection: HTTPConnection) -> tuple[Principal, int | None]:
    """The caller and the id of the path's summit. Someone not signed in, on a summit this
    process knows, is admitted without the database: after a restart, pages reconnect by the
    thousand. A signed-in caller is read every time (their account may have been closed or
    their sessions ended)."""
    state = connection.app.state
    claim = session_claim(connection, state.session_codec)
    slug: str | None = connection.path_params.get("slug")
    summit_ids: SummitIds = state.summit_ids
    known = summit_ids.get(slug) if slug else None
    summit: Summit | None = None
    if claim is None and (slug is None or known is not None):
        principal: Principal = ANONYMOUS
        summit_id = known
    else:
        principal, summit = await _read_caller(connection, claim, slug, limiter=state.socket_reads)
        summit_id = summit.id if summit else None
    connection.state.principal = principal
    connection.state.summit_id = summit_id
    # The row as just read, when it was: a session page's check needs it no fresher.
    connection.state.summit = summit
    adopt_account_preferences(connection, principal)
    return principal, summit_id


async def _read_caller(
    connection: HTTPConnection,
    claim: tuple[int, int] | None,
    slug: str | None,
    *,
    limiter: CapacityLimiter | None = None,
) -> tuple[Principal, Summit | None]:
    """The principal a session claim stands for and the summit ``slug`` names, in one trip to
    the database; the summit's id is remembered for the sockets to come (``SummitIds``)."""
    state = connection.app.state

    def load(db: Session) -> tuple[Principal, Summit | None]:
        return load_principal(db, claim), summit_by_slug(db, slug) if slug else None

    principal, summit = await state.db.run_read(load, limiter=limiter)
    if summit is not None and summit.id is not None:
        state.summit_ids.remember(summit.slug, summit.id)
    return principal, summit


async def _genuine(request: Request) -> bool:
    """Origin first (cheap, no body), then the token from the header or the form."""
    settings = request.app.state.settings
    if not csrf.origin_allowed(
        csrf.request_origin(request.headers),
        own_origin=own_origin(request),
        allowed=settings.origins,
        required=False,
    ):
        return False
    submitted = request.headers.get(csrf.CSRF_HEADER)
    if submitted is None:
        value = (await read_form(request)).get(csrf.CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    return csrf.token_matches(
        request.cookies.get(csrf.cookie_name(https=settings.is_https)),
        submitted,
        settings.secret_key,
        binding=request.state.csrf_binding,
    )


async def _refuse(
    request: Request, principal: Principal, summit: Summit | None, *, reason: str
) -> Response:
    if principal.is_authenticated:

        def audit(db: Session) -> None:
            record(
                db,
                action=AuditAction.PERMISSION_DENIED,
                summit_id=summit.id if summit else None,
                account_id=principal.account_id,
                target=f"{request.method} {request.url.path}"[:200],
                client_ip=request.client.host if request.client else None,
                reason=reason,
            )

        await request.app.state.db.run_write(audit)
    await log.ainfo("refused", path=redacted_path(request.scope), reason=reason)
    response = render_error(request, 403, reason=reason)
    _finish(request, response, principal)
    return response


async def error_page(request: Request, status_code: int, *, message: str | None = None) -> Response:
    """The error page for a request that failed before or after its route's guard: the asker
    and the summit of the address are known on it (its header, navigation and account menu),
    even where no route matched (``/<summit>/no-such-page``)."""
    if not hasattr(request.state, "principal"):
        first = request.url.path.strip("/").split("/", 1)[0]
        try:
            await _identify(request, slug=first or None)
        except SQLAlchemyError:
            # The database may be why the request failed: the page is shown without it.
            request.state.principal = ANONYMOUS
            request.state.summit = None
    response = render_error(request, status_code, message=message)
    _finish(request, response, request.state.principal)
    return response


def _redirect(request: Request, url: str) -> Response:
    if is_htmx(request):
        response: Response = Response(status_code=204, headers={"hx-redirect": url})
    else:
        response = RedirectResponse(url, status_code=303)
    _finish(request, response, request.state.principal)
    return response


def _finish(request: Request, response: Response, principal: Principal) -> None:
    """What every answer carries: no caching of personal pages, and the cookies it needs."""
    if principal.is_authenticated:
        response.headers["cache-control"] = "no-store"
    codec = request.app.state.session_codec
    if getattr(request.state, "stale_session", False):
        codec.clear_cookie(response)
    new_value = getattr(request.state, "csrf_new_cookie", None)
    if new_value:
        response.set_cookie(
            csrf.cookie_name(https=codec.secure),
            new_value,
            httponly=True,
            samesite="lax",
            secure=codec.secure,
            path="/",
        )


def context_defaults(request: Request) -> dict[str, Any]:
    """What every template may use about the asker: their principal and CSRF token."""
    state = request.state
    return {
        "principal": getattr(state, "principal", ANONYMOUS),
        "csrf_token": getattr(state, "csrf_token", ""),
    }
