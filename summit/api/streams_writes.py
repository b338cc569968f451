"""Organisers' writes to streams and themes, through the services of their organiser pages.

The two are alike (a short name, a name, a few details and a position), so one ``Catalogue``
describes each and the same two handlers serve both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlmodel import Session, select
from starlette.responses import Response

from summit.agenda.forms import StreamInput, TrackInput
from summit.agenda.models import Stream, Track
from summit.agenda.services import upsert_stream, upsert_track
from summit.api.declare import ApiCall, Handler, Operation
from summit.api.drafts import PROGRAMME
from summit.api.inputs import StreamIn, StreamPatch, ThemeIn, ThemePatch
from summit.api.reads import SUMMIT
from summit.api.rules import ApiInput, sent
from summit.api.schemas import StreamDetailOut, ThemeOut
from summit.api.writing import own_row, short_name_taken, write_call

Row = TypeVar("Row", Stream, Track)


@dataclass(frozen=True)
class Catalogue(Generic[Row]):
    """One kind of row an organiser lists for the summit: how it is made, changed and shown."""

    noun: str
    path: str
    table: type[Row]
    body: type[ApiInput]
    patch: type[ApiInput]
    form: type[BaseModel]
    out: type[BaseModel]
    upsert: Any
    """The service that creates or changes a row from ``form``, by its short name."""

    @property
    def id_name(self) -> str:
        return f"{self.noun}_id"

    def slug_taken(self, db: Session, *, summit_id: int | None, slug: str) -> bool:
        table = self.table
        found = select(table.id).where(table.summit_id == summit_id, table.slug == slug)
        return db.exec(found).first() is not None


def _creator(kind: Catalogue[Any]) -> Handler:
    async def create(call: ApiCall) -> Response:
        values = (await call.body(kind.body)).model_dump()
        summit = call.the_summit
        data = kind.form.model_validate(values)

        def run(db: Session) -> BaseModel:
            if kind.slug_taken(db, summit_id=summit.id, slug=values["slug"]):
                raise short_name_taken()
            return kind.out.model_validate(kind.upsert(db, summit=summit, data=data))

        return await write_call(call, run, status=201)

    create.__name__ = f"create_{kind.noun}"
    return create


def _updater(kind: Catalogue[Any]) -> Handler:
    async def update(call: ApiCall) -> Response:
        changes = sent(await call.body(kind.patch))
        summit = call.the_summit

        def run(db: Session) -> BaseModel:
            row = own_row(db, call, kind.table, kind.id_name)
            current = kind.out.model_validate(row).model_dump(exclude={"id"})
            data = kind.form.model_validate({**current, **changes})
            return kind.out.model_validate(kind.upsert(db, summit=summit, data=data))

        return await write_call(call, run)

    update.__name__ = f"update_{kind.noun}"
    return update


STREAMS = Catalogue(
    noun="stream",
    path="streams",
    table=Stream,
    body=StreamIn,
    patch=StreamPatch,
    form=StreamInput,
    out=StreamDetailOut,
    upsert=upsert_stream,
)
THEMES = Catalogue(
    noun="theme",
    path="themes",
    table=Track,
    body=ThemeIn,
    patch=ThemePatch,
    form=TrackInput,
    out=ThemeOut,
    upsert=upsert_track,
)
_TAGS = ("programme (organisers)",)
OPERATIONS = [
    operation
    for kind, summary in ((STREAMS, "a stream (a virtual room)"), (THEMES, "a theme"))
    for operation in (
        Operation(
            "POST",
            f"{SUMMIT}/{kind.path}",
            _creator(kind),
            f"Create {summary}",
            scope=PROGRAMME,
            body=kind.body,
            response=kind.out,
            status=201,
            errors=(409,),
            description="409 when the short name is taken.",
            tags=_TAGS,
        ),
        Operation(
            "PATCH",
            f"{SUMMIT}/{kind.path}/{{{kind.id_name}:int}}",
            _updater(kind),
            f"Change {summary.split(' (')[0]}",
            scope=PROGRAMME,
            body=kind.patch,
            response=kind.out,
            tags=_TAGS,
        ),
    )
]
