"""Keeping the public search index in step with what the public sees.

``session_search`` has one row per *published* session, never a draft: the public searches what
it can read, and nothing else (docs/programme.md, "Search"). The services that change what the
public sees call in here, in their own transaction:

- publishing adds, changes and removes rows (a session taken off the programme, or deleted,
  loses its row: the foreign key cascades, and :func:`refresh` deletes what it no longer finds);
- renaming a person, a delegation or a theme refreshes the sessions that show them
  (:func:`reflect_change`), and raises the programme stamp so that cached pages and searches
  are made again.

Editing the draft changes nothing here until the next publication. Keyword-only; the caller
owns the transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from summit.agenda.models import PublishedSession, SessionSearch, Summit, Track
from summit.people.models import Delegation, Person
from summit.persistence import pk
from summit.search_text import index_text

FTS_TABLE = "session_search_fts"
"""SQLite's FTS5 table over ``session_search`` (with its shadow tables ``session_search_fts_*``
and three triggers), made by migration 0010."""

POSTGRES_COLUMN = "document"
"""PostgreSQL's stored, generated ``tsvector`` column of ``session_search`` (title weighted A,
names B, abstract C), made by migration 0010."""

POSTGRES_INDEX = "ix_session_search_document"
"""PostgreSQL's GIN index over that column."""


def is_engine_object(name: str | None, *, table: str | None = None) -> bool:
    """Whether ``name`` (a column when ``table`` is given) is one of the full-text engine's own
    objects, which the models do not describe: an FTS5 table, a generated ``tsvector`` column,
    and the index over it. Alembic would propose dropping them; tests/test_migrations.py checks
    that they exist instead."""
    if name is None:
        return False
    if table is not None:
        return (table, name) == (SessionSearch.__tablename__, POSTGRES_COLUMN)
    return name in {FTS_TABLE, POSTGRES_INDEX} or name.startswith(f"{FTS_TABLE}_")


def _texts(localized: dict[str, str]) -> list[str]:
    return [value for _, value in sorted(localized.items())]


def _document(
    session: PublishedSession,
    *,
    people: dict[int, Person],
    delegations: dict[int, Delegation],
    tracks: dict[int, Track],
) -> tuple[str, str, str]:
    """(title, names, abstract) of one published session, as the index stores them."""
    names: list[str] = [session.code]
    for entry in session.people:
        person = people.get(entry["person_id"])
        if person is None:
            continue
        names.append(person.full_name)
        delegation = delegations.get(person.delegation_id or 0)
        if delegation is not None:
            names.extend(_texts(delegation.name))
    track = tracks.get(session.track_id or 0)
    if track is not None:
        names.extend(_texts(track.name))
    return (
        index_text(*_texts(session.title)),
        index_text(*names),
        index_text(*_texts(session.abstract)),
    )


def refresh(db: Session, *, summit: Summit, session_ids: Iterable[int] | None = None) -> bool:
    """Bring the index rows of these sessions (every session of the summit when None) up to date
    with what is published; True when any row changed. Five queries, whatever the number."""
    wanted = None if session_ids is None else set(session_ids)
    if wanted == set():
        return False
    published_query = select(PublishedSession).where(PublishedSession.summit_id == summit.id)
    rows_query = select(SessionSearch).where(SessionSearch.summit_id == summit.id)
    if wanted is not None:
        published_query = published_query.where(col(PublishedSession.id).in_(wanted))
        rows_query = rows_query.where(col(SessionSearch.id).in_(wanted))
    published = list(db.exec(published_query))
    rows = {row.id: row for row in db.exec(rows_query)}
    person_ids = {entry["person_id"] for session in published for entry in session.people}
    people = (
        {
            pk(person): person
            for person in db.exec(select(Person).where(col(Person.id).in_(person_ids)))
        }
        if person_ids
        else {}
    )
    delegations = {
        pk(row): row for row in db.exec(select(Delegation).where(Delegation.summit_id == summit.id))
    }
    tracks = {pk(row): row for row in db.exec(select(Track).where(Track.summit_id == summit.id))}
    changed = False
    for session in published:
        title, names, abstract = _document(
            session, people=people, delegations=delegations, tracks=tracks
        )
        row = rows.pop(session.id, None)
        if row is None:
            db.add(
                SessionSearch(
                    id=session.id,
                    summit_id=pk(summit),
                    title=title,
                    names=names,
                    abstract=abstract,
                )
            )
            changed = True
        elif (row.title, row.names, row.abstract) != (title, names, abstract):
            row.title, row.names, row.abstract = title, names, abstract
            db.add(row)
            changed = True
    for row in rows.values():
        db.delete(row)
        changed = True
    db.flush()
    return changed


def sessions_showing(
    db: Session,
    *,
    summit: Summit,
    person_ids: Collection[int] = (),
    delegation_ids: Collection[int] = (),
    track_ids: Collection[int] = (),
) -> set[int]:
    """The published sessions that show any of these people, members of these delegations, or
    these themes."""
    people = set(person_ids)
    if delegation_ids:
        members = db.exec(select(Person.id).where(col(Person.delegation_id).in_(delegation_ids)))
        people.update(member for member in members if member is not None)
    tracks = set(track_ids)
    rows: Any = db.exec(
        select(PublishedSession.id, PublishedSession.people, PublishedSession.track_id).where(
            PublishedSession.summit_id == summit.id
        )
    )
    return {
        session_id
        for session_id, entries, track_id in rows
        if track_id in tracks or any(entry["person_id"] in people for entry in entries)
    }


def reflect_change(
    db: Session,
    *,
    summit: Summit,
    person_ids: Collection[int] = (),
    delegation_ids: Collection[int] = (),
    track_ids: Collection[int] = (),
) -> bool:
    """After a person, delegation or theme changed: refresh the sessions that show them, and
    raise the programme stamp when what the public finds (and reads) changed."""
    shown = sessions_showing(
        db,
        summit=summit,
        person_ids=person_ids,
        delegation_ids=delegation_ids,
        track_ids=track_ids,
    )
    if not refresh(db, summit=summit, session_ids=shown):
        return False
    summit.programme_stamp += 1
    db.add(summit)
    db.flush()
    return True


def rebuild(db: Session) -> int:
    """Make the whole index again from the published programme, for every summit; running it
    twice leaves the same index. Returns the number of sessions indexed."""
    db.exec(delete(SessionSearch))
    count = 0
    for summit in db.exec(select(Summit)):
        refresh(db, summit=summit)
        count += len(
            db.exec(select(SessionSearch.id).where(SessionSearch.summit_id == summit.id)).all()
        )
    if db.get_bind().dialect.name == "sqlite":
        # The triggers kept the FTS table in step above; this also repairs an FTS table that
        # drifted (say, a batch migration that dropped the triggers for a while).
        db.connection().exec_driver_sql(
            "INSERT INTO session_search_fts(session_search_fts) VALUES ('rebuild')"
        )
    db.flush()
    return count
