"""The organisers' schedule editor and the session form (the keyboard path for every drag)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.agenda import editor, lifecycle, queries
from summit.agenda.forms import SessionInput
from summit.agenda.grid import DayGrid, day_grid
from summit.agenda.models import ProgrammeSession, SessionKind, SessionRoleKind, SessionStatus
from summit.agenda.services import upsert_session
from summit.auth.permissions import Access, Principal
from summit.errors import DomainError
from summit.eventlog import record
from summit.i18n.viewer import translate_error
from summit.parsing import (
    calendar_day,
    clock_time,
    optional_row_id,
    optional_whole_number,
    or_none,
    row_id,
    whole_number,
)
from summit.web.access import page
from summit.web.context import current_summit, database, now
from summit.web.forms import FieldReader, FieldsRefused, read_form, text_fields, validated
from summit.web.htmx import is_htmx
from summit.web.rendering import render

SLOT_MINUTES = 15


def _day(request: Request, summit: Any, raw: str | None = None) -> date:
    days = queries.summit_days(summit)
    wanted = or_none(
        calendar_day, raw if raw is not None else request.query_params.get("day"), field="day"
    )
    return wanted if wanted in days else days[0]


def _editor_context(state: editor.EditorState, day: date) -> dict[str, Any]:
    zone = ZoneInfo(state.summit.timezone)
    grid: DayGrid = day_grid(
        state.cards, streams=state.streams, day=day, zone=zone, default_hours=(8, 20)
    )
    # Drop targets every quarter of an hour; the form takes any five-minute step.
    slots = [
        (
            grid.row_of(hour.moment + timedelta(minutes=offset)),
            hour.moment + timedelta(minutes=offset),
        )
        for hour in grid.hours
        for offset in range(0, 60, SLOT_MINUTES)
    ]
    return {
        "state": state,
        "grid": grid,
        "day": day,
        "days": queries.summit_days(state.summit),
        "slots": slots,
        "slot_span": SLOT_MINUTES // 5,
        "error": None,
    }


async def schedule(request: Request) -> Response:
    summit = current_summit(request)
    day = _day(request, summit)
    state = await database(request).run_read(lambda db: editor.editor_state(db, summit=summit))
    return render(
        request,
        "manage/schedule.html",
        {"summit": summit, **_editor_context(state, day)},
        block="editor",
    )


async def _apply(request: Request, change: Any, *, day: date) -> Response:
    """Run a draft change, then answer with the refreshed editor (htmx) or go back to it."""
    summit = current_summit(request)
    error: str | None = None

    def run(db: Session) -> None:
        change(db)

    try:
        await database(request).run_write(run)
    except DomainError as failure:
        error = translate_error(failure.template, failure.params)
    if not is_htmx(request) and error is None:
        return RedirectResponse(
            f"{request.url_for('schedule', slug=summit.slug)}?day={day.isoformat()}",
            status_code=303,
        )
    # htmx swaps the editor in place; without it, the whole page comes back with the error.
    state = await database(request).run_read(lambda db: editor.editor_state(db, summit=summit))
    context = {"summit": summit, **_editor_context(state, day), "error": error}
    return render(
        request, "manage/schedule.html", context, block="editor", status_code=422 if error else 200
    )


MINUTES_A_DAY = 24 * 60


async def move(request: Request) -> Response:
    summit = current_summit(request)
    session_id = request.path_params["session_id"]
    form = text_fields(await read_form(request), "stream_id", "start_time", "day", "duration")
    day = _day(request, summit, form["day"])
    zone = ZoneInfo(summit.timezone)

    def change(db: Session) -> None:
        editor.move_session(
            db,
            summit=summit,
            session_id=session_id,
            stream_id=row_id(form["stream_id"], field="stream_id"),
            starts_at=datetime.combine(
                day, clock_time(form["start_time"], field="start_time"), zone
            ),
            duration_minutes=optional_whole_number(
                form["duration"], field="duration", low=1, high=MINUTES_A_DAY
            ),
        )

    return await _apply(request, change, day=day)


async def resize(request: Request) -> Response:
    summit = current_summit(request)
    session_id = request.path_params["session_id"]
    form = text_fields(await read_form(request), "delta", "day")

    def change(db: Session) -> None:
        delta = whole_number(form["delta"], field="delta", low=-MINUTES_A_DAY, high=MINUTES_A_DAY)
        editor.resize_session(db, summit=summit, session_id=session_id, delta_minutes=delta)

    return await _apply(request, change, day=_day(request, summit, form["day"]))


async def unschedule(request: Request) -> Response:
    summit = current_summit(request)
    session_id = request.path_params["session_id"]
    form = text_fields(await read_form(request), "day")

    def change(db: Session) -> None:
        editor.unschedule_session(db, summit=summit, session_id=session_id)

    return await _apply(request, change, day=_day(request, summit, form["day"]))


async def accept(request: Request) -> Response:
    summit = current_summit(request)
    principal: Principal = request.state.principal
    form = text_fields(await read_form(request), "key", "day")

    def change(db: Session) -> None:
        editor.accept_conflict(db, summit=summit, key=form["key"], by_id=principal.account_id)

    return await _apply(request, change, day=_day(request, summit, form["day"]))


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
    }
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
    errors: dict[str, str] = {}
    try:
        data = validated(SessionInput, values, fields)
    except FieldsRefused as refused:
        errors = refused.errors
    if not errors:
        try:
            saved = await database(request).run_write(
                lambda db: upsert_session(db, summit=summit, data=data)
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


async def live_status(request: Request) -> Response:
    """Start, delay, end or cancel a published session: every open page shows it at once."""
    summit = current_summit(request)
    session_id = request.path_params["session_id"]
    form = text_fields(await read_form(request), "status", "delay_minutes")
    statuses = {status.value for status in SessionStatus}
    moment = now(request)

    def run(db: Session) -> None:
        if form["status"] not in statuses:
            raise DomainError("Choose a status.", field="status")
        fresh = db.get(type(summit), summit.id)
        assert fresh is not None  # noqa: S101 - the guard found it
        delay = optional_whole_number(
            form["delay_minutes"], field="delay_minutes", low=0, high=MINUTES_A_DAY
        )
        record(
            db,
            lifecycle.set_status(
                db,
                summit=fresh,
                session_id=session_id,
                status=SessionStatus(form["status"]),
                delay_minutes=delay or 0,
            ),
            at=moment,
        )

    try:
        await database(request).run_write(run)
    except DomainError as failure:
        raise HTTPException(
            status_code=422, detail=translate_error(failure.template, failure.params)
        ) from failure
    await request.app.state.broker.announce()
    target = request.url_for("session", slug=summit.slug, session_id=session_id)
    if is_htmx(request):
        return Response(status_code=204)
    return RedirectResponse(target, status_code=303)


ORGANISER = Access.ORGANISER
routes = [
    page("/{slug:str}/manage/schedule", schedule, access=ORGANISER, name="schedule"),
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
    page(
        "/{slug:str}/manage/sessions/{session_id:int}/move",
        move,
        access=ORGANISER,
        methods=["POST"],
        name="session_move",
    ),
    page(
        "/{slug:str}/manage/sessions/{session_id:int}/resize",
        resize,
        access=ORGANISER,
        methods=["POST"],
        name="session_resize",
    ),
    page(
        "/{slug:str}/manage/sessions/{session_id:int}/unschedule",
        unschedule,
        access=ORGANISER,
        methods=["POST"],
        name="session_unschedule",
    ),
    page(
        "/{slug:str}/manage/conflicts/accept",
        accept,
        access=ORGANISER,
        methods=["POST"],
        name="conflict_accept",
    ),
    page(
        "/{slug:str}/manage/sessions/{session_id:int}/status",
        live_status,
        access=ORGANISER,
        methods=["POST"],
        name="session_status",
    ),
]
