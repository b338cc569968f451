"""Organisers' writes to streams and themes, through the services of their organiser pages.

The two are alike (a short name, a name, a few details and a position), so one ``Catalogue``
describes each and the same two handlers serve both.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlmodel import Session, select
from starlette.responses import Response

from summit.agenda.forms import StreamInput, TrackInput
from summit.agenda.models import Stream, Track
from summit.agenda.services import upsert_stream, upsert_track
from summit.api.declare import ApiCall, Handler, documented
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
    title: str
    """What one is, for the document: "a stream (a virtual room)"."""
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

    @property
    def collection(self) -> str:
        return f"{SUMMIT}/{self.path}"

    @property
    def item(self) -> str:
        return f"{self.collection}/{{{self.id_name}:int}}"

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
    create.__doc__ = f"Create {kind.title}\n\n409 when the short name is taken."
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
    update.__doc__ = f"Change {kind.title.split(' (')[0]}"
    return update


STREAMS = Catalogue(
    noun="stream",
    title="a stream (a virtual room)",
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
    title="a theme",
    path="themes",
    table=Track,
    body=ThemeIn,
    patch=ThemePatch,
    form=TrackInput,
    out=ThemeOut,
    upsert=upsert_track,
)
_write = partial(documented, scope=PROGRAMME, tags=("programme (organisers)",))
_create = partial(_write, status=201, errors=(409,))
OPERATIONS = [
    declared
    for kind in (STREAMS, THEMES)
    for declared in (
        _create("POST", kind.collection, _creator(kind), body=kind.body, response=kind.out),
        _write("PATCH", kind.item, _updater(kind), body=kind.patch, response=kind.out),
    )
]
