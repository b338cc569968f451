"""Organisers' writes over the API, through the very services the browser's editor uses.

Programme changes (create, edit, move, retime, unschedule) change the draft, as in the schedule
editor; the public sees them at the next publication. Live status and publication reach every
open page at once: their events are written with the change and announced after the commit.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select
from starlette.responses import Response

from summit.agenda import editor, lifecycle, publishing
from summit.agenda.forms import SessionInput, SessionPersonInput
from summit.agenda.models import ProgrammeSession, PublishedSession, SessionPerson, SessionStatus
from summit.agenda.services import upsert_session
from summit.api.declare import PREFIX, ApiCall, ApiError, Operation, json_out, not_found
from summit.api.reads import SUMMIT, session_out
from summit.api.schemas import (
    AcceptInput,
    ChangeOut,
    ConflictOut,
    DraftSessionOut,
    MoveInput,
    PublishInput,
    ReleaseOut,
    RetimeInput,
    SessionIn,
    SessionOut,
    SessionPatch,
    SessionPersonOut,
    StatusInput,
    present,
)
from summit.auth.api_tokens import ApiScope
from summit.eventlog import record
from summit.events import ProgrammePublished
from summit.i18n.viewer import gettext as _
from summit.persistence import pk
from summit.web.context import database, now

PROGRAMME = ApiScope.PROGRAMME_WRITE


def draft_out(session: ProgrammeSession, links: list[SessionPerson]) -> DraftSessionOut:
    return DraftSessionOut(
        id=pk(session),
        code=session.code,
        kind=session.kind,
        title=session.title,
        abstract=session.abstract,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        stream_id=session.stream_id,
        theme_id=session.track_id,
        languages=session.languages,
        status=session.status,
        delay_minutes=session.delay_minutes,
        is_published=session.is_published,
        revision=session.revision,
        people=[SessionPersonOut(person_id=link.person_id, role=link.role) for link in links],
    )


def _links(db: Session, session_id: int) -> list[SessionPerson]:
    return list(
        db.exec(
            select(SessionPerson)
            .where(SessionPerson.session_id == session_id)
            .order_by(col(SessionPerson.position), col(SessionPerson.id))
        )
    )


def _draft(db: Session, call: ApiCall, session_id: int) -> ProgrammeSession:
    session = db.get(ProgrammeSession, session_id)
    if session is None or session.summit_id != call.the_summit.id:
        raise not_found()  # another summit's session answers like a missing one
    return session


def _saved(db: Session, session: ProgrammeSession) -> DraftSessionOut:
    return draft_out(session, _links(db, pk(session)))


def _location(call: ApiCall, session_id: int) -> dict[str, str]:
    return {"location": f"{PREFIX}/summits/{call.the_summit.slug}/draft/sessions/{session_id}"}


async def list_drafts(call: ApiCall) -> Response:
    summit = call.the_summit

    def load(db: Session) -> list[DraftSessionOut]:
        state = editor.editor_state(db, summit=summit)
        cards = state.cards + state.unscheduled
        links = _all_links(db, [pk(card.session) for card in cards])
        return [draft_out(card.session, links.get(pk(card.session), [])) for card in cards]

    return json_out(await database(call.request).run_read(load))


def _all_links(db: Session, ids: list[int]) -> dict[int, list[SessionPerson]]:
    found: dict[int, list[SessionPerson]] = {}
    if ids:
        for link in db.exec(
            select(SessionPerson)
            .where(col(SessionPerson.session_id).in_(ids))
            .order_by(col(SessionPerson.position), col(SessionPerson.id))
        ):
            found.setdefault(link.session_id, []).append(link)
    return found


async def get_draft(call: ApiCall) -> Response:
    session_id = call.path_id("session_id")

    def load(db: Session) -> DraftSessionOut:
        return _saved(db, _draft(db, call, session_id))

    return json_out(await database(call.request).run_read(load))


async def create_session(call: ApiCall) -> Response:
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
    )

    def run(db: Session) -> DraftSessionOut:
        taken = db.exec(
            select(ProgrammeSession.id).where(
                ProgrammeSession.summit_id == summit.id, ProgrammeSession.code == data.code
            )
        ).first()
        if taken is not None:
            raise ApiError(
                409,
                _("A session with this code exists."),
                fields={"code": _("A session with this code exists.")},
            )
        return _saved(db, upsert_session(db, summit=summit, data=data))

    saved = await database(call.request).run_write(run)
    return json_out(saved, status_code=201, headers=_location(call, saved.id))


def _merged(session: ProgrammeSession, links: list[SessionPerson], patch: SessionPatch) -> Any:
    """The session's current values with the patch's on top, as the editor's form builds them."""
    sent = present(patch)
    values: dict[str, Any] = {
        "code": session.code,
        "kind": session.kind,
        "title": session.title,
        "abstract": session.abstract,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "stream_id": session.stream_id,
        "track_id": session.track_id,
        "languages": session.languages,
        "is_published": session.is_published,
        "people": [{"person_id": link.person_id, "role": link.role} for link in links],
    }
    for name in ("kind", "title", "abstract", "starts_at", "ends_at", "stream_id", "languages"):
        if name in sent:
            values[name] = sent[name]
    if "theme_id" in sent:
        values["track_id"] = sent["theme_id"]
    if sent.get("is_published") is not None:
        values["is_published"] = sent["is_published"]
    if sent.get("people") is not None:
        values["people"] = [entry.model_dump() for entry in sent["people"]]
    for name in ("kind", "title", "abstract", "languages"):
        if values[name] is None:
            raise ApiError(
                422, _("Some fields need attention."), fields={name: _("This field is required.")}
            )
    cancelled = sent.get("cancelled")
    if cancelled is None:
        cancelled = session.status == SessionStatus.CANCELLED
    # As in the editor's form: cancelling waits for the publication; a live status stays.
    if cancelled:
        values["status"] = SessionStatus.CANCELLED
    elif session.status != SessionStatus.CANCELLED:
        values["status"] = session.status
    else:
        values["status"] = SessionStatus.SCHEDULED
    values["delay_minutes"] = session.delay_minutes if values["status"] == SessionStatus.LATE else 0
    return SessionInput.model_validate(values)


async def update_session(call: ApiCall) -> Response:
    session_id = call.path_id("session_id")
    patch = await call.body(SessionPatch)
    summit = call.the_summit

    def run(db: Session) -> DraftSessionOut:
        session = _draft(db, call, session_id)
        data = _merged(session, _links(db, session_id), patch)
        return _saved(db, upsert_session(db, summit=summit, data=data))

    return json_out(await database(call.request).run_write(run))


async def move_session(call: ApiCall) -> Response:
    session_id = call.path_id("session_id")
    body = await call.body(MoveInput)
    summit = call.the_summit

    def run(db: Session) -> DraftSessionOut:
        _draft(db, call, session_id)
        moved = editor.move_session(
            db,
            summit=summit,
            session_id=session_id,
            stream_id=body.stream_id,
            starts_at=body.starts_at,
            duration_minutes=body.duration_minutes,
        )
        return _saved(db, moved)

    return json_out(await database(call.request).run_write(run))


async def retime_session(call: ApiCall) -> Response:
    session_id = call.path_id("session_id")
    body = await call.body(RetimeInput)
    summit = call.the_summit

    def run(db: Session) -> DraftSessionOut:
        session = _draft(db, call, session_id)
        if session.starts_at is None or session.ends_at is None:
            raise ApiError(
                422,
                _("Schedule the session before changing its length."),
                fields={"duration_minutes": _("Schedule the session before changing its length.")},
            )
        current = int((session.ends_at - session.starts_at).total_seconds() // 60)
        resized = editor.resize_session(
            db,
            summit=summit,
            session_id=session_id,
            delta_minutes=body.duration_minutes - current,
        )
        return _saved(db, resized)

    return json_out(await database(call.request).run_write(run))


async def unschedule_session(call: ApiCall) -> Response:
    session_id = call.path_id("session_id")
    summit = call.the_summit

    def run(db: Session) -> DraftSessionOut:
        _draft(db, call, session_id)
        return _saved(db, editor.unschedule_session(db, summit=summit, session_id=session_id))

    return json_out(await database(call.request).run_write(run))


async def set_status(call: ApiCall) -> Response:
    session_id = call.path_id("session_id")
    body = await call.body(StatusInput)
    summit = call.the_summit
    moment: datetime = now(call.request)

    def run(db: Session) -> SessionOut:
        _draft(db, call, session_id)
        fresh = db.get(type(summit), summit.id)
        if fresh is None:
            raise not_found()
        record(
            db,
            lifecycle.set_status(
                db,
                summit=fresh,
                session_id=session_id,
                status=body.status,
                delay_minutes=body.delay_minutes,
            ),
            at=moment,
        )
        published = db.get(PublishedSession, session_id)
        if published is None:
            raise not_found()
        return session_out(published)

    result = await database(call.request).run_write(run)
    await call.request.app.state.broker.announce()
    return json_out(result)


async def list_conflicts(call: ApiCall) -> Response:
    summit = call.the_summit

    def load(db: Session) -> list[ConflictOut]:
        state = editor.editor_state(db, summit=summit)
        return [
            ConflictOut(
                key=conflict.key,
                kind=conflict.kind.value,
                session_ids=list(conflict.session_ids),
                person_id=conflict.person_id,
                stream_id=conflict.stream_id,
                accepted=accepted,
            )
            for accepted, conflicts in ((False, state.conflicts), (True, state.accepted))
            for conflict in conflicts
        ]

    return json_out(await database(call.request).run_read(load))


async def accept_conflict(call: ApiCall) -> Response:
    body = await call.body(AcceptInput)
    summit = call.the_summit
    account_id = call.principal.account_id

    def run(db: Session) -> None:
        editor.accept_conflict(db, summit=summit, key=body.key, by_id=account_id)

    await database(call.request).run_write(run)
    return Response(status_code=204)


async def pending_changes(call: ApiCall) -> Response:
    summit = call.the_summit
    changes = await database(call.request).run_read(
        lambda db: publishing.pending_changes(db, summit=summit)
    )
    return json_out([ChangeOut.model_validate(change) for change in changes])


async def publish(call: ApiCall) -> Response:
    body = await call.body(PublishInput)
    summit = call.the_summit
    moment: datetime = now(call.request)

    def run(db: Session) -> ReleaseOut:
        fresh = db.get(type(summit), summit.id)
        if fresh is None:
            raise not_found()
        release, changes = publishing.publish(db, summit=fresh, comment=body.comment, now=moment)
        record(
            db,
            [
                ProgrammePublished(
                    summit_id=pk(fresh),
                    version=release.version,
                    session_ids=tuple(change["session_id"] for change in changes),
                )
            ],
            at=moment,
        )
        return ReleaseOut(
            version=release.version,
            comment=release.comment,
            published_at=release.published_at.astimezone(UTC),
            changes=[ChangeOut.model_validate(change) for change in changes],
        )

    release = await database(call.request).run_write(run)
    await call.request.app.state.broker.announce()
    return json_out(release, status_code=201)


SESSION = f"{SUMMIT}/sessions/{{session_id:int}}"
_TAGS = ("programme (organisers)",)
OPERATIONS = [
    Operation(
        "GET",
        f"{SUMMIT}/draft/sessions",
        list_drafts,
        "Every draft session, scheduled or not",
        scope=PROGRAMME,
        response=DraftSessionOut,
        many=True,
        tags=_TAGS,
    ),
    Operation(
        "GET",
        f"{SUMMIT}/draft/sessions/{{session_id:int}}",
        get_draft,
        "A draft session",
        scope=PROGRAMME,
        response=DraftSessionOut,
        tags=_TAGS,
    ),
    Operation(
        "POST",
        f"{SUMMIT}/sessions",
        create_session,
        "Create a session in the draft",
        scope=PROGRAMME,
        body=SessionIn,
        response=DraftSessionOut,
        status=201,
        located=True,
        errors=(409, 422),
        tags=_TAGS,
    ),
    Operation(
        "PATCH",
        SESSION,
        update_session,
        "Change a session's details in the draft",
        scope=PROGRAMME,
        body=SessionPatch,
        response=DraftSessionOut,
        errors=(422,),
        tags=_TAGS,
    ),
    Operation(
        "POST",
        f"{SESSION}/move",
        move_session,
        "Move a session to a stream and a start",
        scope=PROGRAMME,
        body=MoveInput,
        response=DraftSessionOut,
        errors=(422,),
        tags=_TAGS,
    ),
    Operation(
        "POST",
        f"{SESSION}/retime",
        retime_session,
        "Change a session's length",
        scope=PROGRAMME,
        body=RetimeInput,
        response=DraftSessionOut,
        errors=(422,),
        tags=_TAGS,
    ),
    Operation(
        "POST",
        f"{SESSION}/unschedule",
        unschedule_session,
        "Take a session off the grid (it stays in the draft)",
        scope=PROGRAMME,
        response=DraftSessionOut,
        tags=_TAGS,
    ),
    Operation(
        "POST",
        f"{SESSION}/status",
        set_status,
        "Set a published session's live status; every open page shows it at once",
        scope=PROGRAMME,
        body=StatusInput,
        response=SessionOut,
        errors=(422,),
        tags=_TAGS,
    ),
    Operation(
        "GET",
        f"{SUMMIT}/draft/conflicts",
        list_conflicts,
        "The draft's scheduling conflicts, open and accepted",
        scope=PROGRAMME,
        response=ConflictOut,
        many=True,
        tags=_TAGS,
    ),
    Operation(
        "POST",
        f"{SUMMIT}/draft/conflicts/accept",
        accept_conflict,
        "Accept a conflict: it stops being flagged",
        scope=PROGRAMME,
        body=AcceptInput,
        status=204,
        errors=(422,),
        tags=_TAGS,
    ),
    Operation(
        "GET",
        f"{SUMMIT}/draft/changes",
        pending_changes,
        "What publishing now would change",
        scope=PROGRAMME,
        response=ChangeOut,
        many=True,
        tags=_TAGS,
    ),
    Operation(
        "POST",
        f"{SUMMIT}/publish",
        publish,
        "Publish the draft as the next programme version",
        scope=PROGRAMME,
        body=PublishInput,
        response=ReleaseOut,
        status=201,
        errors=(422,),
        tags=_TAGS,
    ),
]
