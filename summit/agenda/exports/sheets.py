"""Spreadsheets (CSV) of the draft programme, the people and the delegations, for organisers.

A cell that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) gets a leading single quote: titles and names come from many hands,
and a cell such as ``=HYPERLINK(...)`` must stay text when an organiser opens the file.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from summit.agenda.models import ProgrammeSession, SessionPerson, Stream, Summit, Track
from summit.people.models import Delegation, Person

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | None


def neutralise(value: Cell) -> str:
    """The cell as text that no spreadsheet will evaluate."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """UTF-8 with a byte order mark, which spreadsheet programs need to read Arabic right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def _in(texts: dict[str, str], language: str) -> str:
    return texts.get(language, "")


def sessions(db: Session, *, summit: Summit) -> bytes:
    """Every session of the draft, scheduled or not, published or not, with its people."""
    zone = ZoneInfo(summit.timezone)
    rows = list(
        db.exec(
            select(ProgrammeSession)
            .where(ProgrammeSession.summit_id == summit.id)
            .order_by(col(ProgrammeSession.starts_at), col(ProgrammeSession.code))
        )
    )
    streams = {row.id: row for row in db.exec(select(Stream).where(Stream.summit_id == summit.id))}
    tracks = {row.id: row for row in db.exec(select(Track).where(Track.summit_id == summit.id))}
    people: dict[int, list[str]] = defaultdict(list)
    for link, person in db.exec(
        select(SessionPerson, Person)
        .join(Person, col(Person.id) == SessionPerson.person_id)
        .where(Person.summit_id == summit.id)
        .order_by(col(SessionPerson.position))
    ):
        people[link.session_id].append(f"{person.full_name} ({link.role})")
    languages = summit.languages or [summit.default_language]
    header = [
        "code",
        *(f"title_{language}" for language in languages),
        "kind",
        "status",
        "delay_minutes",
        "published",
        "starts_at",
        "ends_at",
        "stream",
        "theme",
        "languages",
        "people",
        "revision",
    ]
    return to_csv(
        header,
        (
            [
                row.code,
                *(_in(row.title, language) for language in languages),
                str(row.kind),
                str(row.status),
                row.delay_minutes,
                "yes" if row.is_published else "no",
                row.starts_at.astimezone(zone).isoformat() if row.starts_at else None,
                row.ends_at.astimezone(zone).isoformat() if row.ends_at else None,
                streams[row.stream_id].slug if row.stream_id in streams else None,
                tracks[row.track_id].slug if row.track_id in tracks else None,
                " ".join(row.languages),
                "; ".join(people[row.id or 0]),
                row.revision,
            ]
            for row in rows
        ),
    )


def people(db: Session, *, summit: Summit) -> bytes:
    """Everyone on the programme, with the private contact organisers keep."""
    language = summit.default_language
    delegations = {
        row.id: row.slug
        for row in db.exec(select(Delegation).where(Delegation.summit_id == summit.id))
    }
    rows = db.exec(
        select(Person).where(Person.summit_id == summit.id).order_by(col(Person.full_name))
    )
    return to_csv(
        ["slug", "full_name", "title", "organisation", "delegation", "delegation_role", "email"],
        (
            [
                person.slug,
                person.full_name,
                _in(person.title, language),
                _in(person.organisation, language),
                delegations.get(person.delegation_id) if person.delegation_id else None,
                str(person.delegation_role) if person.delegation_role else None,
                person.email,
            ]
            for person in rows
        ),
    )


def delegations(db: Session, *, summit: Summit) -> bytes:
    """Every delegation, with its head and its number of members."""
    languages = summit.languages or [summit.default_language]
    members: dict[int, list[Person]] = defaultdict(list)
    for person in db.exec(
        select(Person).where(Person.summit_id == summit.id, col(Person.delegation_id).is_not(None))
    ):
        members[person.delegation_id or 0].append(person)
    rows = db.exec(
        select(Delegation).where(Delegation.summit_id == summit.id).order_by(col(Delegation.slug))
    )
    return to_csv(
        [
            "slug",
            *(f"name_{language}" for language in languages),
            "kind",
            "country",
            "head",
            "members",
        ],
        (
            [
                row.slug,
                *(_in(row.name, language) for language in languages),
                str(row.kind),
                row.country_code,
                next(
                    (p.full_name for p in members[row.id or 0] if p.delegation_role == "head"),
                    None,
                ),
                len(members[row.id or 0]),
            ]
            for row in rows
        ),
    )
