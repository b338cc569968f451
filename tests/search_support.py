"""The demo summit on SQLite and on PostgreSQL (a template seeded once per module, copied per
test), and the searches and sessions that the search tests share."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from summit.agenda.forms import SessionInput
from summit.agenda.models import (
    ProgrammeSession,
    PublishedSession,
    SessionKind,
    Stream,
    Summit,
    Track,
)
from summit.agenda.publishing import publish
from summit.agenda.search import ranked_ids
from summit.agenda.services import upsert_session
from summit.db import Database
from summit.migrate import upgrade
from summit.people.models import Delegation, Person
from summit.persistence import pk
from summit.seeding import load_summit
from tests.conftest import DEMO_FOLDER, POSTGRES_URL, fresh_postgres_database

AOGN = "AFRICAN-OGN-LAUNCH"


@pytest.fixture(scope="module")
def postgres_demo_template() -> Iterator[str]:
    """A PostgreSQL database with the demo seeded once, which each test copies (seeding takes
    seconds; copying a template, a fraction of one)."""
    with fresh_postgres_database("summit_search") as name:
        engine = create_engine(make_url(POSTGRES_URL).set(database=name))
        try:
            upgrade(engine)
            with Database(engine).write() as db:
                load_summit(db, DEMO_FOLDER)
        finally:
            engine.dispose()
        yield name


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def demo(request: pytest.FixtureRequest) -> Iterator[Database]:
    """The demo summit, seeded through the services, on SQLite or on PostgreSQL."""
    if request.param == "sqlite":
        yield request.getfixturevalue("demo_database")
        return
    template = request.getfixturevalue("postgres_demo_template")
    with fresh_postgres_database("summit_search", template=template) as name:
        database = Database(create_engine(make_url(POSTGRES_URL).set(database=name)))
        try:
            yield database
        finally:
            database.dispose()


def _summit(db: Session) -> Summit:
    return db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()


def _find(database: Database, query: str) -> list[str]:
    """The codes of the sessions ``query`` finds, best first."""
    with database.read() as db:
        ids = ranked_ids(db, summit=_summit(db), query=query)
        codes = dict(db.exec(select(PublishedSession.id, PublishedSession.code)).all())
    return [codes[session_id] for session_id in ids]


def _session(
    db: Session,
    *,
    code: str,
    title: str,
    abstract: str = "",
    hour: int = 1,
    published: bool = True,
) -> ProgrammeSession:
    """A draft session on the summit's first day, in the first stream."""
    summit = _summit(db)
    stream = db.exec(select(Stream).where(Stream.summit_id == summit.id)).first()
    assert stream is not None
    starts = datetime(2021, 12, 15, hour, 0, tzinfo=UTC)
    return upsert_session(
        db,
        summit=summit,
        data=SessionInput(
            code=code,
            kind=SessionKind.PANEL,
            title={"en": title},
            abstract={"en": abstract} if abstract else {},
            starts_at=starts,
            ends_at=starts + timedelta(minutes=45),
            stream_id=pk(stream),
            is_published=published,
        ),
    )


def _publish(db: Session) -> None:
    publish(db, summit=_summit(db), comment="", now=datetime(2021, 12, 1, tzinfo=UTC))


def _codes_where(database: Database, keep: object) -> set[str]:
    with database.read() as db:
        people = {pk(person): person for person in db.exec(select(Person))}
        delegations = {pk(row): row.slug for row in db.exec(select(Delegation))}
        tracks = {pk(row): row.slug for row in db.exec(select(Track))}
        found = set()
        for session in db.exec(select(PublishedSession)):
            slugs = {
                delegations.get(people[entry["person_id"]].delegation_id or 0)
                for entry in session.people
            }
            if keep in slugs or keep == tracks.get(session.track_id or 0):
                found.add(session.code)
    return found
