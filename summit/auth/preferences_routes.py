"""The preferences page: the language and time zone pages are shown in.

Saving makes them this browser's choice (cookies) and, for a signed-in account, the account's
too, so that its pages follow on every device where no other choice was made.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.auth.forms import PreferencesInput
from summit.auth.models import Account
from summit.auth.permissions import Access, Principal
from summit.auth.services import set_preferences
from summit.i18n.viewer import N_, current_viewer, known_zones
from summit.i18n.viewer import gettext as _
from summit.web.access import page
from summit.web.context import database
from summit.web.forms import field_errors, read_form, text_fields
from summit.web.redirects import safe_next
from summit.web.rendering import render
from summit.web.viewer import remember_choice

ERRORS = {
    "language": N_("Choose one of the languages offered."),
    "timezone": N_("Choose a time zone from the list."),
}


def _zones() -> list[str]:
    """The zones offered: every place-named IANA zone, and UTC."""
    named = (zone for zone in known_zones() if "/" in zone and not zone.startswith("Etc/"))
    return ["UTC", *sorted(named)]


def _page(
    request: Request,
    *,
    values: dict[str, str],
    errors: dict[str, str],
    back: str,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "zones": _zones(),
        "values": values,
        "errors": errors,
        "back": back,
    }
    return render(request, "preferences.html", context, block="form", status_code=status_code)


async def preferences(request: Request) -> Response:
    shown = current_viewer()
    return _page(
        request,
        values={"language": shown.language, "timezone": shown.timezone},
        errors={},
        back=safe_next(request.query_params.get("next")),
    )


async def save_preferences(request: Request) -> Response:
    form = text_fields(await read_form(request), "language", "timezone", "next")
    back = safe_next(form["next"])
    try:
        data = PreferencesInput(language=form["language"], timezone=form["timezone"])
    except ValidationError as invalid:
        refused = field_errors(invalid)
        # A refusal of the whole form (a NUL character) is shown beside the fields that hold it.
        errors = {
            name: _(message)
            for name, message in ERRORS.items()
            if name in refused or ("" in refused and "\x00" in form[name])
        }
        return _page(request, values=form, errors=errors, back=back, status_code=422)
    principal: Principal = request.state.principal
    if principal.account_id is not None:
        account_id = principal.account_id

        def save(db: Session) -> None:
            account = db.get(Account, account_id)
            if account is not None:
                set_preferences(db, account=account, data=data)

        await database(request).run_write(save)
    response = RedirectResponse(back, status_code=303)
    remember_choice(response, language=data.language, timezone=data.timezone)
    return response


routes = [
    page("/preferences", preferences, access=Access.PUBLIC, name="preferences"),
    page(
        "/preferences",
        save_preferences,
        access=Access.PUBLIC,
        methods=["POST"],
        name="preferences_post",
    ),
]
