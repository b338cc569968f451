"""Organisers' pages for judging an award: its submissions (with CSV import), the jury, who
judges what (assignments and conflicts of interest), and the jury's progress.

The jurors' own pages are in ``juror_routes``.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from summit.awards import assignment, calls, progress, submissions
from summit.awards.attachments import attachments_of_submissions
from summit.awards.award_request import AwardRequest, form_text
from summit.awards.manage_pages import Change, award_page, post, round_number, show
from summit.awards.models import Award, EntityKind
from summit.errors import DomainError
from summit.parsing import row_id, whole_number
from summit.web.forms import FieldReader, read_form

MAX_CSV_BYTES = 2 * 1024 * 1024

# --- Submissions -----------------------------------------------------------------------------


def _load_submissions(db: Session, call: AwardRequest, award: Award) -> dict[str, Any]:
    rows = submissions.submissions_of(db, award=award)
    files = attachments_of_submissions(db, submission_ids=[row.id for row in rows if row.id])
    return {
        "rows": rows,
        "file_counts": {key: len(value) for key, value in files.items()},
        "columns": submissions.CSV_COLUMNS,
    }


async def submission_list(request: Request) -> Response:
    return await show(AwardRequest.of(request), "submissions.html", _load_submissions)


async def import_submissions(request: Request) -> Response:
    call = AwardRequest.of(request)
    form = await read_form(request)
    upload = form.get("file")
    text = form_text(form, "csv")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(MAX_CSV_BYTES + 1)
        try:
            text = data.decode("utf-8") if len(data) <= MAX_CSV_BYTES else ""
        except UnicodeDecodeError:
            text = ""
    await form.close()

    def change(db: Session, award: Award, form: FormData) -> dict[str, Any]:
        if not text.strip():
            raise DomainError("Give a CSV file in UTF-8 of at most 2 MB.", field="csv")
        saved = submissions.import_csv(db, award=award, text=text, by=call.account_id)
        return {"report": {"imported": len(saved)}}

    return await post(call, "submissions.html", _load_submissions, change, back="award_submissions")


def _load_submission(db: Session, call: AwardRequest, award: Award) -> dict[str, Any]:
    submission = assignment.submission_of(
        db, award=award, submission_id=call.request.path_params["submission_id"]
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
    return await show(AwardRequest.of(request), "submission.html", _load_submission)


# --- Jury ------------------------------------------------------------------------------------


def _load_jury(db: Session, call: AwardRequest, award: Award) -> dict[str, Any]:
    jurors = assignment.jury_of(db, award=award)
    rounds = calls.rounds_of(db, award=award)
    wanted = round_number(call.request.query_params.get("round"))
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
    return await show(AwardRequest.of(request), "jury.html", _load_jury)


async def _jury_post(call: AwardRequest, change: Change) -> Response:
    return await post(call, "jury.html", _load_jury, change, back="award_jury")


async def add_juror(request: Request) -> Response:
    call = AwardRequest.of(request)

    def change(db: Session, award: Award, form: FormData) -> None:
        assignment.add_member(
            db,
            summit=call.summit,
            award=award,
            email=form_text(form, "email"),
            is_chair=form_text(form, "is_chair") == "on",
            by=call.account_id,
        )

    return await _jury_post(call, change)


async def remove_juror(request: Request) -> Response:
    member_id: int = request.path_params["member_id"]

    def change(db: Session, award: Award, form: FormData) -> None:
        member = assignment.member_of(db, award=award, member_id=member_id)
        assignment.remove_member(db, award=award, member=member)

    return await _jury_post(AwardRequest.of(request), change)


async def make_chair(request: Request) -> Response:
    member_id: int = request.path_params["member_id"]

    def change(db: Session, award: Award, form: FormData) -> None:
        member = assignment.member_of(db, award=award, member_id=member_id)
        assignment.set_chair(db, award=award, member=member)

    return await _jury_post(AwardRequest.of(request), change)


def _chosen(form: FormData, *names: str) -> dict[str, int]:
    """The rows the form chose from its lists, every unreadable choice refused at once."""
    fields = FieldReader()
    chosen = {name: fields.read(row_id, form_text(form, name), field=name) for name in names}
    fields.check()
    return {name: value for name, value in chosen.items() if value is not None}


async def assign(request: Request) -> Response:
    def change(db: Session, award: Award, form: FormData) -> None:
        chosen = _chosen(form, "round", "member_id", "submission_id")
        round_ = calls.round_by_number(db, award=award, number=chosen["round"])
        member = assignment.member_of(db, award=award, member_id=chosen["member_id"])
        submission = assignment.submission_of(
            db, award=award, submission_id=chosen["submission_id"]
        )
        assignment.assign_by_hand(
            db, award=award, round_=round_, member=member, submission=submission
        )

    return await _jury_post(AwardRequest.of(request), change)


async def unassign(request: Request) -> Response:
    assignment_id: int = request.path_params["assignment_id"]

    def change(db: Session, award: Award, form: FormData) -> None:
        assignment.unassign(db, award=award, assignment_id=assignment_id)

    return await _jury_post(AwardRequest.of(request), change)


async def auto_assign(request: Request) -> Response:
    def change(db: Session, award: Award, form: FormData) -> dict[str, Any]:
        fields = FieldReader()
        number = fields.read(row_id, form_text(form, "round"), field="round")
        per_submission = fields.read(
            whole_number, form_text(form, "per_submission"), field="per_submission", low=1, high=20
        )
        fields.check()  # so both were read: "or 0" only tells the type checker
        round_ = calls.round_by_number(db, award=award, number=number or 0)
        done = assignment.auto_assign(
            db, award=award, round_=round_, per_submission=per_submission or 0
        )
        return {"report": {"added": len(done.added), "shortfalls": done.shortfalls}}

    return await _jury_post(AwardRequest.of(request), change)


async def declare_conflict(request: Request) -> Response:
    call = AwardRequest.of(request)

    def change(db: Session, award: Award, form: FormData) -> None:
        chosen = _chosen(form, "member_id", "submission_id")
        member = assignment.member_of(db, award=award, member_id=chosen["member_id"])
        submission = assignment.submission_of(
            db, award=award, submission_id=chosen["submission_id"]
        )
        assignment.declare_conflict(
            db,
            award=award,
            member=member,
            submission=submission,
            reason=form_text(form, "reason"),
            by=call.account_id or 0,
        )

    return await _jury_post(call, change)


async def withdraw_conflict(request: Request) -> Response:
    call = AwardRequest.of(request)
    conflict_id: int = request.path_params["conflict_id"]

    def change(db: Session, award: Award, form: FormData) -> None:
        conflict = assignment.conflict_of(db, award=award, conflict_id=conflict_id)
        assignment.withdraw_conflict(db, award=award, conflict=conflict, by=call.account_id or 0)

    return await _jury_post(call, change)


async def refresh_conflicts(request: Request) -> Response:
    call = AwardRequest.of(request)

    def change(db: Session, award: Award, form: FormData) -> dict[str, Any]:
        found = assignment.refresh_conflicts(db, award=award, by=call.account_id)
        return {"report": {"conflicts_found": len(found)}}

    return await _jury_post(call, change)


# --- Progress --------------------------------------------------------------------------------


def _load_progress(db: Session, call: AwardRequest, award: Award) -> dict[str, Any]:
    wanted = round_number(call.request.query_params.get("round"))
    return progress.progress_context(db, award=award, round_number=wanted or 1)


async def progress_page(request: Request) -> Response:
    return await show(AwardRequest.of(request), "progress.html", _load_progress, block="progress")


routes = [
    award_page("/submissions", submission_list, "award_submissions"),
    award_page("/submissions/import", import_submissions, "import_submissions", post=True),
    award_page("/submissions/{submission_id:int}", submission_detail, "award_submission"),
    award_page("/jury", jury, "award_jury"),
    award_page("/jury", add_juror, "add_juror", post=True),
    award_page("/jury/{member_id:int}/remove", remove_juror, "remove_juror", post=True),
    award_page("/jury/{member_id:int}/chair", make_chair, "make_chair", post=True),
    award_page("/assignments", assign, "assign_juror", post=True),
    award_page("/assignments/auto", auto_assign, "auto_assign", post=True),
    award_page("/assignments/{assignment_id:int}/remove", unassign, "unassign_juror", post=True),
    award_page("/conflicts", declare_conflict, "declare_conflict", post=True),
    award_page("/conflicts/refresh", refresh_conflicts, "refresh_conflicts", post=True),
    award_page(
        "/conflicts/{conflict_id:int}/withdraw", withdraw_conflict, "withdraw_conflict", post=True
    ),
    award_page("/progress", progress_page, "award_progress"),
]
