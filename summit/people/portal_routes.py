"""A speaker's own page, ``/<summit>/me``: their profile, availability, answers and slides;
and the public side of what they give (their photo, their slides on the session page).

The person edited is always the one the speaker's role is linked to: no form names it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.agenda.models import SpeakerAnswer, Summit
from summit.auth.permissions import Access, Principal, speaker_person
from summit.awards.attachments import MAX_FILE_BYTES
from summit.errors import DomainError, NotFound
from summit.eventlog import record
from summit.i18n.viewer import gettext as _
from summit.i18n.viewer import translate_error
from summit.people import photos, portal
from summit.people.manage_routes import parse_windows
from summit.people.models import Person, PersonAvailability
from summit.people.services import set_availability
from summit.web.access import page
from summit.web.context import current_summit, database, now
from summit.web.downloads import stored_file
from summit.web.forms import read_form, text_fields
from summit.web.rendering import render

UPLOAD_PATHS = re.compile(r"^/[^/]+/me/(profile|sessions/\d+/slides)$")
"""The portal's routes that take files (see ``web.body``)."""
PROFILE_FIELDS = tuple(
    f"{name}_{code}"
    for name in ("title", "organisation", "bio")
    for code in portal.PORTAL_LANGUAGES
) + ("links",)


def _folder(request: Request) -> Path:
    folder: Path = request.app.state.settings.upload_dir
    return folder


def _person_id(request: Request, summit: Summit) -> int:
    principal: Principal = request.state.principal
    found = speaker_person(principal, summit.id or -1)
    if found is None:
        # The route's access already asks for one; a grant can lose its person in between.
        raise HTTPException(status_code=403)
    return found


def _own_person(db: Session, summit: Summit, person_id: int) -> Person:
    person = db.get(Person, person_id)
    if person is None or person.summit_id != summit.id:
        raise HTTPException(status_code=403)
    return person


def profile_values(person: Person) -> dict[str, str]:
    values = {
        f"{name}_{code}": getattr(person, name).get(code, "")
        for name in ("title", "organisation", "bio")
        for code in portal.PORTAL_LANGUAGES
    }
    values["links"] = "\n".join(person.links)
    return values


def _availability_text(db: Session, summit: Summit, person: Person) -> str:
    zone = ZoneInfo(summit.timezone)
    rows = db.exec(
        select(PersonAvailability)
        .where(PersonAvailability.person_id == person.id)
        .order_by(col(PersonAvailability.starts_at))
    )
    return "\n".join(
        f"{row.starts_at.astimezone(zone):%Y-%m-%d %H:%M}-{row.ends_at.astimezone(zone):%H:%M}"
        for row in rows
    )


def _context(db: Session, summit: Summit, person_id: int) -> dict[str, Any]:
    person = _own_person(db, summit, person_id)
    slides = portal.slides_of(db, person_id=person_id)
    return {
        "summit": summit,
        "person": person,
        "places": [
            (link, session, slides.get(session.id or -1))
            for link, session in portal.sessions_of(db, person_id=person_id)
        ],
        "values": profile_values(person),
        "availability": _availability_text(db, summit, person),
        "errors": {},
        "max_megabytes": MAX_FILE_BYTES // (1024 * 1024),
    }


async def portal_page(request: Request) -> Response:
    summit = current_summit(request)
    person_id = _person_id(request, summit)
    context = await database(request).run_read(lambda db: _context(db, summit, person_id))
    return render(
        request,
        "people/portal.html",
        {**context, "saved": request.query_params.get("saved") == "1"},
    )


def _back(request: Request, summit: Summit) -> Response:
    return RedirectResponse(
        f"{request.url_for('speaker_portal', slug=summit.slug).path}?saved=1", status_code=303
    )


async def _refused(
    request: Request, summit: Summit, person_id: int, errors: dict[str, str], **kept: Any
) -> Response:
    context = await database(request).run_read(lambda db: _context(db, summit, person_id))
    return render(
        request,
        "people/portal.html",
        {**context, **kept, "errors": errors, "saved": False},
        status_code=422,
    )


async def _upload(form: FormData, name: str) -> tuple[str, bytes] | None:
    value = form.get(name)
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    # One byte more than allowed is enough to refuse it.
    return value.filename, await value.read(MAX_FILE_BYTES + 1)


async def save_profile(request: Request) -> Response:
    summit = current_summit(request)
    person_id = _person_id(request, summit)
    form = await read_form(request)
    fields = text_fields(form, *PROFILE_FIELDS, "remove_photo")
    try:
        upload = await _upload(form, "photo")
    finally:
        await form.close()
    folder = _folder(request)

    def run(db: Session) -> tuple[dict[str, str], str | None]:
        person = _own_person(db, summit, person_id)
        written = None
        try:
            data = portal.read_profile(fields)
            if upload is not None:
                written = photos.store_photo(folder, photos.resized_photo(*upload))
            portal.update_profile(db, summit=summit, person=person, data=data)
            if written is not None or fields["remove_photo"] == "1":
                old = portal.set_photo(db, summit=summit, person=person, stored_name=written)
                return {}, old
            return {}, None
        except DomainError as refused:
            if written is not None:
                photos.photo_path(folder, written).unlink(missing_ok=True)
            db.rollback()
            return {refused.field or "": translate_error(refused.template, refused.params)}, None

    errors, replaced = await database(request).run_write(run)
    if errors:
        values = {name: fields[name] for name in PROFILE_FIELDS}
        return await _refused(request, summit, person_id, errors, values=values)
    if replaced is not None:
        photos.photo_path(folder, replaced).unlink(missing_ok=True)
    return _back(request, summit)


async def save_availability(request: Request) -> Response:
    summit = current_summit(request)
    person_id = _person_id(request, summit)
    text = text_fields(await read_form(request), "availability")["availability"]

    def run(db: Session) -> dict[str, str]:
        person = _own_person(db, summit, person_id)
        try:
            windows = parse_windows(text, ZoneInfo(summit.timezone))
            set_availability(db, person=person, windows=windows)
        except DomainError as refused:
            db.rollback()
            return {"availability": translate_error(refused.template, refused.params)}
        return {}

    errors = await database(request).run_write(run)
    if errors:
        return await _refused(request, summit, person_id, errors, availability=text)
    return _back(request, summit)


async def answer(request: Request) -> Response:
    summit = current_summit(request)
    person_id = _person_id(request, summit)
    session_id: int = request.path_params["session_id"]
    chosen = text_fields(await read_form(request), "answer")["answer"]
    if chosen not in {answer.value for answer in SpeakerAnswer}:
        return await _refused(
            request, summit, person_id, {"": _("Say whether you will take part.")}
        )
    moment = now(request)

    def run(db: Session) -> bool:
        try:
            events = portal.answer_session(
                db,
                summit=summit,
                person_id=person_id,
                session_id=session_id,
                answer=SpeakerAnswer(chosen),
                now=moment,
            )
        except NotFound as missing:
            raise HTTPException(status_code=404) from missing
        record(db, events, at=moment)
        return bool(events)

    if await database(request).run_write(run):
        # The organisers' open schedule editors show the answer at once.
        await request.app.state.broker.announce()
    return _back(request, summit)


async def upload_slides(request: Request) -> Response:
    summit = current_summit(request)
    person_id = _person_id(request, summit)
    session_id: int = request.path_params["session_id"]
    form = await read_form(request)
    try:
        upload = await _upload(form, "slides")
    finally:
        await form.close()
    folder = _folder(request)
    if upload is None:
        return await _refused(
            request, summit, person_id, {"slides": _("Choose the PDF file of your slides.")}
        )

    def run(db: Session) -> tuple[str, Path | None]:
        try:
            path, replaced = portal.add_slides(
                db,
                person_id=person_id,
                session_id=session_id,
                folder=folder,
                name=upload[0],
                data=upload[1],
            )
        except NotFound as missing:
            raise HTTPException(status_code=404) from missing
        except DomainError as refused:
            db.rollback()
            return translate_error(refused.template, refused.params), None
        return "", replaced

    error, replaced = await database(request).run_write(run)
    if error:
        return await _refused(request, summit, person_id, {"slides": error})
    if replaced is not None:
        replaced.unlink(missing_ok=True)
    return _back(request, summit)


async def session_slides(request: Request) -> Response:
    """The slides of a published session: a fragment the session page loads (it is cached, and
    slides come at any time), or a short page without JavaScript."""
    summit = current_summit(request)
    session_id: int = request.path_params["session_id"]
    rows = await database(request).run_read(
        lambda db: portal.published_slides(db, summit=summit, session_id=session_id)
    )
    return render(
        request,
        "people/slides.html",
        {"summit": summit, "session_id": session_id, "rows": rows},
        block="slides",
    )


async def download_slides(request: Request) -> Response:
    """Always a download, never shown inline: the browser gets no chance to run what it is."""
    summit = current_summit(request)
    slides_id: int = request.path_params["slides_id"]

    def load(db: Session) -> Any:
        try:
            return portal.downloadable_slides(db, summit=summit, slides_id=slides_id)
        except NotFound as missing:
            raise HTTPException(status_code=404) from missing

    found = await database(request).run_read(load)
    return stored_file(
        portal.slides_path(_folder(request), found),
        media_type="application/pdf",
        filename=found.original_name,
        cache_control="public, max-age=300",
    )


async def photo(request: Request) -> Response:
    """A person's photo: an image we encoded ourselves, so it may be shown inline."""
    summit = current_summit(request)
    slug = request.path_params["person_slug"]

    def load(db: Session) -> str | None:
        person = db.exec(
            select(Person).where(Person.summit_id == summit.id, Person.slug == slug)
        ).first()
        return person.photo_name if person is not None else None

    stored = await database(request).run_read(load)
    if not stored:
        raise HTTPException(status_code=404)
    return stored_file(
        photos.photo_path(_folder(request), stored),
        media_type="image/jpeg",
        cache_control="public, max-age=300",
    )


me = "/{slug:str}/me"
routes = [
    page(me, portal_page, access=Access.SPEAKER, name="speaker_portal"),
    page(
        f"{me}/profile", save_profile, access=Access.SPEAKER, methods=["POST"], name="save_profile"
    ),
    page(
        f"{me}/availability",
        save_availability,
        access=Access.SPEAKER,
        methods=["POST"],
        name="save_availability",
    ),
    page(
        f"{me}/sessions/{{session_id:int}}/answer",
        answer,
        access=Access.SPEAKER,
        methods=["POST"],
        name="answer_session",
    ),
    page(
        f"{me}/sessions/{{session_id:int}}/slides",
        upload_slides,
        access=Access.SPEAKER,
        methods=["POST"],
        name="upload_slides",
    ),
    page(
        "/{slug:str}/sessions/{session_id:int}/slides",
        session_slides,
        access=Access.PUBLIC,
        name="session_slides",
    ),
    page(
        "/{slug:str}/slides/{slides_id:int}",
        download_slides,
        access=Access.PUBLIC,
        name="download_slides",
    ),
    page(
        "/{slug:str}/speakers/{person_slug:str}/photo",
        photo,
        access=Access.PUBLIC,
        name="person_photo",
    ),
]
