"""Signing in and out, passwords, password resets and accepting invitations."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.agenda.models import Summit
from summit.auth import tokens
from summit.auth.audit import AuditAction, record
from summit.auth.mails import queue_reset_mail
from summit.auth.models import Account, Role, TokenPurpose
from summit.auth.permissions import Access, Principal
from summit.auth.services import authenticate, change_password, end_sessions
from summit.errors import DomainError
from summit.i18n.viewer import N_, translate_error
from summit.i18n.viewer import gettext as _
from summit.live.hub import SESSION_ENDED
from summit.web import csrf, ratelimit
from summit.web.access import page
from summit.web.addresses import base_url
from summit.web.context import database, now, viewer, wake_mail
from summit.web.error_pages import render_error
from summit.web.forms import read_form, text_fields
from summit.web.htmx import is_htmx
from summit.web.redirects import safe_next
from summit.web.rendering import render

GENERIC_SIGN_IN_ERROR = N_("The e-mail address or the password is not right.")


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _email_key(email: str) -> str:
    # Counters are keyed by a digest: the limiter's store never holds addresses.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


async def sign_in_form(request: Request) -> Response:
    return render(
        request,
        "auth/signin.html",
        {"next": safe_next(request.query_params.get("next")), "email": "", "error": None},
    )


async def sign_in(request: Request) -> Response:
    form = text_fields(await read_form(request), "email", "password", "next")
    target = safe_next(form["next"])
    limiter: ratelimit.RateLimiter = request.app.state.rate_limiter
    allowed = await _sign_in_allowed(limiter, _client(request), _email_key(form["email"]))
    context: dict[str, Any] = {"next": target, "email": form["email"], "error": None}
    if not allowed:
        context["error"] = _("Too many attempts. Wait a minute, then try again.")
        await database(request).run_write(
            lambda db: record(
                db, action=AuditAction.RATE_LIMITED, target="sign-in", client_ip=_client(request)
            )
        )
        return render(request, "auth/signin.html", context, block="form", status_code=429)
    moment = now(request)

    def attempt(db: Session) -> Account | None:
        account = authenticate(db, email=form["email"], password=form["password"])
        if account is None:
            record(
                db,
                action=AuditAction.SIGN_IN_FAILED,
                client_ip=_client(request),
                target="sign-in",
                email_digest=_email_key(form["email"]),
            )
            return None
        account.last_sign_in_at = moment
        db.add(account)
        record(db, action=AuditAction.SIGN_IN, account_id=account.id, client_ip=_client(request))
        return account

    account = await database(request).run_write(attempt)
    if account is None or account.id is None:
        context["error"] = _(GENERIC_SIGN_IN_ERROR)
        return render(request, "auth/signin.html", context, block="form", status_code=422)
    return _signed_in(request, account, target)


async def _sign_in_allowed(limiter: ratelimit.RateLimiter, client: str, account: str) -> bool:
    """Per address; per account from that address; and per account from anywhere, with a
    higher ceiling, so that wrong passwords from one address cannot lock the account's owner
    out (the trade-off is in docs/security.md)."""
    return (
        await limiter.hit(ratelimit.SIGN_IN_PER_ADDRESS, "sign-in", client)
        and await limiter.hit(
            ratelimit.SIGN_IN_PER_ACCOUNT_AND_ADDRESS, "sign-in-account-address", account, client
        )
        and await limiter.hit(ratelimit.SIGN_IN_PER_ACCOUNT, "sign-in-account", account)
    )


def _signed_in(request: Request, account: Account, target: str) -> Response:
    """Start a new session: a fresh sign-in cookie and a fresh CSRF value."""
    response: Response
    if is_htmx(request):
        response = Response(status_code=204, headers={"hx-redirect": target})
    else:
        response = RedirectResponse(target, status_code=303)
    assert account.id is not None  # noqa: S101 - flushed by the service
    request.app.state.session_codec.set_cookie(
        response, account_id=account.id, version=account.session_version
    )
    secure = request.app.state.settings.is_https
    # Browsers drop a __Host- cookie only when told with Secure.
    response.delete_cookie(csrf.cookie_name(https=secure), path="/", secure=secure)
    return response


async def sign_out(request: Request) -> Response:
    principal: Principal = request.state.principal
    account_id = principal.account_id

    def end(db: Session) -> None:
        account = db.get(Account, account_id)
        if account is not None:
            end_sessions(db, account=account)
            record(db, action=AuditAction.SIGN_OUT, account_id=account.id)

    await database(request).run_write(end)
    await request.app.state.hub.close_topic(f"account:{account_id}", SESSION_ENDED)
    response = RedirectResponse("/", status_code=303)
    request.app.state.session_codec.clear_cookie(response)
    return response


async def password_form(request: Request) -> Response:
    return render(request, "auth/password.html", {"errors": {}, "done": False})


async def password_change(request: Request) -> Response:
    form = text_fields(await read_form(request), "current_password", "new_password", "confirm")
    principal: Principal = request.state.principal
    errors: dict[str, str] = {}
    if form["new_password"] != form["confirm"]:
        errors["confirm"] = _("The two new passwords differ.")
        return render(
            request,
            "auth/password.html",
            {"errors": errors, "done": False},
            block="form",
            status_code=422,
        )

    def change(db: Session) -> Account:
        account = db.get(Account, principal.account_id)
        if account is None:
            raise DomainError("No such account.")
        change_password(
            db,
            account=account,
            current_password=form["current_password"],
            new_password=form["new_password"],
        )
        return account

    try:
        account = await database(request).run_write(change)
    except DomainError as error:
        errors[error.field or ""] = translate_error(error.template, error.params)
        return render(
            request,
            "auth/password.html",
            {"errors": errors, "done": False},
            block="form",
            status_code=422,
        )
    # Every other session of the account ends; this one continues with the new version.
    await request.app.state.hub.close_topic(f"account:{account.id}", SESSION_ENDED)
    response = render(request, "auth/password.html", {"errors": {}, "done": True})
    assert account.id is not None  # noqa: S101
    request.app.state.session_codec.set_cookie(
        response, account_id=account.id, version=account.session_version
    )
    return response


async def reset_request_form(request: Request) -> Response:
    return render(request, "auth/reset_request.html", {"sent": False, "error": None})


async def reset_request(request: Request) -> Response:
    form = text_fields(await read_form(request), "email")
    limiter: ratelimit.RateLimiter = request.app.state.rate_limiter
    if not await limiter.hit(ratelimit.RESET_PER_ADDRESS, "reset", _client(request)):
        return render(
            request,
            "auth/reset_request.html",
            {"sent": False, "error": _("Too many attempts. Wait a few minutes, then try again.")},
            block="form",
            status_code=429,
        )
    moment = now(request)
    address, language = base_url(request), viewer(request).language

    def issue(db: Session) -> None:
        issued = tokens.issue_reset(db, email=form["email"], now=moment)
        account = (
            db.get(Account, issued.row.account_id) if issued and issued.row.account_id else None
        )
        if issued is not None and account is not None:
            queue_reset_mail(
                db, account=account, language=language, base_url=address, token=issued.token
            )

    await database(request).run_write(issue)
    wake_mail(request)
    # The same answer whether or not the address has an account.
    return render(request, "auth/reset_request.html", {"sent": True, "error": None})


async def reset_form(request: Request) -> Response:
    token = request.path_params["token"]
    if await _valid_token(request, token, TokenPurpose.RESET) is None:
        return _expired(request)
    return render(request, "auth/reset.html", {"token": token, "errors": {}})


async def reset(request: Request) -> Response:
    token = request.path_params["token"]
    form = text_fields(await read_form(request), "new_password", "confirm")
    if form["new_password"] != form["confirm"]:
        return render(
            request,
            "auth/reset.html",
            {"token": token, "errors": {"confirm": _("The two passwords differ.")}},
            block="form",
            status_code=422,
        )
    moment = now(request)

    def apply(db: Session) -> Account | None:
        row = tokens.find_token(db, token=token, purpose=TokenPurpose.RESET, now=moment)
        if row is None:
            return None
        return tokens.reset_password(db, reset=row, password=form["new_password"], now=moment)

    try:
        account = await database(request).run_write(apply)
    except DomainError as error:
        return render(
            request,
            "auth/reset.html",
            {
                "token": token,
                "errors": {
                    error.field or "new_password": translate_error(error.template, error.params)
                },
            },
            block="form",
            status_code=422,
        )
    if account is None:
        return _expired(request)
    await request.app.state.hub.close_topic(f"account:{account.id}", SESSION_ENDED)
    return _signed_in(request, account, "/")


async def _valid_token(request: Request, token: str, purpose: TokenPurpose) -> Any:
    moment = now(request)
    return await database(request).run_read(
        lambda db: tokens.find_token(db, token=token, purpose=purpose, now=moment)
    )


def _expired(request: Request) -> Response:
    return render(request, "auth/expired.html", {}, status_code=404)


async def invitation_form(request: Request) -> Response:
    if not await _invitation_attempt_allowed(request):
        return render_error(request, 429)
    token = request.path_params["token"]
    moment = now(request)

    def load(db: Session) -> dict[str, Any] | None:
        row = tokens.find_token(db, token=token, purpose=TokenPurpose.INVITATION, now=moment)
        if row is None:
            return None
        return {"invitation": row, "invited_summit": db.get(Summit, row.summit_id)}

    context = await database(request).run_read(load)
    if context is None:
        return _expired(request)
    return render(request, "auth/invitation.html", {**context, "token": token, "errors": {}})


async def invitation_accept(request: Request) -> Response:
    if not await _invitation_attempt_allowed(request):
        return render_error(request, 429)
    token = request.path_params["token"]
    form = text_fields(await read_form(request), "display_name", "password", "confirm")
    principal: Principal = request.state.principal
    moment = now(request)

    def accept(db: Session) -> tuple[Account | None, dict[str, Any]]:
        row = tokens.find_token(db, token=token, purpose=TokenPurpose.INVITATION, now=moment)
        if row is None:
            return None, {}
        context = {"invitation": row, "invited_summit": db.get(Summit, row.summit_id)}
        if principal.account_id is None and form["password"] != form["confirm"]:
            db.expunge_all()
            raise _FormError(context, {"confirm": _("The two passwords differ.")})
        account = db.get(Account, principal.account_id) if principal.account_id else None
        try:
            return (
                tokens.accept_invitation(
                    db,
                    invitation=row,
                    account=account,
                    display_name=form["display_name"],
                    password=form["password"],
                    now=moment,
                ),
                context,
            )
        except DomainError as error:
            # Detached before the rollback, so the page can still show them.
            db.expunge_all()
            raise _FormError(
                context, {error.field or "password": translate_error(error.template, error.params)}
            ) from error

    try:
        account, context = await database(request).run_write(accept)
    except _FormError as failure:
        return render(
            request,
            "auth/invitation.html",
            {**failure.context, "token": token, "errors": failure.errors},
            block="form",
            status_code=422,
        )
    if account is None:
        return _expired(request)
    summit = context["invited_summit"]
    # A new speaker lands on their own page, where the organisers' questions wait.
    speaker = context["invitation"].role == Role.SPEAKER
    return _signed_in(request, account, f"/{summit.slug}/me" if speaker else f"/{summit.slug}/")


class _FormError(Exception):
    def __init__(self, context: dict[str, Any], errors: dict[str, str]) -> None:
        super().__init__("invalid form")
        self.context = context
        self.errors = errors


async def _invitation_attempt_allowed(request: Request) -> bool:
    limiter: ratelimit.RateLimiter = request.app.state.rate_limiter
    return await limiter.hit(ratelimit.INVITATION_PER_ADDRESS, "invitation", _client(request))


routes = [
    page("/signin", sign_in_form, access=Access.PUBLIC, name="sign_in"),
    page("/signin", sign_in, access=Access.PUBLIC, methods=["POST"], name="sign_in_post"),
    page("/signout", sign_out, access=Access.SIGNED_IN, methods=["POST"], name="sign_out"),
    page("/account/password", password_form, access=Access.SIGNED_IN, name="password"),
    page(
        "/account/password",
        password_change,
        access=Access.SIGNED_IN,
        methods=["POST"],
        name="password_post",
    ),
    page("/reset", reset_request_form, access=Access.PUBLIC, name="reset_request"),
    page(
        "/reset", reset_request, access=Access.PUBLIC, methods=["POST"], name="reset_request_post"
    ),
    page("/reset/{token:str}", reset_form, access=Access.PUBLIC, name="reset"),
    page("/reset/{token:str}", reset, access=Access.PUBLIC, methods=["POST"], name="reset_post"),
    page("/invite/{token:str}", invitation_form, access=Access.PUBLIC, name="invitation"),
    page(
        "/invite/{token:str}",
        invitation_accept,
        access=Access.PUBLIC,
        methods=["POST"],
        name="invitation_post",
    ),
]
