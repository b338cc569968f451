"""Organisers' pages for an award's call: the list of calls, the call itself (dates, judging
rules), its rubric, and its rounds and shortlists."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.agenda.models import Summit
from summit.auth.permissions import Access
from summit.awards import calls
from summit.awards.award_request import LANGUAGES, AwardRequest, form_text, form_texts, form_values
from summit.awards.forms import TIE_BREAKS, AwardInput, CriterionInput, RoundInput
from summit.awards.manage_pages import award_page, post, show
from summit.awards.models import Award
from summit.errors import DomainError
from summit.i18n.viewer import translate_error
from summit.parsing import optional_row_id, or_none, row_id
from summit.web.access import page
from summit.web.context import current_summit, database
from summit.web.forms import FieldReader, FieldsRefused, read_form, validated
from summit.web.labels import tie_break_name
from summit.web.rendering import render

# --- The list of calls and the call itself -------------------------------------------------


async def award_list(request: Request) -> Response:
    summit = current_summit(request)
    rows = await database(request).run_read(lambda db: calls.awards_of(db, summit=summit))
    return render(request, "awards/manage/index.html", {"summit": summit, "rows": rows})


def _call_values(award: Award, zone: ZoneInfo) -> dict[str, str]:
    values = {
        "slug": award.slug,
        "category": award.category,
        "opens_at": calls.local_value(award.opens_at, zone),
        "closes_at": calls.local_value(award.closes_at, zone),
        "scoring_closes_at": calls.local_value(award.scoring_closes_at, zone),
        "blind": "on" if award.blind else "",
        "normalise": "on" if award.normalise else "",
    }
    for name in ("name", "description", "eligibility"):
        for code in LANGUAGES:
            values[f"{name}_{code}"] = getattr(award, name).get(code, "")
    for index, rule in enumerate(award.tie_break[:3], start=1):
        values[f"tie_break_{index}"] = rule
    return values


def _call_input(summit: Summit, award: Award | None, form: FormData) -> AwardInput:
    zone = ZoneInfo(summit.timezone)
    fields = FieldReader()
    values: dict[str, Any] = {
        name: fields.read(calls.local_moment, form_text(form, name), zone=zone, field=name)
        for name in ("opens_at", "closes_at", "scoring_closes_at")
    }
    values |= {
        "slug": award.slug if award else form_text(form, "slug").strip(),
        "category": form_text(form, "category").strip(),
        "name": form_texts(form, "name"),
        "description": form_texts(form, "description"),
        "eligibility": form_texts(form, "eligibility"),
        "blind": form_text(form, "blind") == "on",
        "normalise": form_text(form, "normalise") == "on",
        "tie_break": [
            rule for index in (1, 2, 3) if (rule := form_text(form, f"tie_break_{index}").strip())
        ],
        "ceremony_session_id": award.ceremony_session_id if award else None,
    }
    return validated(AwardInput, values, fields)


def _tie_break_options(db: Session, award: Award | None) -> list[tuple[str, str]]:
    criteria = calls.criteria_of(db, award=award) if award is not None else []
    names = {criterion.slug: criterion.name for criterion in criteria}
    rules = [f"criterion:{criterion.slug}" for criterion in criteria] + list(TIE_BREAKS)
    return [(rule, tie_break_name(rule, names)) for rule in rules]


def _load_call(db: Session, call: AwardRequest, award: Award) -> dict[str, Any]:
    return {
        "stored": _call_values(award, ZoneInfo(call.summit.timezone)),
        "tie_break_options": _tie_break_options(db, award),
    }


async def _new_award_page(
    request: Request, *, values: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> Response:
    options = await database(request).run_read(lambda db: _tie_break_options(db, None))
    context = {
        "summit": current_summit(request),
        "award": None,
        "stored": {},
        "values": values,
        "errors": errors,
        "tie_break_options": options,
    }
    return render(request, "awards/manage/call.html", context, status_code=status_code)


async def new_award(request: Request) -> Response:
    return await _new_award_page(request, values={}, errors={})


async def create_award(request: Request) -> Response:
    summit = current_summit(request)
    form = await read_form(request)

    def run(db: Session) -> tuple[Award | None, dict[str, str]]:
        try:
            data = _call_input(summit, None, form)
            return calls.save_award(db, summit=summit, award=None, data=data), {}
        except FieldsRefused as refused:
            errors = refused.errors
        except DomainError as refused:
            errors = {refused.field or "": translate_error(refused.template, refused.params)}
        db.rollback()
        return None, errors

    award, errors = await database(request).run_write(run)
    if award is None:
        return await _new_award_page(
            request, values=form_values(form), errors=errors, status_code=422
        )
    target = request.url_for("manage_award", slug=summit.slug, award_slug=award.slug)
    return RedirectResponse(str(target), status_code=303)


async def award_form(request: Request) -> Response:
    return await show(AwardRequest.of(request), "call.html", _load_call)


async def update_award(request: Request) -> Response:
    call = AwardRequest.of(request)

    def change(db: Session, award: Award, form: FormData) -> None:
        data = _call_input(call.summit, award, form)
        calls.save_award(db, summit=call.summit, award=award, data=data)

    return await post(call, "call.html", _load_call, change, back="manage_award")


# --- Rubric -----------------------------------------------------------------------------------


def _load_rubric(db: Session, call: AwardRequest, award: Award) -> dict[str, Any]:
    criteria = calls.criteria_of(db, award=award)
    return {"criteria": criteria, "total_weight": sum(c.weight for c in criteria)}


async def rubric(request: Request) -> Response:
    return await show(AwardRequest.of(request), "rubric.html", _load_rubric)


async def save_criterion(request: Request) -> Response:
    def change(db: Session, award: Award, form: FormData) -> None:
        # A hidden field: anything but one of this rubric's criteria is a criterion not found.
        criterion_id = optional_row_id(form_text(form, "criterion_id"), field="criterion")
        criterion = (
            calls.criterion_of(db, award=award, criterion_id=criterion_id)
            if criterion_id is not None
            else None
        )
        data = CriterionInput(
            slug=criterion.slug if criterion else form_text(form, "slug").strip(),
            name=form_texts(form, "name"),
            description=form_texts(form, "description"),
            weight=form_text(form, "weight"),
            scale_min=form_text(form, "scale_min") or 0,
            scale_max=form_text(form, "scale_max") or 10,
            position=form_text(form, "position") or 0,
        )
        calls.save_criterion(db, award=award, criterion=criterion, data=data)

    call = AwardRequest.of(request)
    return await post(call, "rubric.html", _load_rubric, change, back="award_rubric")


async def delete_criterion(request: Request) -> Response:
    criterion_id: int = request.path_params["criterion_id"]

    def change(db: Session, award: Award, form: FormData) -> None:
        criterion = calls.criterion_of(db, award=award, criterion_id=criterion_id)
        calls.delete_criterion(db, award=award, criterion=criterion)

    call = AwardRequest.of(request)
    return await post(call, "rubric.html", _load_rubric, change, back="award_rubric")


# --- Rounds and shortlists ----------------------------------------------------------------------


def _load_rounds(db: Session, call: AwardRequest, award: Award) -> dict[str, Any]:
    rounds = calls.rounds_of(db, award=award)
    numbers = {round_.number for round_ in rounds}
    shortlists = {
        round_.number: calls.submissions_in_round(db, award=award, number=round_.number)
        for round_ in rounds
        if round_.number + 1 in numbers
    }
    return {"rounds": rounds, "shortlists": shortlists}


async def rounds(request: Request) -> Response:
    return await show(AwardRequest.of(request), "rounds.html", _load_rounds)


async def _rounds_post(request: Request, change: Any) -> Response:
    call = AwardRequest.of(request)
    return await post(call, "rounds.html", _load_rounds, change, back="award_rounds")


async def save_round(request: Request) -> Response:
    def change(db: Session, award: Award, form: FormData) -> None:
        data = RoundInput.model_validate(
            {
                "number": form_text(form, "number"),
                "name": form_texts(form, "name"),
                "shortlist_size": form_text(form, "shortlist_size").strip() or None,
            }
        )
        calls.save_round(db, award=award, data=data)

    return await _rounds_post(request, change)


async def delete_round(request: Request) -> Response:
    number: int = request.path_params["number"]

    def change(db: Session, award: Award, form: FormData) -> None:
        calls.delete_round(db, award=award, number=number)

    return await _rounds_post(request, change)


async def advance(request: Request) -> Response:
    number: int = request.path_params["number"]

    def change(db: Session, award: Award, form: FormData) -> None:
        # Ticked boxes of the shortlist: a value that is no submission's id picks nothing.
        chosen = [
            picked
            for value in form.getlist("submission_ids")
            if isinstance(value, str)
            and (picked := or_none(row_id, value, field="submission_ids")) is not None
        ]
        calls.advance_shortlist(db, award=award, from_round=number, submission_ids=chosen)

    return await _rounds_post(request, change)


AWARDS = "/{slug:str}/manage/awards"
routes = [
    page(AWARDS, award_list, access=Access.ORGANISER, name="manage_awards"),
    page(f"{AWARDS}/new", new_award, access=Access.ORGANISER, name="new_award"),
    page(
        f"{AWARDS}/new",
        create_award,
        access=Access.ORGANISER,
        methods=["POST"],
        name="create_award",
    ),
    award_page("", award_form, "manage_award"),
    award_page("", update_award, "update_award", post=True),
    award_page("/rubric", rubric, "award_rubric"),
    award_page("/rubric", save_criterion, "save_criterion", post=True),
    award_page(
        "/rubric/{criterion_id:int}/delete", delete_criterion, "delete_criterion", post=True
    ),
    award_page("/rounds", rounds, "award_rounds"),
    award_page("/rounds", save_round, "save_round", post=True),
    award_page("/rounds/{number:int}/delete", delete_round, "delete_round", post=True),
    award_page("/rounds/{number:int}/advance", advance, "advance_shortlist", post=True),
]
