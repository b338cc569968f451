"""The session form: create or edit a programme session in the draft (its own address, and
the keyboard path for every drag in the schedule editor), with its room's players."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.agenda import editor, queries
from summit.agenda.editor_routes import MINUTES_A_DAY
from summit.agenda.forms import SessionInput
from summit.agenda.models import ProgrammeSession, SessionKind, SessionRoleKind, SessionStatus
from summit.agenda.players import CHANNELS, unplayable
from summit.agenda.services import UNPLAYABLE, PlayableChoices, upsert_session
from summit.auth.permissions import Access
from summit.errors import DomainError
from summit.i18n.viewer import translate_error
from summit.parsing import calendar_day, clock_time, optional_row_id, row_id, whole_number
from summit.web.access import page
from summit.web.context import current_summit, database
from summit.web.forms import FieldReader, FieldsRefused, read_form, text_fields, validated
from summit.web.htmx import is_htmx
from summit.web.rendering import render

SESSION_FIELDS = (
    "code",
    "kind",
    "title_en",
    "title_fr",
    "title_ar",
    "abstract_en",
    "abstract_fr",
    "abstract_ar",
    "track_id",
    "stream_id",
    "day",
    "start_time",
    "duration",
    "languages",
    "is_published",
    "status",
    *(f"channel_{name}" for name in CHANNELS),
    "recording_url",
    "captions_url",
)


def _session_values(session: ProgrammeSession | None, zone: ZoneInfo) -> dict[str, str]:
    if session is None:
        return {"kind": "panel", "duration": "60", "is_published": "on", "status": "scheduled"}
    values = {
        "code": session.code,
        "kind": session.kind,
        "track_id": str(session.track_id or ""),
        "stream_id": str(session.stream_id or ""),
        "languages": ", ".join(session.languages),
        "is_published": "on" if session.is_published else "",
        "status": "cancelled" if session.status == SessionStatus.CANCELLED else "scheduled",
        "recording_url": session.recording_url or "",
        "captions_url": session.captions_url or "",
    }
    for name, url in session.channels.items():
        values[f"channel_{name}"] = url
    for language in ("en", "fr", "ar"):
        values[f"title_{language}"] = session.title.get(language, "")
        values[f"abstract_{language}"] = session.abstract.get(language, "")
    if session.starts_at and session.ends_at:
        local = session.starts_at.astimezone(zone)
        values["day"] = local.date().isoformat()
        values["start_time"] = local.strftime("%H:%M")
        values["duration"] = str(int((session.ends_at - session.starts_at).total_seconds() // 60))
    return values


async def _form_context(request: Request, session_id: int | None) -> dict[str, Any]:
    summit = current_summit(request)

    def load(db: Session) -> dict[str, Any]:
        state = editor.editor_state(db, summit=summit)
        session = db.get(ProgrammeSession, session_id) if session_id is not None else None
        if session_id is not None and (session is None or session.summit_id != summit.id):
            raise HTTPException(status_code=404)
        card = next(
            (c for c in state.cards + state.unscheduled if c.session.id == session_id), None
        )
        return {"state": state, "session": session, "card": card}

    loaded = await database(request).run_read(load)
    return {
        "summit": summit,
        **loaded,
        "kinds": [kind.value for kind in SessionKind],
        "roles": [role.value for role in SessionRoleKind],
        "channels": CHANNELS,
        "days": queries.summit_days(summit),
    }


async def session_form(request: Request) -> Response:
    session_id = request.path_params.get("session_id")
    context = await _form_context(request, session_id)
    zone = ZoneInfo(context["summit"].timezone)
    people = [
        {"person_id": str(person.id), "role": role}
        for role, person in (context["card"].people if context["card"] else [])
    ]
    return render(
        request,
        "manage/session_form.html",
        {
            **context,
            "values": _session_values(context["session"], zone),
            "chosen": people,
            "errors": {},
        },
        block="form",
    )


def _code_taken(db: Session, *, summit_id: int | None, code: str) -> bool:
    found = db.exec(
        select(ProgrammeSession.id).where(
            ProgrammeSession.summit_id == summit_id, col(ProgrammeSession.code) == code
        )
    ).first()
    return found is not None


async def session_save(request: Request) -> Response:
    session_id = request.path_params.get("session_id")
    context = await _form_context(request, session_id)
    summit = context["summit"]
    zone = ZoneInfo(summit.timezone)
    raw = await read_form(request)
    form = text_fields(raw, *SESSION_FIELDS)
    person_ids = [value for value in raw.getlist("person_id") if isinstance(value, str)]
    roles = [value for value in raw.getlist("role") if isinstance(value, str)]
    chosen = [
        {"person_id": person, "role": role}
        for person, role in zip(person_ids, roles, strict=False)
        if person
    ]
    existing: ProgrammeSession | None = context["session"]
    fields = FieldReader()
    starts_at = ends_at = None
    if form["day"] or form["start_time"]:
        day = fields.read(calendar_day, form["day"], field="day")
        clock = fields.read(clock_time, form["start_time"], field="start_time")
        minutes = fields.read(
            whole_number, form["duration"], field="duration", low=0, high=MINUTES_A_DAY
        )
        if day is not None and clock is not None and minutes is not None:
            # Elapsed time, in UTC: a clock change that day moves the end, not the length.
            starts_at = datetime.combine(day, clock, zone).astimezone(UTC)
            ends_at = starts_at + timedelta(minutes=minutes)
    values = {
        "code": existing.code if existing else form["code"].upper(),
        "kind": form["kind"],
        "title": {key: form[f"title_{key}"] for key in ("en", "fr", "ar")},
        "abstract": {key: form[f"abstract_{key}"] for key in ("en", "fr", "ar")},
        "starts_at": starts_at,
        "ends_at": ends_at,
        "stream_id": fields.read(optional_row_id, form["stream_id"], field="stream_id"),
        "track_id": fields.read(optional_row_id, form["track_id"], field="track_id"),
        "languages": [code.strip() for code in form["languages"].split(",") if code.strip()],
        "status": SessionStatus.CANCELLED
        if form["status"] == "cancelled"
        else (
            existing.status
            if existing and existing.status != SessionStatus.CANCELLED
            else SessionStatus.SCHEDULED
        ),
        "delay_minutes": existing.delay_minutes
        if existing and existing.status == SessionStatus.LATE
        else 0,
        "is_published": form["is_published"] == "on",
        "people": [
            {
                "person_id": fields.read(row_id, entry["person_id"], field="people"),
                "role": entry["role"],
            }
            for entry in chosen
        ],
    }
    channels = {name: form[f"channel_{name}"] for name in CHANNELS if form[f"channel_{name}"]}
    recording_url = form["recording_url"] or None
    values["channels"] = channels
    values["recording_url"] = recording_url
    values["captions_url"] = form["captions_url"] or None
    players = request.app.state.settings.player_policy
    # Every address no allowed provider plays is shown at once, beside its field (the service
    # refuses the first one only).
    unplayed = dict.fromkeys(
        unplayable(players, channels=channels, recording_url=recording_url),
        translate_error(UNPLAYABLE, {"choices": PlayableChoices(players)}),
    )
    errors: dict[str, str] = dict(unplayed)
    try:
        data = validated(SessionInput, values, fields)
    except FieldsRefused as refused:
        # An address that is not even a web address is unplayable too, and said so above,
        # beside its own channel's field.
        errors = {
            name: text for name, text in refused.errors.items() if name != "channels"
        } | unplayed
    new_code = "" if existing else form["code"].upper()
    if new_code and "code" not in errors:
        # Saving would silently rewrite the session that has this code: say so, with the rest.
        taken = await database(request).run_read(
            lambda db: _code_taken(db, summit_id=summit.id, code=new_code)
        )
        if taken:
            refusal = DomainError(
                "Another session already has the code %(code)s: choose another.",
                field="code",
                code=new_code,
            )
            errors = {"code": translate_error(refusal.template, refusal.params), **errors}
    if not errors:
        try:
            saved = await database(request).run_write(
                lambda db: upsert_session(db, summit=summit, data=data, players=players)
            )
        except DomainError as failure:
            errors = {failure.field or "": translate_error(failure.template, failure.params)}
    if errors:
        return render(
            request,
            "manage/session_form.html",
            {**context, "values": form, "chosen": chosen, "errors": errors},
            block="form",
            status_code=422,
        )
    local_day = saved.starts_at.astimezone(zone).date().isoformat() if saved.starts_at else ""
    target = f"{request.url_for('schedule', slug=summit.slug)}?day={local_day}"
    if is_htmx(request):
        return Response(status_code=204, headers={"hx-redirect": target})
    return RedirectResponse(target, status_code=303)


ORGANISER = Access.ORGANISER
routes = [
    page("/{slug:str}/manage/sessions/new", session_form, access=ORGANISER, name="session_new"),
    page(
        "/{slug:str}/manage/sessions/new",
        session_save,
        access=ORGANISER,
        methods=["POST"],
        name="session_create",
    ),
    page(
        "/{slug:str}/manage/sessions/{session_id:int}",
        session_form,
        access=ORGANISER,
        name="session_edit",
    ),
    page(
        "/{slug:str}/manage/sessions/{session_id:int}",
        session_save,
        access=ORGANISER,
        methods=["POST"],
        name="session_update",
    ),
]
