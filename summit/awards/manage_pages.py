"""How the organisers' award pages show and change things: each is one template, filled by a
loader; a form runs a change and goes back to its page (303), or comes back as that page with
every error beside its field (422). A change may instead return a report to show at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from summit.auth.permissions import Access
from summit.awards import submissions
from summit.awards.award_request import AwardRequest, form_text, form_values
from summit.awards.forms import MAX_ROUNDS
from summit.awards.models import Award
from summit.errors import DomainError, NotFound
from summit.i18n.viewer import gettext as _
from summit.i18n.viewer import translate_error
from summit.parsing import or_none, whole_number
from summit.web.access import Endpoint, page
from summit.web.context import database
from summit.web.forms import FieldsRefused, field_errors, read_form
from summit.web.rendering import render

AWARD_PATH = "/{slug:str}/manage/awards/{award_slug:str}"
Loader = Callable[[Session, AwardRequest, Award], dict[str, Any]]
Change = Callable[[Session, Award, FormData], dict[str, Any] | None]


async def show(
    call: AwardRequest,
    template: str,
    loader: Loader,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
    block: str | None = None,
) -> Response:
    def load(db: Session, award: Award) -> dict[str, Any]:
        try:
            return {"award": award, **loader(db, call, award)}
        except NotFound as missing:
            raise HTTPException(status_code=404) from missing

    context = {
        "summit": call.summit,
        "errors": errors or {},
        "values": values or {},
        "row_errors": [],
        "report": None,
        **await call.read(load),
        **(extra or {}),
    }
    return render(
        call.request, f"awards/manage/{template}", context, block=block, status_code=status_code
    )


async def post(
    call: AwardRequest, template: str, loader: Loader, change: Change, *, back: str
) -> Response:
    """Run ``change``; on a refusal show the page again with the errors, else go ``back``.

    A change that returns a dict is shown on the page at once (a report), instead of going back.
    """
    form = await read_form(call.request)

    def run(db: Session) -> tuple[dict[str, Any] | None, dict[str, str], dict[str, Any]]:
        award = call.award(db)
        extra: dict[str, Any] = {}
        try:
            return change(db, award, form), {}, {}
        except NotFound as missing:
            raise HTTPException(status_code=404) from missing
        except ValidationError as invalid:
            errors = field_errors(invalid)
        except FieldsRefused as refused:
            errors = refused.errors
        except DomainError as refused:
            errors = {refused.field or "": translate_error(refused.template, refused.params)}
        except submissions.ImportRefused as refused:
            errors = {"csv": _("Nothing was imported: correct these lines and try again.")}
            extra = {"row_errors": refused.errors}
        db.rollback()
        return None, errors, extra

    report, errors, extra = await database(call.request).run_write(run)
    if errors:
        return await show(
            call,
            template,
            loader,
            errors=errors,
            values=form_values(form),
            extra=extra,
            status_code=422,
        )
    if report is not None:
        return await show(call, template, loader, extra=report)
    shown_round = round_number(form_text(form, "round"))
    return call.go_to(back, f"?round={shown_round}" if shown_round else "")


def award_page(path: str, endpoint: Endpoint, name: str, *, post: bool = False) -> Route:
    """An organisers' page of one award, at ``AWARD_PATH + path``; ``post`` takes its form."""
    methods = ["POST"] if post else ["GET"]
    return page(AWARD_PATH + path, endpoint, access=Access.ORGANISER, methods=methods, name=name)


def round_number(text: str | None) -> int | None:
    """The round a page shows, from its query string or a form; None for none that makes sense."""
    return or_none(whole_number, text, field="round", low=1, high=MAX_ROUNDS)
