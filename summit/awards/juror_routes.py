"""Jurors' pages: their queue, and a scoresheet that saves as they type.

A submission the juror is not assigned to, or has a conflict with, answers 404 exactly like a
missing one: a juror learns nothing about submissions that are not theirs.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.auth.permissions import Access, Principal
from summit.awards import scoresheet, scoring
from summit.awards.models import CardStatus, Criterion
from summit.awards.recusals import record_recusal
from summit.errors import DomainError
from summit.eventlog import record
from summit.events import ScoresChanged
from summit.i18n.viewer import translate_error
from summit.parsing import MAX_ID, or_none, whole_number
from summit.persistence import pk
from summit.web.access import page
from summit.web.context import current_summit, database, now
from summit.web.forms import read_form
from summit.web.htmx import is_fragment_request, is_htmx
from summit.web.rendering import render

MAX_NONCE = 40


def _account(request: Request) -> int:
    principal: Principal = request.state.principal
    assert principal.account_id is not None  # noqa: S101 - the guard asked for a juror
    return principal.account_id


async def jury_queue(request: Request) -> Response:
    summit = current_summit(request)
    account_id = _account(request)
    items = await database(request).run_read(
        lambda db: scoring.queue(db, summit_id=pk(summit), account_id=account_id)
    )
    return render(request, "awards/jury/queue.html", {"summit": summit, "items": items})


async def _sheet(request: Request) -> scoring.Sheet:
    summit = current_summit(request)
    account_id = _account(request)
    submission_id: int = request.path_params["submission_id"]
    moment = now(request)
    found = await database(request).run_read(
        lambda db: scoring.sheet(
            db,
            summit_id=pk(summit),
            account_id=account_id,
            submission_id=submission_id,
            now=moment,
        )
    )
    if found is None:
        raise HTTPException(status_code=404)
    return found


def _context(
    request: Request,
    sheet: scoring.Sheet,
    *,
    values: dict[str, str] | None = None,
    message: str = "",
    error: str = "",
    errors: dict[str, str] | None = None,
    conflict: scoring.SaveOutcome | None = None,
    nonce: str | None = None,
    revision: int | None = None,
    oob: bool = False,
) -> dict[str, Any]:
    card = sheet.assigned.card
    shown = {
        **{
            f"score-{criterion.id}": _number(sheet.scores.get(pk(criterion)))
            for criterion in sheet.criteria
        },
        "comment": card.comment if card else "",
        **(values or {}),
    }
    return {
        "summit": current_summit(request),
        "sheet": sheet,
        "item": sheet.assigned,
        "award": sheet.assigned.award,
        "submission": sheet.assigned.submission,
        "status": CardStatus(card.status).value if card else "not_started",
        "values": shown,
        "nonce": nonce or secrets.token_urlsafe(12),
        # The revision this form's values stand on: a refused save keeps the one it was based
        # on, so that the next autosave is refused too until the juror chooses.
        "form_revision": sheet.revision if revision is None else revision,
        "message": message,
        "error": error,
        "errors": errors or {},
        "conflict": conflict,
        "stored": {
            pk(criterion): _number(conflict.current.get(pk(criterion))) if conflict else ""
            for criterion in sheet.criteria
        },
        "total": scoresheet.running_total(sheet.criteria, sheet.scores),
        "shares": scoresheet.weight_shares(sheet.criteria),
        "now": now(request),
        "oob": oob,
    }


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value.is_integer() else str(value)


async def show_scoresheet(request: Request) -> Response:
    sheet = await _sheet(request)
    return render(request, "awards/jury/sheet.html", _context(request, sheet))


def _card_input(form: FormData, criteria: list[Criterion]) -> tuple[dict[str, str], str, int, int]:
    """The form's values and nonce; the revision its values stand on, and the revision the
    save is for: the same, except when "Keep my values" saves over the one it was shown."""
    names = [f"score-{criterion.id}" for criterion in criteria]
    values = {name: _text(form, name) for name in [*names, "comment"] if name in form}
    nonce = _text(form, "nonce")[:MAX_NONCE]
    base = _revision(_text(form, "revision"))
    target = _revision(_text(form, "overwrite")) if "overwrite" in form else base
    return values, nonce, base, target


def _revision(raw: str) -> int:
    """A revision the form sent; none readable is one no card has (the save is refused as
    stale)."""
    revision = or_none(whole_number, raw, field="revision", low=0, high=MAX_ID)
    return -1 if revision is None else revision


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


async def save_scoresheet(request: Request) -> Response:
    """Every change of the form posts the whole form; the answer says saved, or why not."""
    sheet = await _sheet(request)
    form = await read_form(request)
    values, nonce, base, target = _card_input(form, sheet.criteria)
    status_value = _text(form, "status")
    status = CardStatus(status_value) if status_value in set(CardStatus) else None
    account_id = _account(request)
    moment = now(request)
    try:
        scores = scoresheet.read_scores(values, sheet.criteria)
    except scoresheet.InvalidScores as invalid:
        # Nothing is saved, not even the valid fields: the sheet says "Not saved" truthfully.
        errors = {
            name: translate_error(refused.template, refused.params)
            for name, refused in invalid.errors.items()
        }
        context = _context(
            request,
            sheet,
            values=values,
            errors=errors,
            nonce=nonce,
            revision=base,
        )
        return _answer(request, context, status_code=422)
    comment = values["comment"].replace("\r\n", "\n") if "comment" in values else None
    assignment_id = pk(sheet.assigned.assignment)

    def run(db: Session) -> scoring.SaveOutcome:
        # Only what this tab changed since its revision: a field it did not touch keeps what
        # another tab saved meanwhile.
        was = scoresheet.card_at(db, assignment_id=assignment_id, revision=base)
        changes = scoresheet.changes_since(was, scores=scores, comment=comment)
        data = scoring.CardInput(
            revision=target,
            save_key=f"{nonce}:{target}:{status_value}" if nonce else "",
            scores=changes.scores,
            comment=changes.comment,
            status=status,
        )
        outcome = scoring.save_card(
            db, item=sheet.assigned, account_id=account_id, data=data, now=moment
        )
        if outcome.changes:
            award = sheet.assigned.award
            record(db, [ScoresChanged(summit_id=award.summit_id, award_id=pk(award))], at=moment)
        return outcome

    try:
        try:
            outcome = await database(request).run_write(run)
        except IntegrityError:
            # Two first saves of one card at once (PostgreSQL): the second sees the first's
            # card on a retry, and is refused as stale or recognised as a repeat.
            outcome = await database(request).run_write(run)
    except DomainError as failure:
        message = translate_error(failure.template, failure.params)
        errors = {failure.field: message} if failure.field else {}
        context = _context(
            request,
            sheet,
            values=values,
            error=message,
            errors=errors,
            nonce=nonce,
            revision=base,
        )
        return _answer(request, context, status_code=422)
    if outcome.conflict:
        context = _context(
            request,
            sheet,
            values=values,
            conflict=outcome,
            nonce=nonce,
            revision=base,
        )
        return _answer(request, context, status_code=422)
    if outcome.changes:
        await request.app.state.broker.announce()
    fresh = await _sheet(request)
    if not is_htmx(request):
        return RedirectResponse(request.url.path, status_code=303)
    status_changed = status is not None and status.value != _status_of(sheet)
    merged = target != base and outcome.changes > 0
    if status_changed or merged or outcome.repeated and status is not None:
        # The sheet changes shape (read-only once final), or now holds fields another tab
        # saved (after "Keep my values"): send it whole, with the values as stored.
        context = _context(request, fresh, message="saved", nonce=nonce)
        response = render(request, "awards/jury/sheet.html", context, block="sheet")
        response.headers["hx-retarget"] = "#sheet"
        response.headers["hx-reswap"] = "outerHTML"
        return response
    # A save that changed nothing leaves the form on its revision: a stale tab stays stale.
    saved = base if not outcome.changes and not outcome.repeated else fresh.revision
    context = _context(
        request, fresh, values=values, message="saved", nonce=nonce, revision=saved, oob=True
    )
    return render(request, "awards/jury/sheet.html", context, block="save_status")


def _status_of(sheet: scoring.Sheet) -> str:
    card = sheet.assigned.card
    return CardStatus(card.status).value if card else CardStatus.DRAFT.value


def _answer(request: Request, context: dict[str, Any], *, status_code: int) -> Response:
    """A refused save: the status (with each field's error swapped in beside it) for htmx,
    the whole page otherwise."""
    fragment = is_fragment_request(request)
    context["oob"] = fragment
    block = "save_status" if fragment else None
    return render(request, "awards/jury/sheet.html", context, block=block, status_code=status_code)


async def declare_conflict(request: Request) -> Response:
    """The juror recuses themself; the submission leaves their queue at once."""
    summit = current_summit(request)
    sheet = await _sheet(request)
    reason = _text(await read_form(request), "reason")
    account_id = _account(request)
    moment = now(request)

    def run(db: Session) -> None:
        conflict = scoring.declare_conflict(db, item=sheet.assigned, reason=reason, now=moment)
        record_recusal(db, award=sheet.assigned.award, conflict=conflict, by=account_id)

    try:
        await database(request).run_write(run)
    except DomainError as failure:
        message = translate_error(failure.template, failure.params)
        context = _context(request, sheet, errors={"reason": message})
        return render(request, "awards/jury/sheet.html", context, status_code=422)
    target = request.url_for("jury_queue", slug=summit.slug).path
    if is_htmx(request):
        return Response(status_code=204, headers={"hx-redirect": target})
    return RedirectResponse(target, status_code=303)


JUROR = Access.JUROR
SHEET = "/{slug:str}/jury/{submission_id:int}"
routes = [
    page("/{slug:str}/jury", jury_queue, access=JUROR, name="jury_queue"),
    page(SHEET, show_scoresheet, access=JUROR, name="scoresheet"),
    page(SHEET, save_scoresheet, access=JUROR, methods=["POST"], name="scoresheet_save"),
    page(
        SHEET + "/conflict",
        declare_conflict,
        access=JUROR,
        methods=["POST"],
        name="scoresheet_conflict",
    ),
]
