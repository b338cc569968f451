"""The organisers' schedule editor: the day grid, its drags (move, resize, take off the grid),
accepted conflicts, and a published session's live status. The session form, the keyboard
path for every drag, is in ``session_form_routes``."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.agenda import editor, lifecycle, queries
from summit.agenda.grid import DayGrid, day_grid
from summit.agenda.models import SessionStatus
from summit.auth.permissions import Access, Principal
from summit.errors import DomainError
from summit.eventlog import record
from summit.i18n.viewer import translate_error
from summit.parsing import (
    calendar_day,
    clock_time,
    optional_whole_number,
    or_none,
    row_id,
    whole_number,
)
from summit.web.access import page
from summit.web.context import current_summit, database, now
from summit.web.forms import read_form, text_fields
from summit.web.htmx import is_htmx
from summit.web.rendering import render

SLOT_MINUTES = 15


def _day(request: Request, summit: Any, raw: str | None = None) -> date:
    days = queries.summit_days(summit)
    wanted = or_none(
        calendar_day, raw if raw is not None else request.query_params.get("day"), field="day"
    )
    return wanted if wanted in days else days[0]


NUDGE = timedelta(minutes=SLOT_MINUTES)
Nudge = tuple[str | None, str | None]


def _clock(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def _nudges(cards: list[editor.DraftCard], zone: ZoneInfo, day: date) -> dict[int, Nudge]:
    """Each scheduled session's start a quarter of an hour earlier and later, as the move form
    takes it (a time on the shown day): the keyboard's way to move a card. None where the
    move would leave the day."""
    found: dict[int, Nudge] = {}
    for card in cards:
        if card.session.starts_at is None or card.session.id is None:
            continue
        start = card.session.starts_at.astimezone(zone)
        earlier, later = start - NUDGE, start + NUDGE
        found[card.session.id] = (
            _clock(earlier, zone) if earlier.date() == day else None,
            _clock(later, zone) if later.date() == day else None,
        )
    return found


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
        "nudges": _nudges(state.cards, zone, day),
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
