"""Entrants' pages: the submission form while a call is open, their own submission, and the
download of attached files (for the submitter, organisers and the jurors assigned)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from babel import Locale
from pydantic import ValidationError
from sqlmodel import Session, select
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from summit.auth.permissions import Access, Principal
from summit.awards import attachments, calls, submissions
from summit.awards.award_request import AwardRequest
from summit.awards.models import Award, EntityKind, Submission
from summit.errors import DomainError, NotFound
from summit.i18n.formatting import pick
from summit.i18n.viewer import gettext as _
from summit.i18n.viewer import translate_error
from summit.people.models import Delegation
from summit.settings import LANGUAGES
from summit.validation import country_codes
from summit.web.access import page
from summit.web.context import database, viewer
from summit.web.downloads import stored_file
from summit.web.forms import field_errors, read_form, text_fields
from summit.web.rendering import render

UPLOAD_PATHS = re.compile(r"^/[^/]+/awards/[^/]+/submit$")
"""The routes that take files, and so a larger request body (see ``web.body``)."""

# Regions and groupings that CLDR lists beside countries; nobody enters from them.
NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "ZZ"})

ENTRY_FIELDS = (
    "entity_name",
    "entity_kind",
    "country_code",
    "delegation_id",
    "organisation",
    "contact_name",
    "contact_email",
    "language",
    "title",
    "summary",
)


def _upload_dir(request: Request) -> Path:
    folder: Path = request.app.state.settings.upload_dir
    return folder


def entity_kinds() -> list[tuple[str, str]]:
    names = {
        EntityKind.LOCAL_GOVERNMENT: _("Local government"),
        EntityKind.REGIONAL_GOVERNMENT: _("Regional government"),
        EntityKind.CIVIL_SOCIETY: _("Civil society organisation"),
        EntityKind.PARTNERSHIP: _("Partnership"),
    }
    return [(kind.value, names[kind]) for kind in EntityKind]


def country_options(language: str) -> list[tuple[str, str]]:
    """ISO 3166 codes with their names in the viewer's language, by name."""
    names = Locale.parse(language).territories
    return sorted(
        ((code, str(names.get(code, code))) for code in country_codes() - NOT_COUNTRIES),
        key=lambda item: item[1].casefold(),
    )


def _entry_values(submission: Submission | None) -> dict[str, str]:
    if submission is None:
        return {}
    values = {name: str(getattr(submission, name) or "") for name in ENTRY_FIELDS}
    return values


def _context(db: Session, call: AwardRequest, award: Award) -> dict[str, Any]:
    account_id = call.signed_in_account
    mine = submissions.submission_of_account(db, award=award, account_id=account_id)
    delegations = sorted(
        db.exec(select(Delegation).where(Delegation.summit_id == call.summit.id)).all(),
        key=lambda row: pick(row.name).casefold(),
    )
    return {
        "summit": call.summit,
        "award": award,
        "submission": mine,
        "files": submissions.attachments_of(db, submission=mine) if mine else [],
        "is_open": calls.is_open(award, call.now),
        "kinds": entity_kinds(),
        "countries": country_options(viewer(call.request).language),
        "delegations": [(str(row.id), pick(row.name)) for row in delegations],
        "languages": LANGUAGES,
        "max_files": attachments.MAX_FILES,
        "max_megabytes": attachments.MAX_FILE_BYTES // (1024 * 1024),
    }


async def submit_form(request: Request) -> Response:
    call = AwardRequest.of(request)

    def load(db: Session, award: Award) -> dict[str, Any]:
        context = _context(db, call, award)
        return {**context, "values": _entry_values(context["submission"]), "errors": {}}

    return render(request, "awards/submit/form.html", await call.read(load))


def _files(form: FormData) -> list[UploadFile]:
    return [
        value
        for value in form.getlist("attachments")
        if isinstance(value, UploadFile) and value.filename
    ]


async def submit(request: Request) -> Response:
    call = AwardRequest.of(request)
    account_id = call.signed_in_account
    form = await read_form(request)
    values = text_fields(form, *ENTRY_FIELDS)
    uploads: list[tuple[str, bytes]] = []
    try:
        for upload in _files(form):
            data = await upload.read(attachments.MAX_FILE_BYTES + 1)
            uploads.append((upload.filename or "attachment", data))
    finally:
        await form.close()
    folder = _upload_dir(request)

    def run(db: Session) -> dict[str, str]:
        award = call.award(db)
        written: list[Path] = []
        try:
            if len(uploads) > attachments.MAX_FILES:
                raise DomainError(
                    attachments.MAX_FILES_ERROR, field="attachments", num=attachments.MAX_FILES
                )
            for name, content in uploads:
                attachments.check_upload(name, content)
            entry = submissions.EntryInput.model_validate(
                {key: value for key, value in values.items() if value.strip()}
            )
            submission = submissions.submit_entry(
                db, award=award, account_id=account_id, data=entry, now=call.now
            )
            for name, content in uploads:
                _row, path = attachments.add_attachment(
                    db, submission=submission, folder=folder, name=name, data=content
                )
                written.append(path)
            return {}
        except ValidationError as invalid:
            errors = field_errors(invalid)
        except DomainError as refused:
            errors = {refused.field or "": translate_error(refused.template, refused.params)}
        for path in written:
            path.unlink(missing_ok=True)
        # Nothing of a refused form is kept.
        db.rollback()
        return errors

    errors = await database(request).run_write(run)
    if errors:
        context = await call.read(lambda db, award: _context(db, call, award))
        return render(
            request,
            "awards/submit/form.html",
            {**context, "values": values, "errors": errors},
            status_code=422,
        )
    return call.go_to("my_submission")


async def unreadable_submission(request: Request) -> Response:
    """A post whose form could not be read at all (a file name of thousands of characters, say):
    the form again, empty, with why."""
    call = AwardRequest.of(request)
    context = await call.read(lambda db, award: _context(db, call, award))
    message = _("The form could not be read: are the files' names very long?")
    return render(
        request,
        "awards/submit/form.html",
        {**context, "values": {}, "errors": {"attachments": message}},
        status_code=422,
    )


async def my_submission(request: Request) -> Response:
    call = AwardRequest.of(request)
    context = await call.read(lambda db, award: _context(db, call, award))
    return render(request, "awards/submit/mine.html", {**context, "errors": {}})


async def delete_attachment(request: Request) -> Response:
    call = AwardRequest.of(request)
    attachment_id: int = request.path_params["attachment_id"]

    def run(db: Session) -> tuple[Path | None, str]:
        award = call.award(db)
        mine = submissions.submission_of_account(db, award=award, account_id=call.signed_in_account)
        if mine is None:
            raise HTTPException(status_code=404)
        if not calls.is_open(award, call.now):
            return None, translate_error("This call is not open for submissions.")
        try:
            removed = attachments.remove_attachment(
                db, submission=mine, attachment_id=attachment_id
            )
        except NotFound as missing:
            raise HTTPException(status_code=404) from missing
        return attachments.stored_path(_upload_dir(request), removed), ""

    path, error = await database(request).run_write(run)
    if error:
        context = await call.read(lambda db, award: _context(db, call, award))
        return render(
            request, "awards/submit/mine.html", {**context, "errors": {"": error}}, status_code=422
        )
    if path is not None:
        path.unlink(missing_ok=True)
    return call.go_to("my_submission")


async def download(request: Request) -> Response:
    """Always a download, never shown inline: the browser gets no chance to run what it is."""
    call = AwardRequest.of(request)
    principal: Principal = request.state.principal
    attachment_id: int = request.path_params["attachment_id"]

    def load(db: Session, award: Award) -> Any:
        try:
            return attachments.readable_attachment(
                db, principal=principal, award=award, attachment_id=attachment_id
            )
        except NotFound as missing:
            raise HTTPException(status_code=404) from missing

    found = await call.read(load)
    return stored_file(
        attachments.stored_path(_upload_dir(request), found),
        media_type=found.content_type,
        filename=found.original_name,
        cache_control="private, no-store",
    )


base = "/{slug:str}/awards/{award_slug:str}"
routes = [
    page(f"{base}/submit", submit_form, access=Access.SIGNED_IN, name="submit_form"),
    page(
        f"{base}/submit",
        submit,
        access=Access.SIGNED_IN,
        methods=["POST"],
        name="submit_entry",
        unreadable=unreadable_submission,
    ),
    page(f"{base}/my", my_submission, access=Access.SIGNED_IN, name="my_submission"),
    page(
        f"{base}/my/attachments/{{attachment_id:int}}/delete",
        delete_attachment,
        access=Access.SIGNED_IN,
        methods=["POST"],
        name="delete_attachment",
    ),
    page(
        f"{base}/attachments/{{attachment_id:int}}",
        download,
        access=Access.SIGNED_IN,
        name="download_attachment",
    ),
]
