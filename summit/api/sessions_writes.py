"""Organisers' changes to sessions over the API, through the very services the browser's
schedule editor uses.

Creating, changing, moving, retiming and unscheduling change the draft; the public sees them at
the next publication (``summit.api.drafts``). A live status is public at once: its event is
written with the change and announced after the commit.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from sqlmodel import Session, select
from starlette.responses import Response

from summit.agenda import editor, lifecycle
from summit.agenda.forms import SessionInput, SessionPersonInput
from summit.agenda.models import ProgrammeSession, PublishedSession, SessionStatus
from summit.agenda.services import upsert_session
from summit.api.declare import PREFIX, ApiCall, documented, not_found
from summit.api.drafts import DRAFT_SESSION, PROGRAMME, links_of, saved
from summit.api.inputs import MoveInput, RetimeInput, SessionIn, SessionPatch, StatusInput
from summit.api.reads import SUMMIT, session_out
from summit.api.rules import sent
from summit.api.schemas import DraftSessionOut, SessionOut
from summit.api.writing import conflict, fresh_summit, merged, own_row, write_call
from summit.eventlog import record
from summit.i18n.viewer import gettext as _
from summit.persistence import pk
from summit.web.context import now


def _draft(db: Session, call: ApiCall) -> ProgrammeSession:
    return own_row(db, call, ProgrammeSession, "session_id")


async def create_session(call: ApiCall) -> Response:
    """Create a session in the draft

    409 when the code is taken, when a stream, theme or person it names is not in this
    summit, or when no video provider allowed here plays a channel's or the recording's
    address."""
    body = await call.body(SessionIn)
    summit = call.the_summit
    data = SessionInput(
        code=body.code,
        kind=body.kind,
        title=body.title,
        abstract=body.abstract,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        stream_id=body.stream_id,
        track_id=body.theme_id,
        languages=body.languages,
        is_published=body.is_published,
        people=[SessionPersonInput(person_id=p.person_id, role=p.role) for p in body.people],
        channels=body.channels,
        recording_url=body.recording_url,
        captions_url=body.captions_url,
    )
    players = call.request.app.state.settings.player_policy

    def run(db: Session) -> DraftSessionOut:
        code_taken = select(ProgrammeSession.id).where(
            ProgrammeSession.summit_id == summit.id, ProgrammeSession.code == data.code
        )
        if db.exec(code_taken).first() is not None:
            raise conflict("code", _("A session with this code exists."))
        return saved(db, upsert_session(db, summit=summit, data=data, players=players))

    def location(created: DraftSessionOut) -> str:
        return PREFIX + DRAFT_SESSION.replace("{slug:str}", summit.slug).replace(
            "{session_id:int}", str(created.id)
        )

    return await write_call(call, run, status=201, location=location)


# What the editor's form edits: everything but the live status, which has its own operation.
_EDITED = {
    *("code", "kind", "title", "abstract", "starts_at", "ends_at"),
    *("stream_id", "track_id", "languages", "is_published"),
    *("channels", "recording_url", "captions_url"),
}


def _merged(db: Session, session: ProgrammeSession, patch: SessionPatch) -> SessionInput:
    """The session's current values with the patch's on top, as the editor's form builds them."""
    changes = sent(patch)
    values: dict[str, Any] = {
        **{name: getattr(session, name) for name in _EDITED},
        "people": [
            {"person_id": link.person_id, "role": link.role}
            for link in links_of(db, [pk(session)]).get(pk(session), [])
        ],
    }
    for name, value in changes.items():
        if name == "theme_id":
            values["track_id"] = value
        elif name == "people":
            values["people"] = [entry.model_dump() for entry in value]
        elif name != "cancelled":
            values[name] = value
    cancelled = changes.get("cancelled", session.status == SessionStatus.CANCELLED)
    # As in the editor's form: cancelling waits for the publication; a live status stays.
    if cancelled:
        values["status"] = SessionStatus.CANCELLED
    elif session.status != SessionStatus.CANCELLED:
        values["status"] = session.status
    else:
        values["status"] = SessionStatus.SCHEDULED
    values["delay_minutes"] = session.delay_minutes if values["status"] == SessionStatus.LATE else 0
    return merged(SessionInput, values)


async def _change(
    call: ApiCall, change: Callable[[Session, ProgrammeSession], ProgrammeSession]
) -> Response:
    """Apply ``change`` to the path's draft session and answer with the session as saved."""
    return await write_call(call, lambda db: saved(db, change(db, _draft(db, call))))


async def update_session(call: ApiCall) -> Response:
    """Change a session's details in the draft

    409 when a stream, theme or person it names is not in this summit, when a time sent
    alone does not fit the other one, or when no video provider allowed here plays a
    channel's or the recording's address."""
    patch = await call.body(SessionPatch)
    summit = call.the_summit

    def change(db: Session, session: ProgrammeSession) -> ProgrammeSession:
        return upsert_session(
            db,
            summit=summit,
            data=_merged(db, session, patch),
            players=call.request.app.state.settings.player_policy,
        )

    return await _change(call, change)


async def move_session(call: ApiCall) -> Response:
    """Move a session to a stream and a start

    409 when the stream is not in this summit, or when the session keeps a length that is not
    in steps of five minutes."""
    body = await call.body(MoveInput)
    summit = call.the_summit

    def change(db: Session, session: ProgrammeSession) -> ProgrammeSession:
        return editor.move_session(
            db,
            summit=summit,
            session_id=pk(session),
            stream_id=body.stream_id,
            starts_at=body.starts_at,
            duration_minutes=body.duration_minutes,
        )

    return await _change(call, change)


async def retime_session(call: ApiCall) -> Response:
    """Change a session's length

    409 when the session is not on the grid, or its start is not on the five-minute grid."""
    wanted = (await call.body(RetimeInput)).duration_minutes
    summit = call.the_summit

    def change(db: Session, session: ProgrammeSession) -> ProgrammeSession:
        if session.starts_at is None or session.ends_at is None:
            raise conflict(
                "duration_minutes", _("Schedule the session before changing its length.")
            )
        current = int((session.ends_at - session.starts_at).total_seconds() // 60)
        return editor.resize_session(
            db, summit=summit, session_id=pk(session), delta_minutes=wanted - current
        )

    return await _change(call, change)


async def unschedule_session(call: ApiCall) -> Response:
    """Take a session off the grid (it stays in the draft)"""
    summit = call.the_summit
    return await _change(
        call,
        lambda db, session: editor.unschedule_session(db, summit=summit, session_id=pk(session)),
    )


async def set_status(call: ApiCall) -> Response:
    """Set a published session's live status; every open page shows it at once

    409 when the session is not published."""
    body = await call.body(StatusInput)
    moment = now(call.request)

    def run(db: Session) -> SessionOut:
        session_id = pk(_draft(db, call))
        events = lifecycle.set_status(
            db,
            summit=fresh_summit(db, call),
            session_id=session_id,
            status=body.status,
            delay_minutes=body.delay_minutes,
        )
        record(db, events, at=moment)
        published = db.get(PublishedSession, session_id)
        if published is None:
            raise not_found()
        return session_out(published)

    return await write_call(call, run, announce=True)


SESSIONS = f"{SUMMIT}/sessions"
SESSION = f"{SESSIONS}/{{session_id:int}}"
_write = partial(
    documented,
    scope=PROGRAMME,
    tags=("programme (organisers)",),
    errors=(409,),
    response=DraftSessionOut,
)
OPERATIONS = [
    _write("POST", SESSIONS, create_session, body=SessionIn, status=201, located=True),
    _write("PATCH", SESSION, update_session, body=SessionPatch),
    _write("POST", f"{SESSION}/move", move_session, body=MoveInput),
    _write("POST", f"{SESSION}/retime", retime_session, body=RetimeInput),
    _write("POST", f"{SESSION}/unschedule", unschedule_session, errors=()),
    _write("POST", f"{SESSION}/status", set_status, body=StatusInput, response=SessionOut),
]
