"""Organisers' writes to streams and themes, through the services of their organiser pages."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select
from starlette.responses import Response

from summit.agenda.forms import StreamInput, TrackInput
from summit.agenda.models import Stream, Track
from summit.agenda.services import upsert_stream, upsert_track
from summit.api.declare import ApiCall, ApiError, Operation, json_out, not_found
from summit.api.reads import SUMMIT
from summit.api.schemas import (
    StreamDetailOut,
    StreamIn,
    StreamPatch,
    ThemeIn,
    ThemeOut,
    ThemePatch,
    present,
)
from summit.auth.api_tokens import ApiScope
from summit.i18n.viewer import gettext as _
from summit.web.context import database

PROGRAMME = ApiScope.PROGRAMME_WRITE
_REQUIRED = ("name",)


def _taken() -> ApiError:
    message = _("This short name is taken.")
    return ApiError(409, message, fields={"slug": message})


def _merge(current: dict[str, Any], sent: dict[str, Any]) -> dict[str, Any]:
    values = {**current, **sent}
    for name in (*_REQUIRED, "position", "color"):
        if name in values and values[name] is None:
            raise ApiError(
                422, _("Some fields need attention."), fields={name: _("This field is required.")}
            )
    return values


async def create_stream(call: ApiCall) -> Response:
    body = await call.body(StreamIn)
    summit = call.the_summit
    data = StreamInput.model_validate(body.model_dump())

    def run(db: Session) -> StreamDetailOut:
        taken = select(Stream.id).where(Stream.summit_id == summit.id, Stream.slug == data.slug)
        if db.exec(taken).first() is not None:
            raise _taken()
        return StreamDetailOut.model_validate(upsert_stream(db, summit=summit, data=data))

    return json_out(await database(call.request).run_write(run), status_code=201)


async def update_stream(call: ApiCall) -> Response:
    stream_id = call.path_id("stream_id")
    sent = present(await call.body(StreamPatch))
    summit = call.the_summit

    def run(db: Session) -> StreamDetailOut:
        stream = db.get(Stream, stream_id)
        if stream is None or stream.summit_id != summit.id:
            raise not_found()
        current = StreamDetailOut.model_validate(stream).model_dump(exclude={"id"})
        data = StreamInput.model_validate(_merge(current, sent))
        return StreamDetailOut.model_validate(upsert_stream(db, summit=summit, data=data))

    return json_out(await database(call.request).run_write(run))


async def create_theme(call: ApiCall) -> Response:
    body = await call.body(ThemeIn)
    summit = call.the_summit
    data = TrackInput.model_validate(body.model_dump())

    def run(db: Session) -> ThemeOut:
        taken = select(Track.id).where(Track.summit_id == summit.id, Track.slug == data.slug)
        if db.exec(taken).first() is not None:
            raise _taken()
        return ThemeOut.model_validate(upsert_track(db, summit=summit, data=data))

    return json_out(await database(call.request).run_write(run), status_code=201)


async def update_theme(call: ApiCall) -> Response:
    theme_id = call.path_id("theme_id")
    sent = present(await call.body(ThemePatch))
    summit = call.the_summit

    def run(db: Session) -> ThemeOut:
        track = db.get(Track, theme_id)
        if track is None or track.summit_id != summit.id:
            raise not_found()
        current = {
            "slug": track.slug,
            "name": track.name,
            "description": track.description,
            "color": track.color,
            "position": track.position,
        }
        data = TrackInput.model_validate(_merge(current, sent))
        return ThemeOut.model_validate(upsert_track(db, summit=summit, data=data))

    return json_out(await database(call.request).run_write(run))


_TAGS = ("programme (organisers)",)
OPERATIONS = [
    Operation(
        "POST",
        f"{SUMMIT}/streams",
        create_stream,
        "Create a stream (a virtual room)",
        scope=PROGRAMME,
        body=StreamIn,
        response=StreamDetailOut,
        status=201,
        errors=(409, 422),
        tags=_TAGS,
    ),
    Operation(
        "PATCH",
        f"{SUMMIT}/streams/{{stream_id:int}}",
        update_stream,
        "Change a stream",
        scope=PROGRAMME,
        body=StreamPatch,
        response=StreamDetailOut,
        errors=(422,),
        tags=_TAGS,
    ),
    Operation(
        "POST",
        f"{SUMMIT}/themes",
        create_theme,
        "Create a theme",
        scope=PROGRAMME,
        body=ThemeIn,
        response=ThemeOut,
        status=201,
        errors=(409, 422),
        tags=_TAGS,
    ),
    Operation(
        "PATCH",
        f"{SUMMIT}/themes/{{theme_id:int}}",
        update_theme,
        "Change a theme",
        scope=PROGRAMME,
        body=ThemePatch,
        response=ThemeOut,
        errors=(422,),
        tags=_TAGS,
    ),
]
