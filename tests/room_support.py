"""What the room tests share: the demo's MENA session channels (French, Arabic, English and the
floor) and a session's id by its code."""

from __future__ import annotations

from sqlmodel import select

from summit.agenda.models import ProgrammeSession
from summit.db import Database

MENA_FR = "https://www.youtube-nocookie.com/embed/demo-mena-fr"
MENA_AR = "https://www.youtube-nocookie.com/embed/demo-mena-ar"
MENA_EN = "https://www.youtube-nocookie.com/embed/demo-mena-en"
MENA_FLOOR = "https://www.youtube-nocookie.com/embed/demo-mena-fl"


def _session_id(database: Database, code: str) -> int:
    with database.read() as db:
        found = db.exec(select(ProgrammeSession.id).where(ProgrammeSession.code == code)).one()
    assert found is not None
    return found
