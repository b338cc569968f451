"""Organisers' pages for award calls: the call, its rubric and rounds, submissions, the jury
(members, conflicts, assignments) and the jury's progress.

Every page is one template; a refused form comes back as that page with its errors (422), a
saved one goes back to it (303).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.agenda.models import Summit
from summit.auth.permissions import Access
from summit.awards import assignment, calls, progress, submissions
from summit.awards.attachments import attachments_of_submissions
from summit.awards.forms import TIE_BREAKS, AwardInput, CriterionInput, RoundInput
from summit.awards.models import Award, EntityKind
from summit.errors import DomainError, NotFound
from summit.i18n.viewer import gettext as _
from summit.i18n.viewer import translate_error
from summit.web.access import page
from summit.web.context import current_summit, database
from summit.web.forms import field_errors, read_form
from summit.web.labels import tie_break_name
from summit.web.rendering import render

LANGUAGES = ("en", "fr", "ar")
MAX_CSV_BYTES = 2 * 1024 * 1024
Loader = Callable[[Session, Summit, Award, Request], dict[str, Any]]
Change = Callable[[Session, Award, FormData, int | None], dict[str, Any] | None]


def _texts(form: FormData | dict[str, str], name: str) -> dict[str, str]:
    return {code: _text(form, f"{name}_{code}") for code in LANGUAGES}


def _text(form: FormData | dict[str, str], name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _required_int(form: FormData, name: str) -> int:
    value = _text(form, name).strip()
    if not value.lstrip("-").isdigit() or len(value) > 9:
        raise DomainError("Give a whole number.", field=name)
    return int(value)


def _int(form: FormData, name: str, *, optional: bool = False) -> int | None:
    """A whole number from the form; an empty field is None when ``optional``."""
    if optional and not _text(form, name).strip():
        return None
    return _required_int(form, name)


def _award(db: Session, summit: Summit, request: Request) -> Award:
    try:
        return calls.award_by_slug(db, summit=summit, slug=request.path_params["award_slug"])
    except NotFound as missing:
        raise HTTPException(status_code=404) from missing


async def _show(
    request: Request,
    template: str,
    loader: Loader,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
    block: str | None = None,
) -> Response:
    summit = current_summit(request)

    def load(db: Session) -> dict[str, Any]:
        award = _award(db, summit, request) if "award_slug" in request.path_params else None
        try:
            loaded = loader(db, summit, award, request) if award is not None else {}
        except NotFound as missing:
            raise HTTPException(status_code=404) from missing
        return {"award": award, **loaded}

    loaded = await database(request).run_read(load)
    context = {
        "summit": summit,
        "errors": errors or {},
        "values": values or {},
        "row_errors": [],
        "report": None,
        **loaded,
        **(extra or {}),
    }
    return render(
        request, f"awards/manage/{template}", context, block=block, status_code=status_code
    )


def _form_values(form: FormData) -> dict[str, str]:
    return {key: value for key, value in form.items() if isinstance(value, str)}


async def _post(
    request: Request, template: str, loader: Loader, change: Change, *, back: str
) -> Response:
    """Run ``change``; on a refusal show the page again with the errors, else go ``back``.

    A change that returns a dict is shown on the page at once (a report), instead of going back.
    """
    summit = current_summit(request)
    form = await read_form(request)
    by = request.state.principal.account_id

    def run(db: Session) -> tuple[dict[str, Any] | None, dict[str, str], dict[str, Any]]:
        award = _award(db, summit, request)
        extra: dict[str, Any] = {}
        try:
            return change(db, award, form, by), {}, {}
        except NotFound as missing:
            raise HTTPException(status_code=404) from missing
        except ValidationError as invalid:
            errors = field_errors(invalid)
        except DomainError as refused:
            errors = {refused.field or "": translate_error(refused.template, refused.params)}
        except submissions.ImportRefused as refused:
            errors = {"csv": _("Nothing was imported: correct these lines and try again.")}
            extra = {"row_errors": refused.errors}
        db.rollback()
        return None, errors, extra

    report, errors, extra = await database(request).run_write(run)
    if errors:
        return await _show(
            request,
            template,
            loader,
            errors=errors,
            values=_form_values(form),
            extra=extra,
            status_code=422,
        )
    if report is not None:
        return await _show(request, template, loader, extra=report)
    target = request.url_for(back, slug=summit.slug, award_slug=request.path_params["award_slug"])
    query = f"?round={_text(form, 'round')}" if _text(form, "round").isdigit() else ""
    return RedirectResponse(f"{target}{query}", status_code=303)


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
    return AwardInput(
        slug=award.slug if award else _text(form, "slug").strip(),
        category=_text(form, "category").strip(),
        name=_texts(form, "name"),
        description=_texts(form, "description"),
        eligibility=_texts(form, "eligibility"),
        opens_at=calls.local_moment(_text(form, "opens_at"), zone, field="opens_at"),
        closes_at=calls.local_moment(_text(form, "closes_at"), zone, field="closes_at"),
        scoring_closes_at=calls.local_moment(
            _text(form, "scoring_closes_at"), zone, field="scoring_closes_at"
        ),
        blind=_text(form, "blind") == "on",
        normalise=_text(form, "normalise") == "on",
        tie_break=[
            rule for index in (1, 2, 3) if (rule := _text(form, f"tie_break_{index}").strip())
        ],
        ceremony_session_id=award.ceremony_session_id if award else None,
    )


def _tie_break_options(db: Session, award: Award | None) -> list[tuple[str, str]]:
    criteria = calls.criteria_of(db, award=award) if award is not None else []
    names = {criterion.slug: criterion.name for criterion in criteria}
    rules = [f"criterion:{criterion.slug}" for criterion in criteria] + list(TIE_BREAKS)
    return [(rule, tie_break_name(rule, names)) for rule in rules]


def _load_call(db: Session, summit: Summit, award: Award, request: Request) -> dict[str, Any]:
    return {
        "stored": _call_values(award, ZoneInfo(summit.timezone)),
        "tie_break_options": _tie_break_options(db, award),
    }


async def new_award(request: Request) -> Response:
    summit = current_summit(request)
    options = await database(request).run_read(lambda db: _tie_break_options(db, None))
    return render(
        request,
        "awards/manage/call.html",
        {
            "summit": summit,
            "award": None,
            "stored": {},
            "values": {},
            "errors": {},
            "tie_break_options": options,
        },
    )


async def create_award(request: Request) -> Response:
    summit = current_summit(request)
    form = await read_form(request)

    def run(db: Session) -> tuple[Award | None, dict[str, str]]:
        try:
            data = _call_input(summit, None, form)
            return calls.save_award(db, summit=summit, award=None, data=data), {}
        except ValidationError as invalid:
            errors = field_errors(invalid)
        except DomainError as refused:
            errors = {refused.field or "": translate_error(refused.template, refused.params)}
        db.rollback()
        return None, errors

    award, errors = await database(request).run_write(run)
    if award is None:
        options = await database(request).run_read(lambda db: _tie_break_options(db, None))
        return render(
            request,
            "awards/manage/call.html",
            {
                "summit": summit,
                "award": None,
                "stored": {},
                "values": _form_values(form),
                "errors": errors,
                "tie_break_options": options,
            },
            status_code=422,
        )
    target = request.url_for("manage_award", slug=summit.slug, award_slug=award.slug)
    return RedirectResponse(str(target), status_code=303)


async def award_form(request: Request) -> Response:
    return await _show(request, "call.html", _load_call)


async def update_award(request: Request) -> Response:
    summit = current_summit(request)

    def change(db: Session, award: Award, form: FormData, by: int | None) -> None:
        calls.save_award(db, summit=summit, award=award, data=_call_input(summit, award, form))

    return await _post(request, "call.html", _load_call, change, back="manage_award")


# --- Rubric -----------------------------------------------------------------------------------


def _load_rubric(db: Session, summit: Summit, award: Award, request: Request) -> dict[str, Any]:
    criteria = calls.criteria_of(db, award=award)
    return {"criteria": criteria, "total_weight": sum(c.weight for c in criteria)}


async def rubric(request: Request) -> Response:
    return await _show(request, "rubric.html", _load_rubric)


async def save_criterion(request: Request) -> Response:
    def change(db: Session, award: Award, form: FormData, by: int | None) -> None:
        criterion_id = _int(form, "criterion_id", optional=True)
        criterion = (
            calls.criterion_of(db, award=award, criterion_id=criterion_id)
            if criterion_id is not None
            else None
        )
        data = CriterionInput(
            slug=criterion.slug if criterion else _text(form, "slug").strip(),
            name=_texts(form, "name"),
            description=_texts(form, "description"),
            weight=_text(form, "weight"),
            scale_min=_text(form, "scale_min") or 0,
            scale_max=_text(form, "scale_max") or 10,
            position=_text(form, "position") or 0,
        )
        calls.save_criterion(db, award=award, criterion=criterion, data=data)

    return await _post(request, "rubric.html", _load_rubric, change, back="award_rubric")


async def delete_criterion(request: Request) -> Response:
    criterion_id: int = request.path_params["criterion_id"]

    def change(db: Session, award: Award, form: FormData, by: int | None) -> None:
        criterion = calls.criterion_of(db, award=award, criterion_id=criterion_id)
        calls.delete_criterion(db, award=award, criterion=criterion)

    return await _post(request, "rubric.html", _load_rubric, change, back="award_rubric")


# --- Rounds and shortlists ----------------------------------------------------------------------


def _load_rounds(db: Session, summit: Summit, award: Award, request: Request) -> dict[str, Any]:
    rounds = calls.rounds_of(db, award=award)
    numbers = {round_.number for round_ in rounds}
    shortlists = {
        round_.number: calls.submissions_in_round(db, award=award, number=round_.number)
        for round_ in rounds
        if round_.number + 1 in numbers
    }
    return {"rounds": rounds, "shortlists": shortlists}


async def rounds(request: Request) -> Response:
    return await _show(request, "rounds.html", _load_rounds)


async def save_round(request: Request) -> Response:
    def change(db: Session, award: Award, form: FormData, by: int | None) -> None:
        data = RoundInput(
            number=_required_int(form, "number"),
            name=_texts(form, "name"),
            shortlist_size=_int(form, "shortlist_size", optional=True),
        )
        calls.save_round(db, award=award, data=data)

    return await _post(request, "rounds.html", _load_rounds, change, back="award_rounds")


async def delete_round(request: Request) -> Response:
    number: int = request.path_params["number"]

    def change(db: Session, award: Award, form: FormData, by: int | None) -> None:
        calls.delete_round(db, award=award, number=number)

    return await _post(request, "rounds.html", _load_rounds, change, back="award_rounds")


async def advance(request: Request) -> Response:
    number: int = request.path_params["number"]

    def change(db: Session, award: Award, form: FormData, by: int | None) -> None:
        chosen = [
            int(value)
            for value in form.getlist("submission_ids")
            if isinstance(value, str) and value.isdigit() and len(value) < 10
        ]
        calls.advance_shortlist(db, award=award, from_round=number, submission_ids=chosen)

    return await _post(request, "rounds.html", _load_rounds, change, back="award_rounds")


# --- Submissions -----------------------------------------------------------------------------


def _load_submissions(
    db: Session, summit: Summit, award: Award, request: Request
) -> dict[str, Any]:
    rows = submissions.submissions_of(db, award=award)
    files = attachments_of_submissions(db, submission_ids=[row.id for row in rows if row.id])
    return {
        "rows": rows,
        "file_counts": {key: len(value) for key, value in files.items()},
        "columns": submissions.CSV_COLUMNS,
    }


async def submission_list(request: Request) -> Response:
    return await _show(request, "submissions.html", _load_submissions)


async def import_submissions(request: Request) -> Response:
    form = await read_form(request)
    upload = form.get("file")
    text = _text(form, "csv")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(MAX_CSV_BYTES + 1)
        try:
            text = data.decode("utf-8") if len(data) <= MAX_CSV_BYTES else ""
        except UnicodeDecodeError:
            text = ""
    await form.close()

    def change(db: Session, award: Award, form: FormData, by: int | None) -> dict[str, Any]:
        if not text.strip():
            raise DomainError("Give a CSV file in UTF-8 of at most 2 MB.", field="csv")
        saved = submissions.import_csv(db, award=award, text=text, by=by)
        return {"report": {"imported": len(saved)}}

    return await _post(
        request, "submissions.html", _load_submissions, change, back="award_submissions"
    )


def _load_submission(db: Session, summit: Summit, award: Award, request: Request) -> dict[str, Any]:
    submission = assignment.submission_of(
        db, award=award, submission_id=request.path_params["submission_id"]
    )
    jurors = {juror.member.id: juror for juror in assignment.jury_of(db, award=award)}
    conflicts = [
        row
        for row in assignment.conflicts_of(db, award=award)
        if row.submission_id == submission.id
    ]
    assigned = [
        (round_, [jurors[a.jury_member_id] for a in rows if a.submission_id == submission.id])
        for round_ in calls.rounds_of(db, award=award)
        for rows in [assignment.assignments_of(db, round_=round_)]
    ]
    return {
        "submission": submission,
        "files": submissions.attachments_of(db, submission=submission),
        "conflicts": conflicts,
        "jurors": jurors,
        "assigned": assigned,
        "kinds": {kind.value: kind for kind in EntityKind},
    }


async def submission_detail(request: Request) -> Response:
    return await _show(request, "submission.html", _load_submission)


# --- Jury ------------------------------------------------------------------------------------


def _round_number(request: Request, form: FormData | None = None) -> int:
    raw = _text(form, "round") if form is not None else request.query_params.get("round", "1")
    return int(raw) if raw.isdigit() and len(raw) < 3 else 1


def _load_jury(db: Session, summit: Summit, award: Award, request: Request) -> dict[str, Any]:
    jurors = assignment.jury_of(db, award=award)
    rounds = calls.rounds_of(db, award=award)
    wanted = _round_number(request)
    current = next((r for r in rounds if r.number == wanted), rounds[0] if rounds else None)
    conflicts = assignment.conflicts_of(db, award=award)
    entries = submissions.submissions_of(db, award=award)
    rows = []
    if current is not None:
        given = assignment.assignments_of(db, round_=current)
        conflicted = {(c.jury_member_id, c.submission_id) for c in conflicts}
        by_member = {juror.member.id: juror for juror in jurors}
        for entry in calls.submissions_in_round(db, award=award, number=current.number):
            mine = [a for a in given if a.submission_id == entry.id]
            taken = {a.jury_member_id for a in mine}
            rows.append(
                {
                    "submission": entry,
                    "assigned": [(a, by_member[a.jury_member_id]) for a in mine],
                    "free": [
                        j
                        for j in jurors
                        if j.member.id not in taken and (j.member.id, entry.id) not in conflicted
                    ],
                }
            )
    return {
        "jurors": jurors,
        "by_member": {juror.member.id: juror for juror in jurors},
        "rounds": rounds,
        "current": current,
        "rows": rows,
        "conflicts": conflicts,
        "entries": {entry.id: entry for entry in entries},
    }


async def jury(request: Request) -> Response:
    return await _show(request, "jury.html", _load_jury)


async def _jury_post(request: Request, change: Change) -> Response:
    return await _post(request, "jury.html", _load_jury, change, back="award_jury")


async def add_juror(request: Request) -> Response:
    summit = current_summit(request)

    def change(db: Session, award: Award, form: FormData, by: int | None) -> None:
        assignment.add_member(
            db,
            summit=summit,
            award=award,
            email=_text(form, "email"),
            is_chair=_text(form, "is_chair") == "on",
            by=by,
        )

    return await _jury_post(request, change)


async def remove_juror(request: Request) -> Response:
    member_id: int = request.path_params["member_id"]

    def change(db: Session, award: Award, form: FormData, by: int | None) -> None:
        member = assignment.member_of(db, award=award, member_id=member_id)
        assignment.remove_member(db, award=award, member=member)

    return await _jury_post(request, change)


async def make_chair(request: Request) -> Response:
    member_id: int = request.path_params["member_id"]

    def change(db: Session, award: Award, form: FormData, by: int | None) -> None:
        member = assignment.member_of(db, award=award, member_id=member_id)
        assignment.set_chair(db, award=award, member=member)

    return await _jury_post(request, change)


async def assign(request: Request) -> Response:
    def change(db: Session, award: Award, form: FormData, by: int | None) -> None:
        round_ = calls.round_by_number(db, award=award, number=_required_int(form, "round"))
        member = assignment.member_of(db, award=award, member_id=_required_int(form, "member_id"))
        submission = assignment.submission_of(
            db, award=award, submission_id=_required_int(form, "submission_id")
        )
        assignment.assign_by_hand(
            db, award=award, round_=round_, member=member, submission=submission
        )

    return await _jury_post(request, change)


async def unassign(request: Request) -> Response:
    assignment_id: int = request.path_params["assignment_id"]

    def change(db: Session, award: Award, form: FormData, by: int | None) -> None:
        assignment.unassign(db, award=award, assignment_id=assignment_id)

    return await _jury_post(request, change)


async def auto_assign(request: Request) -> Response:
    def change(db: Session, award: Award, form: FormData, by: int | None) -> dict[str, Any]:
        round_ = calls.round_by_number(db, award=award, number=_required_int(form, "round"))
        done = assignment.auto_assign(
            db, award=award, round_=round_, per_submission=_required_int(form, "per_submission")
        )
        return {"report": {"added": len(done.added), "shortfalls": done.shortfalls}}

    return await _jury_post(request, change)


async def declare_conflict(request: Request) -> Response:
    def change(db: Session, award: Award, form: FormData, by: int | None) -> None:
        member = assignment.member_of(db, award=award, member_id=_required_int(form, "member_id"))
        submission = assignment.submission_of(
            db, award=award, submission_id=_required_int(form, "submission_id")
        )
        assignment.declare_conflict(
            db,
            award=award,
            member=member,
            submission=submission,
            reason=_text(form, "reason"),
            by=by or 0,
        )

    return await _jury_post(request, change)


async def withdraw_conflict(request: Request) -> Response:
    conflict_id: int = request.path_params["conflict_id"]

    def change(db: Session, award: Award, form: FormData, by: int | None) -> None:
        conflict = assignment.conflict_of(db, award=award, conflict_id=conflict_id)
        assignment.withdraw_conflict(db, award=award, conflict=conflict, by=by or 0)

    return await _jury_post(request, change)


async def refresh_conflicts(request: Request) -> Response:
    def change(db: Session, award: Award, form: FormData, by: int | None) -> dict[str, Any]:
        found = assignment.refresh_conflicts(db, award=award, by=by)
        return {"report": {"conflicts_found": len(found)}}

    return await _jury_post(request, change)


# --- Progress --------------------------------------------------------------------------------


def load_progress(db: Session, summit: Summit, award: Award, request: Request) -> dict[str, Any]:
    return progress.progress_context(db, award=award, round_number=_round_number(request))


async def progress_page(request: Request) -> Response:
    return await _show(request, "progress.html", load_progress, block="progress")


def _routes() -> list[Any]:
    base = "/{slug:str}/manage/awards"
    one = base + "/{award_slug:str}"
    organiser = Access.ORGANISER
    post = ["POST"]
    return [
        page(base, award_list, access=organiser, name="manage_awards"),
        page(f"{base}/new", new_award, access=organiser, name="new_award"),
        page(f"{base}/new", create_award, access=organiser, methods=post, name="create_award"),
        page(one, award_form, access=organiser, name="manage_award"),
        page(one, update_award, access=organiser, methods=post, name="update_award"),
        page(f"{one}/rubric", rubric, access=organiser, name="award_rubric"),
        page(
            f"{one}/rubric", save_criterion, access=organiser, methods=post, name="save_criterion"
        ),
        page(
            f"{one}/rubric/{{criterion_id:int}}/delete",
            delete_criterion,
            access=organiser,
            methods=post,
            name="delete_criterion",
        ),
        page(f"{one}/rounds", rounds, access=organiser, name="award_rounds"),
        page(f"{one}/rounds", save_round, access=organiser, methods=post, name="save_round"),
        page(
            f"{one}/rounds/{{number:int}}/delete",
            delete_round,
            access=organiser,
            methods=post,
            name="delete_round",
        ),
        page(
            f"{one}/rounds/{{number:int}}/advance",
            advance,
            access=organiser,
            methods=post,
            name="advance_shortlist",
        ),
        page(f"{one}/submissions", submission_list, access=organiser, name="award_submissions"),
        page(
            f"{one}/submissions/import",
            import_submissions,
            access=organiser,
            methods=post,
            name="import_submissions",
        ),
        page(
            f"{one}/submissions/{{submission_id:int}}",
            submission_detail,
            access=organiser,
            name="award_submission",
        ),
        page(f"{one}/jury", jury, access=organiser, name="award_jury"),
        page(f"{one}/jury", add_juror, access=organiser, methods=post, name="add_juror"),
        page(
            f"{one}/jury/{{member_id:int}}/remove",
            remove_juror,
            access=organiser,
            methods=post,
            name="remove_juror",
        ),
        page(
            f"{one}/jury/{{member_id:int}}/chair",
            make_chair,
            access=organiser,
            methods=post,
            name="make_chair",
        ),
        page(f"{one}/assignments", assign, access=organiser, methods=post, name="assign_juror"),
        page(
            f"{one}/assignments/auto",
            auto_assign,
            access=organiser,
            methods=post,
            name="auto_assign",
        ),
        page(
            f"{one}/assignments/{{assignment_id:int}}/remove",
            unassign,
            access=organiser,
            methods=post,
            name="unassign_juror",
        ),
        page(
            f"{one}/conflicts",
            declare_conflict,
            access=organiser,
            methods=post,
            name="declare_conflict",
        ),
        page(
            f"{one}/conflicts/refresh",
            refresh_conflicts,
            access=organiser,
            methods=post,
            name="refresh_conflicts",
        ),
        page(
            f"{one}/conflicts/{{conflict_id:int}}/withdraw",
            withdraw_conflict,
            access=organiser,
            methods=post,
            name="withdraw_conflict",
        ),
        page(f"{one}/progress", progress_page, access=organiser, name="award_progress"),
    ]


routes = _routes()
