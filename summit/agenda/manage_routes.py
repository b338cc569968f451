"""Organisers' pages for the summit's streams and themes."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, SQLModel

from summit.agenda import queries
from summit.agenda.forms import StreamInput, TrackInput
from summit.agenda.models import Summit
from summit.agenda.services import upsert_stream, upsert_track
from summit.i18n.formatting import pick
from summit.i18n.viewer import N_
from summit.web.crud import FormField, Kind, routes_for


def _save_stream(db: Session, summit: Summit, values: dict[str, Any]) -> SQLModel:
    return upsert_stream(db, summit=summit, data=StreamInput.model_validate(values))


def _save_track(db: Session, summit: Summit, values: dict[str, Any]) -> SQLModel:
    return upsert_track(db, summit=summit, data=TrackInput.model_validate(values))


STREAMS = Kind(
    name="streams",
    title=N_("Streams"),
    singular=N_("stream"),
    fields=(
        FormField("slug", N_("Short name in addresses"), required=True, key=True),
        FormField("name", N_("Name"), widget="texts", required=True),
        FormField("stream_url", N_("Video stream address"), widget="url"),
        FormField("join_url", N_("Meeting room address"), widget="url"),
        FormField("position", N_("Order"), widget="number"),
    ),
    rows=lambda db, summit: queries.streams(db, summit=summit),
    save=_save_stream,
    label=lambda row: pick(row.name),
    columns=((N_("Video stream address"), lambda row: row.stream_url or "—"),),
)

THEMES = Kind(
    name="themes",
    title=N_("Themes"),
    singular=N_("theme"),
    fields=(
        FormField("slug", N_("Short name in addresses"), required=True, key=True),
        FormField("name", N_("Name"), widget="texts", required=True),
        FormField("description", N_("Description"), widget="long_texts"),
        FormField("color", N_("Colour"), widget="color"),
        FormField("position", N_("Order"), widget="number"),
    ),
    rows=lambda db, summit: queries.tracks(db, summit=summit),
    save=_save_track,
    label=lambda row: pick(row.name),
    columns=((N_("Colour"), lambda row: row.color),),
)

routes = [*routes_for(STREAMS), *routes_for(THEMES)]
