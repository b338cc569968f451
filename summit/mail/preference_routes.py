"""Choosing what mail an account receives: the account's mail page, and the link at the foot of
each message that turns its kind off without signing in."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from summit.auth.permissions import Access, Principal
from summit.i18n.viewer import gettext as _
from summit.mail.compose import ONE_CLICK_SUFFIX
from summit.mail.models import MailKind
from summit.mail.preferences import (
    OPTIONAL_KINDS,
    REMINDER_CHOICES,
    choices_of,
    read_unsubscribe_token,
    set_choice,
)
from summit.web.access import page, signed_link
from summit.web.context import database
from summit.web.forms import read_form
from summit.web.rendering import render


def _account_id(request: Request) -> int:
    principal: Principal = request.state.principal
    if principal.account_id is None:
        raise HTTPException(status_code=403)
    return principal.account_id


async def mail_preferences(request: Request) -> Response:
    account_id = _account_id(request)
    found = await database(request).run_read(
        lambda db: choices_of(db, account_ids=[account_id])[account_id]
    )
    return _page(request, choices=found, saved=request.query_params.get("saved") == "1")


def _page(request: Request, *, status_code: int = 200, **context: Any) -> Response:
    values = {"kinds": OPTIONAL_KINDS, "minutes": REMINDER_CHOICES, "errors": {}} | context
    return render(request, "mail_preferences.html", values, status_code=status_code)


async def save_mail_preferences(request: Request) -> Response:
    account_id = _account_id(request)
    form = await read_form(request)
    minutes_given = form.get("reminder_minutes")
    minutes = int(minutes_given) if minutes_given in {str(n) for n in REMINDER_CHOICES} else None
    if minutes is None:
        found = await database(request).run_read(
            lambda db: choices_of(db, account_ids=[account_id])[account_id]
        )
        errors = {"reminder_minutes": _("Choose one of the times offered.")}
        return _page(request, choices=found, saved=False, errors=errors, status_code=422)
    wanted = {kind for kind in OPTIONAL_KINDS if form.get(kind.value) == "on"}

    def save(db: Session) -> None:
        for kind in OPTIONAL_KINDS:
            set_choice(
                db,
                account_id=account_id,
                kind=kind,
                enabled=kind in wanted,
                minutes_before=minutes if kind == MailKind.SESSION_REMINDER else None,
            )

    await database(request).run_write(save)
    return RedirectResponse(request.url_for("mail_preferences").include_query_params(saved=1), 303)


async def unsubscribe_form(request: Request) -> Response:
    found = read_unsubscribe_token(
        secret_key=request.app.state.settings.secret_key, token=request.path_params["token"]
    )
    if found is None:
        raise HTTPException(status_code=404)
    return render(
        request,
        "unsubscribe.html",
        {"kind": found[1], "token": request.path_params["token"], "done": False},
    )


async def unsubscribe(request: Request) -> Response:
    token = request.path_params["token"]
    found = read_unsubscribe_token(secret_key=request.app.state.settings.secret_key, token=token)
    if found is None:
        raise HTTPException(status_code=404)
    account_id, kind = found

    def apply(db: Session) -> None:
        set_choice(db, account_id=account_id, kind=kind, enabled=False)

    await database(request).run_write(apply)
    return render(request, "unsubscribe.html", {"kind": kind, "token": token, "done": True})


async def unsubscribe_one_click(request: Request) -> Response:
    """RFC 8058: the recipient's mail provider posts ``List-Unsubscribe=One-Click`` to the
    address in the message's ``List-Unsubscribe`` header (see ``signed_link``)."""
    found = read_unsubscribe_token(
        secret_key=request.app.state.settings.secret_key, token=request.path_params["token"]
    )
    if found is None:
        raise HTTPException(status_code=404)
    if (await read_form(request)).get("List-Unsubscribe") != "One-Click":
        return PlainTextResponse("Post List-Unsubscribe=One-Click.", status_code=400)
    account_id, kind = found
    await database(request).run_write(
        lambda db: set_choice(db, account_id=account_id, kind=kind, enabled=False)
    )
    return PlainTextResponse("Unsubscribed.")


routes = [
    page("/account/mail", mail_preferences, access=Access.SIGNED_IN, name="mail_preferences"),
    page(
        "/account/mail",
        save_mail_preferences,
        access=Access.SIGNED_IN,
        methods=["POST"],
        name="mail_preferences_post",
    ),
    page(
        "/mail/unsubscribe/{token:str}", unsubscribe_form, access=Access.PUBLIC, name="unsubscribe"
    ),
    page(
        "/mail/unsubscribe/{token:str}",
        unsubscribe,
        access=Access.PUBLIC,
        methods=["POST"],
        name="unsubscribe_post",
    ),
    # A mail client that cannot post opens the header's address: the same page and button.
    page(
        "/mail/unsubscribe/{token:str}" + ONE_CLICK_SUFFIX,
        unsubscribe_form,
        access=Access.PUBLIC,
        name="unsubscribe_one_click_page",
    ),
    signed_link(
        "/mail/unsubscribe/{token:str}" + ONE_CLICK_SUFFIX,
        unsubscribe_one_click,
        name="unsubscribe_one_click",
    ),
]
