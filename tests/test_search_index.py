"""The search index that the services keep in step: published sessions only, changed with each
publication and deletion, renames reaching the sessions that show them at once, and a rebuild
that is idempotent and repairs it. Every test runs on both databases, on the demo summit."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import col, select

from summit.agenda import search_index
from summit.agenda.forms import TrackInput
from summit.agenda.models import ProgrammeSession, PublishedSession, SessionSearch, Track
from summit.agenda.services import upsert_track
from summit.db import Database
from summit.people.forms import DelegationInput, PersonInput
from summit.people.models import Delegation, Person
from summit.people.services import upsert_delegation, upsert_person
from tests.search_support import AOGN, _codes_where, _find, _publish, _session, _summit

# Only what the public may see: the index holds published sessions, never a draft.


def test_a_draft_session_is_never_found(demo: Database) -> None:
    with demo.write() as db:
        _session(db, code="SECRET-DRAFT", title="Quixotrain briefing", published=False)
        _session(db, code="NOT-YET", title="Quixotrain rehearsal")  # to be published, not yet

    assert _find(demo, "quixotrain") == []
    with demo.read() as db:
        assert set(db.exec(select(SessionSearch.id))) == set(db.exec(select(PublishedSession.id)))


def test_the_index_changes_with_each_publication_and_not_before(demo: Database) -> None:
    with demo.write() as db:
        _session(db, code="LIFECYCLE", title="Quokkafest opening")
    assert _find(demo, "quokkafest") == []

    with demo.write() as db:
        _publish(db)
    assert _find(demo, "quokkafest") == ["LIFECYCLE"]

    with demo.write() as db:
        _session(db, code="LIFECYCLE", title="Wombatfest opening")
    # An edited draft: the public still finds what it reads.
    assert (_find(demo, "quokkafest"), _find(demo, "wombatfest")) == (["LIFECYCLE"], [])

    with demo.write() as db:
        _publish(db)
    assert (_find(demo, "quokkafest"), _find(demo, "wombatfest")) == ([], ["LIFECYCLE"])

    with demo.write() as db:
        _session(db, code="LIFECYCLE", title="Wombatfest opening", published=False)
        _publish(db)
    assert _find(demo, "wombatfest") == []


def test_a_deleted_session_leaves_the_index(demo: Database) -> None:
    with demo.write() as db:
        _session(db, code="DOOMED", title="Ephemeralia")
        _publish(db)
    assert _find(demo, "ephemeralia") == ["DOOMED"]

    with demo.write() as db:
        db.delete(db.exec(select(ProgrammeSession).where(ProgrammeSession.code == "DOOMED")).one())

    assert _find(demo, "ephemeralia") == []
    with demo.read() as db:
        assert set(db.exec(select(SessionSearch.id))) == set(db.exec(select(PublishedSession.id)))


# Renames reach the sessions that show them, at once.


def _stamp(database: Database) -> int:
    with database.read() as db:
        return _summit(db).programme_stamp


def test_renaming_a_speaker_reaches_the_search_and_the_cached_pages(demo: Database) -> None:
    before = _find(demo, "samira exemple")
    stamp = _stamp(demo)
    with demo.write() as db:
        person = db.exec(select(Person).where(Person.slug == "samira-exemple")).one()
        values = PersonInput.model_validate(person, from_attributes=True).model_dump()
        upsert_person(
            db,
            summit=_summit(db),
            data=PersonInput(**{**values, "full_name": "Zarathustra Quimby"}),
        )

    assert _find(demo, "quimby zarathustra") == before
    assert _find(demo, "samira") == []
    assert _stamp(demo) == stamp + 1


def test_renaming_a_delegation_reaches_the_sessions_of_its_members(demo: Database) -> None:
    members = _codes_where(demo, "kenya")
    with demo.write() as db:
        kenya = db.exec(select(Delegation).where(Delegation.slug == "kenya")).one()
        values = DelegationInput.model_validate(kenya, from_attributes=True).model_dump()
        upsert_delegation(
            db,
            summit=_summit(db),
            data=DelegationInput(**{**values, "name": {**kenya.name, "fr": "Kényaland"}}),
        )

    assert set(_find(demo, "kenyaland")) == members


def test_renaming_a_theme_reaches_its_sessions(demo: Database) -> None:
    sessions = _codes_where(demo, "civic-space")
    with demo.read() as db:
        ids = db.exec(
            select(PublishedSession.id).where(col(PublishedSession.code).in_(sessions))
        ).all()
    with demo.write() as db:
        track = db.exec(select(Track).where(Track.slug == "civic-space")).one()
        values = TrackInput.model_validate(track, from_attributes=True).model_dump()
        upsert_track(db, summit=_summit(db), data=TrackInput(**{**values, "name": {"en": "Agora"}}))

    assert set(_find(demo, "agora")) == sessions
    with demo.read() as db:
        names = db.exec(select(SessionSearch.names).where(col(SessionSearch.id).in_(ids))).all()
    assert len(names) == len(sessions)
    assert not [row for row in names if "espace civique" in row or "الفضاء" in row]


def test_saving_a_person_unchanged_leaves_the_stamp(demo: Database) -> None:
    stamp = _stamp(demo)
    with demo.write() as db:
        person = db.exec(select(Person).where(Person.slug == "samira-exemple")).one()
        upsert_person(
            db,
            summit=_summit(db),
            data=PersonInput.model_validate(person, from_attributes=True),
        )

    assert _stamp(demo) == stamp


# Rebuilding from scratch.


def _rows(database: Database) -> list[tuple[int, str, str, str]]:
    with database.read() as db:
        return [
            (row.id, row.title, row.names, row.abstract)
            for row in db.exec(select(SessionSearch).order_by(col(SessionSearch.id)))
        ]


def test_rebuilding_the_index_is_idempotent_and_repairs_it(demo: Database) -> None:
    kept = _rows(demo)
    with demo.write() as db:
        db.connection().execute(text("DELETE FROM session_search WHERE id % 2 = 0"))
    assert len(_rows(demo)) < len(kept)

    for _ in range(2):
        with demo.write() as db:
            count = search_index.rebuild(db)
        assert count == len(kept)
        assert _rows(demo) == kept
    assert _find(demo, "african network")[0] == AOGN
    if demo.engine.dialect.name == "sqlite":
        with demo.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO session_search_fts(session_search_fts, rank)"
                " VALUES ('integrity-check', 1)"
            )
