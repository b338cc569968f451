"""After a publication, the cached programme reads again only the sessions it changed: the
other cards are kept (the same objects, with the statuses set meanwhile), and the programme is
what a full load gives."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from summit.agenda import queries
from summit.agenda.editor import editor_state, publish_draft
from summit.agenda.lifecycle import set_status
from summit.agenda.models import ProgrammeSession, SessionStatus, Summit
from summit.db import Database
from summit.eventlog import record
from summit.web.cache import ProgrammeCache

NOW = datetime(2021, 12, 15, 1, 0, tzinfo=UTC)


def _summit(db: Session) -> Summit:
    return db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()


def _cached(cache: ProgrammeCache, database: Database) -> queries.Programme:
    with database.read() as db:
        summit = _summit(db)
    return asyncio.run(cache.programme(database, summit))


def _publish(db: Session) -> None:
    summit = _summit(db)
    conflicts = {conflict.key for conflict in editor_state(db, summit=summit).conflicts}
    publish_draft(db, summit=summit, comment="", now=NOW, confirmed=conflicts)


def _shown(programme: queries.Programme) -> list[tuple[int | None, str, str, list[str]]]:
    return [
        (
            card.session.id,
            card.session.title["en"],
            card.session.status,
            [person.full_name for _, person in card.people],
        )
        for card in programme.cards
    ]


def test_a_publication_reads_again_only_the_sessions_it_changed(demo_database: Database) -> None:
    cache = ProgrammeCache()
    before = _cached(cache, demo_database)
    retitled, withdrawn, live = (card.session.id for card in before.cards[:3])
    with demo_database.write() as db:
        summit = _summit(db)
        record(
            db,
            set_status(db, summit=summit, session_id=live or 0, status=SessionStatus.LIVE),
            at=NOW,
        )
    with demo_database.write() as db:
        drafts = {
            draft.id: draft
            for draft in db.exec(
                select(ProgrammeSession).where(col(ProgrammeSession.id).in_([retitled, withdrawn]))
            )
        }
        drafts[retitled].title = {**drafts[retitled].title, "en": "Retitled"}
        drafts[withdrawn].is_published = False
        for draft in drafts.values():
            db.add(draft)
        _publish(db)

    after = _cached(cache, demo_database)

    with demo_database.read() as db:
        loaded = queries.programme(db, summit=_summit(db))
    assert _shown(after) == _shown(loaded)
    assert (after.version, after.last_event_id) == (loaded.version, loaded.last_event_id)
    assert [card.session.id for card in after.cards if card.session.id == withdrawn] == []
    kept = {card.session.id: card for card in before.cards}
    assert [card.session.id for card in after.cards if card is not kept.get(card.session.id)] == [
        retitled
    ]
    assert next(card for card in after.cards if card.session.id == live).session.status == (
        SessionStatus.LIVE
    )


def test_a_change_without_an_event_loads_the_whole_programme(demo_database: Database) -> None:
    cache = ProgrammeCache()
    before = _cached(cache, demo_database)
    with demo_database.write() as db:
        summit = _summit(db)
        summit.programme_stamp += 1  # as a person renamed does
        db.add(summit)

    after = _cached(cache, demo_database)

    assert [a for a, b in zip(after.cards, before.cards, strict=True) if a is b] == []
    assert _shown(after) == _shown(before)
