"""Members' pages: submitting a practice, their own practices with the coordinators' notes,
and editing one that waits or was sent back for changes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.agenda.models import Summit
from summit.auth.permissions import Access, Principal
from summit.awards import attachments
from summit.awards.submit_routes import country_options
from summit.bodies.models import Body
from summit.errors import DomainError
from summit.i18n.viewer import N_plural, translate_error
from summit.i18n.viewer import gettext as _
from summit.parsing import row_id
from summit.practices import queries
from summit.practices.forms import MAX_LINKS, PracticeInput
from summit.practices.models import Practice, PracticeStatus
from summit.practices.routes import body_or_404, roles, themes_of
from summit.practices.services import add_file, edit_practice, may_edit, submit_practice
from summit.web.access import page
from summit.web.context import current_summit, database, now, viewer
from summit.web.crud import LANGUAGE_FIELDS
from summit.web.forms import FieldReader, FieldsRefused, read_form, text_fields, validated
from summit.web.htmx import is_htmx
from summit.web.rendering import render

UPLOAD_PATHS = re.compile(r"^/[^/]+/bodies/[^/]+/practices/(new|\d+/edit)$")
"""The routes that take files, and so a larger request body (see ``web.body``)."""

TOO_MANY_LINKS = N_plural("Give at most %(num)d link.", "Give at most %(num)d links.")
TEXT_FIELDS = (
    "country_code",
    "links",
    *(f"title_{code}" for code in LANGUAGE_FIELDS),
    *(f"summary_{code}" for code in LANGUAGE_FIELDS),
)


def _folder(request: Request) -> Path:
    folder: Path = request.app.state.settings.upload_dir
    return folder / "practices"


def _member_body(db: Session, summit: Summit, slug: str, principal: Principal) -> Body:
    body = body_or_404(db, summit, slug)
    if not roles(db, summit, body, principal)["is_member"]:
        raise HTTPException(status_code=403)
    return body


def _context(db: Session, request: Request, summit: Summit, body: Body) -> dict[str, Any]:
    return {
        "summit": summit,
        "body": body,
        "themes": themes_of(db, summit),
        "countries": country_options(viewer(request).language),
        "max_files": attachments.MAX_FILES,
        "max_megabytes": attachments.MAX_FILE_BYTES // (1024 * 1024),
        "max_links": MAX_LINKS,
        "files": [],
    }


def _values(practice: Practice | None, themes: list[int]) -> dict[str, Any]:
    if practice is None:
        return {"track_ids": []}
    values: dict[str, Any] = {
        "country_code": practice.country_code or "",
        "links": "\n".join(practice.links),
        "track_ids": [str(track_id) for track_id in themes],
    }
    for code in LANGUAGE_FIELDS:
        values[f"title_{code}"] = practice.title.get(code, "")
        values[f"summary_{code}"] = practice.summary.get(code, "")
    return values


def read_practice(form: FormData) -> tuple[PracticeInput | None, dict[str, Any], dict[str, str]]:
    """The practice a form describes (None when refused), the form's values to show again,
    and every refusal by field."""
    values: dict[str, Any] = text_fields(form, *TEXT_FIELDS)
    chosen = [value for value in form.getlist("track_ids") if isinstance(value, str)]
    values["track_ids"] = chosen
    fields = FieldReader()
    titles = {code: values[f"title_{code}"] for code in LANGUAGE_FIELDS}
    summaries = {code: values[f"summary_{code}"] for code in LANGUAGE_FIELDS}
    if not any(text.strip() for text in titles.values()):
        fields.refuse(DomainError("Give the title in at least one language.", field="title"))
    if any(titles[code].strip() and not summaries[code].strip() for code in LANGUAGE_FIELDS):
        fields.refuse(
            DomainError("Give the summary in each language of the title.", field="summary")
        )
    links = values["links"].split()
    if len(links) > MAX_LINKS:
        fields.refuse(DomainError(TOO_MANY_LINKS, field="links", num=MAX_LINKS))
    data = {
        "title": titles,
        "summary": summaries,
        "country_code": values["country_code"].strip() or None,
        "track_ids": [fields.read(row_id, value, field="track_ids") for value in chosen],
        "links": links[:MAX_LINKS],
    }
    try:
        return validated(PracticeInput, data, fields), values, {}
    except FieldsRefused as refused:
        if fields.errors:
            # The model's own check says the same as the fields' in English: keep the fields'.
            refused.errors.pop("", None)
        return None, values, refused.errors


async def _uploads(form: FormData) -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    try:
        for value in form.getlist("attachments"):
            if isinstance(value, UploadFile) and value.filename:
                data = await value.read(attachments.MAX_FILE_BYTES + 1)
                found.append((value.filename, data))
    finally:
        await form.close()
    return found


async def _blank_form(
    request: Request, *, errors: dict[str, str], status_code: int = 200
) -> Response:
    """The form for a new practice, to a member of the path's network."""
    summit = current_summit(request)
    principal: Principal = request.state.principal
    slug = request.path_params["body_slug"]

    def load(db: Session) -> dict[str, Any]:
        body = _member_body(db, summit, slug, principal)
        return _context(db, request, summit, body)

    context = await database(request).run_read(load)
    return render(
        request,
        "practices/form.html",
        {**context, "practice": None, "values": _values(None, []), "errors": errors},
        status_code=status_code,
    )


async def new_form(request: Request) -> Response:
    return await _blank_form(request, errors={})


async def edit_form(request: Request) -> Response:
    summit = current_summit(request)
    principal: Principal = request.state.principal
    slug = request.path_params["body_slug"]
    practice_id = request.path_params["practice_id"]

    def load(db: Session) -> dict[str, Any]:
        body = body_or_404(db, summit, slug)
        practice = queries.practice_of_body(db, body=body, practice_id=practice_id)
        if practice is None or not may_edit(principal, practice):
            raise HTTPException(status_code=404)
        view = queries.practice_view(db, practice=practice)
        themes = [track.id or 0 for track in view.card.themes]
        return _context(db, request, summit, body) | {
            "practice": practice,
            "files": view.files,
            "values": _values(practice, themes),
        }

    context = await database(request).run_read(load)
    return render(request, "practices/form.html", {**context, "errors": {}})


async def save(request: Request) -> Response:
    """Submit a new practice, or save its submitter's changes (``practice_id`` in the path)."""
    summit = current_summit(request)
    principal: Principal = request.state.principal
    slug = request.path_params["body_slug"]
    practice_id: int | None = request.path_params.get("practice_id")
    form = await read_form(request)
    uploads = await _uploads(form)
    folder = _folder(request)
    moment = now(request)
    data, values, refused = read_practice(form)

    def run(db: Session) -> tuple[int | None, dict[str, Any]]:
        body = _member_body(db, summit, slug, principal)
        practice = None
        if practice_id is not None:
            practice = queries.practice_of_body(db, body=body, practice_id=practice_id)
            if practice is None or not may_edit(principal, practice):
                raise HTTPException(status_code=404)
        errors = dict(refused)
        written: list[Path] = []
        if not errors and data is not None:
            try:
                if practice is None:
                    practice = submit_practice(
                        db, summit=summit, body=body, principal=principal, data=data, now=moment
                    )
                else:
                    edit_practice(
                        db,
                        summit=summit,
                        practice=practice,
                        principal=principal,
                        data=data,
                        now=moment,
                    )
                for name, content in uploads:
                    _row, path = add_file(
                        db, practice=practice, folder=folder, name=name, data=content
                    )
                    written.append(path)
                return practice.id, {}
            except ValidationError as invalid:
                errors = {"": str(invalid.errors()[0]["msg"])}
            except DomainError as error:
                errors = {error.field or "": translate_error(error.template, error.params)}
        for path in written:
            path.unlink(missing_ok=True)
        db.rollback()
        # The rollback expired what was read: read again what the form shows.
        body = body_or_404(db, summit, slug)
        context = _context(db, request, summit, body)
        practice = None
        if practice_id is not None:
            practice = queries.practice_of_body(db, body=body, practice_id=practice_id)
            assert practice is not None  # noqa: S101 - found above, in this transaction
            context |= {"files": queries.practice_view(db, practice=practice).files}
        return None, context | {"practice": practice, "errors": errors}

    saved, context = await database(request).run_write(run)
    if saved is None:
        return render(
            request, "practices/form.html", {**context, "values": values}, status_code=422
        )
    target = str(request.url_for("my_practices", slug=summit.slug, body_slug=slug))
    if is_htmx(request):
        return Response(status_code=204, headers={"hx-redirect": target})
    return RedirectResponse(target, status_code=303)


async def unreadable(request: Request) -> Response:
    """A post whose form could not be read at all (a file name of thousands of characters)."""
    message = _("The form could not be read: are the files' names very long?")
    return await _blank_form(request, errors={"attachments": message}, status_code=422)


async def mine(request: Request) -> Response:
    summit = current_summit(request)
    principal: Principal = request.state.principal
    slug = request.path_params["body_slug"]

    def load(db: Session) -> dict[str, Any]:
        body = body_or_404(db, summit, slug)
        cards = queries.of_statuses(
            db, body=body, statuses=list(PracticeStatus), account_id=principal.account_id
        )
        return {"body": body, "cards": cards, **roles(db, summit, body, principal)}

    context = await database(request).run_read(load)
    return render(request, "practices/mine.html", {"summit": summit, **context})


BASE = "/{slug:str}/bodies/{body_slug:str}/practices"
routes = [
    page(f"{BASE}/new", new_form, access=Access.MEMBER, name="new_practice"),
    page(
        f"{BASE}/new",
        save,
        access=Access.MEMBER,
        methods=["POST"],
        name="submit_practice",
        unreadable=unreadable,
    ),
    page(f"{BASE}/mine", mine, access=Access.MEMBER, name="my_practices"),
    page(f"{BASE}/{{practice_id:int}}/edit", edit_form, access=Access.MEMBER, name="edit_practice"),
    page(
        f"{BASE}/{{practice_id:int}}/edit",
        save,
        access=Access.MEMBER,
        methods=["POST"],
        name="update_practice",
        unreadable=unreadable,
    ),
]
