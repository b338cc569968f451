"""What a speaker changes on their own portal: their profile, their answers, their slides.

Every function takes the person the caller speaks as (from their role, never from the form),
so a speaker can reach nothing but their own entry and the sessions it is on.
Keyword-only; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from summit.agenda import search_index
from summit.agenda.models import (
    ProgrammeSession,
    PublishedSession,
    SessionPerson,
    SpeakerAnswer,
    Summit,
)
from summit.awards.attachments import check_upload, store_file
from summit.errors import DomainError, NotFound
from summit.events import DomainEvent, SpeakerAnswered
from summit.i18n.viewer import N_plural
from summit.people.models import Person, SessionSlides
from summit.people.photos import photo_path
from summit.persistence import assign, pk
from summit.validation import MAX_SHORT_TEXT, MAX_TEXT

PORTAL_LANGUAGES = ("en", "fr", "ar")
MAX_LINKS = 5
MAX_LINK_LENGTH = 500
SLIDES_FOLDER = "slides"
_NEVER = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ProfileInput:
    title: dict[str, str]
    organisation: dict[str, str]
    bio: dict[str, str]
    links: list[str]


def read_profile(fields: dict[str, str]) -> ProfileInput:
    """The profile from a form's ``title_en``, ``bio_ar``, ``links``…; a refusal names its
    field."""
    texts: dict[str, dict[str, str]] = {}
    for name, limit in (("title", MAX_SHORT_TEXT), ("organisation", MAX_SHORT_TEXT)):
        texts[name] = _texts(fields, name, limit)
    texts["bio"] = _texts(fields, "bio", MAX_TEXT)
    return ProfileInput(**texts, links=read_links(fields.get("links", "")))


def _texts(fields: dict[str, str], name: str, limit: int) -> dict[str, str]:
    found = {}
    for code in PORTAL_LANGUAGES:
        text = fields.get(f"{name}_{code}", "").replace("\x00", "").strip()
        if len(text) > limit:
            raise DomainError(
                N_plural("Use at most %(num)d character.", "Use at most %(num)d characters."),
                field=name,
                num=limit,
            )
        if text:
            found[code] = text
    return found


def read_links(text: str) -> list[str]:
    """One https address a line, at most ``MAX_LINKS``."""
    links = [line.strip() for line in text.splitlines() if line.strip()]
    if len(links) > MAX_LINKS:
        raise DomainError(
            N_plural("Give at most %(num)d address.", "Give at most %(num)d addresses."),
            field="links",
            num=MAX_LINKS,
        )
    for link in links:
        parts = urlsplit(link)
        if (
            parts.scheme != "https"
            or not parts.hostname
            or len(link) > MAX_LINK_LENGTH
            or any(char.isspace() or ord(char) < 32 for char in link)
        ):
            raise DomainError("Give addresses that start with https://.", field="links")
    return links


def update_profile(db: Session, *, summit: Summit, person: Person, data: ProfileInput) -> None:
    """Replace the person's title, organisation and biography in the portal's languages (texts
    in other languages, written by organisers, are kept) and their links."""
    values: dict[str, object] = {"links": data.links}
    for name in ("title", "organisation", "bio"):
        current: dict[str, str] = dict(getattr(person, name) or {})
        kept = {code: text for code, text in current.items() if code not in PORTAL_LANGUAGES}
        values[name] = {**kept, **getattr(data, name)}
    if assign(person, values):
        db.flush()
        _shown_changed(db, summit=summit, person=person)


def set_photo(
    db: Session, *, summit: Summit, person: Person, stored_name: str | None
) -> str | None:
    """Point the person at a new photo (or none); returns the old photo's name to delete once
    the change is committed."""
    old = person.photo_name
    person.photo_name = stored_name
    db.add(person)
    db.flush()
    _shown_changed(db, summit=summit, person=person)
    return old


def _shown_changed(db: Session, *, summit: Summit, person: Person) -> None:
    """The public pages show the person (their speaker page is cached by the programme stamp):
    a new title reaches the search too; a new biography or photo only needs the stamp."""
    if not search_index.reflect_change(db, summit=summit, person_ids=[pk(person)]):
        summit.programme_stamp += 1
        db.add(summit)
        db.flush()


def sessions_of(db: Session, *, person_id: int) -> list[tuple[SessionPerson, ProgrammeSession]]:
    """The person's places on the draft programme, by start (unscheduled ones last)."""
    rows = db.exec(
        select(SessionPerson, ProgrammeSession)
        .join(ProgrammeSession, col(ProgrammeSession.id) == SessionPerson.session_id)
        .where(SessionPerson.person_id == person_id)
    ).all()
    return sorted(
        ((link, session) for link, session in rows),
        key=lambda row: (row[1].starts_at is None, row[1].starts_at or _NEVER, row[1].code),
    )


def _place(db: Session, *, person_id: int, session_id: int) -> list[SessionPerson]:
    places = list(
        db.exec(
            select(SessionPerson).where(
                SessionPerson.person_id == person_id, SessionPerson.session_id == session_id
            )
        )
    )
    if not places:
        # Another's session answers like a missing one.
        raise NotFound("No such session.")
    return places


def answer_session(
    db: Session,
    *,
    summit: Summit,
    person_id: int,
    session_id: int,
    answer: SpeakerAnswer,
    now: datetime,
) -> list[DomainEvent]:
    """Record that the person will take part in the session, or will not (for each of their
    roles in it)."""
    changed = False
    for place in _place(db, person_id=person_id, session_id=session_id):
        changed = changed or place.answer != answer
        place.answer = answer
        place.answered_at = now
        db.add(place)
    db.flush()
    return [SpeakerAnswered(summit_id=pk(summit), session_id=session_id)] if changed else []


def add_slides(
    db: Session, *, person_id: int, session_id: int, folder: Path, name: str, data: bytes
) -> tuple[Path, Path | None]:
    """Check and store the person's slides (a PDF) for a session they are on, replacing any
    they gave before; returns where the file went (to remove should the transaction fail) and
    the replaced file (to remove once it succeeds)."""
    _place(db, person_id=person_id, session_id=session_id)
    try:
        content_type = check_upload(name, data)
    except DomainError as refused:
        raise DomainError(refused.template, field="slides", **refused.params) from refused
    if content_type != "application/pdf":
        raise DomainError("Slides are given as a PDF file.", field="slides")
    stored = store_file(folder / SLIDES_FOLDER, name=name, data=data, content_type=content_type)
    row = db.exec(
        select(SessionSlides).where(
            SessionSlides.session_id == session_id, SessionSlides.person_id == person_id
        )
    ).first()
    replaced = slides_path(folder, row) if row is not None else None
    if row is None:
        row = SessionSlides(
            session_id=session_id,
            person_id=person_id,
            original_name="",
            stored_name="",
            size_bytes=0,
            sha256="",
        )
    columns = stored.columns()
    del columns["content_type"]  # always a PDF
    assign(row, columns)
    db.add(row)
    db.flush()
    return stored.path, replaced


def slides_path(folder: Path, slides: SessionSlides) -> Path:
    # Stored names are ours (hex), never the sender's, so this cannot leave the folder.
    return folder / SLIDES_FOLDER / slides.stored_name


def files_of(db: Session, folder: Path, person: Person) -> list[Path]:
    """Where the person's own files are kept: their photo, and their slides for each session."""
    slides = slides_of(db, person_id=pk(person)).values()
    photo = [photo_path(folder, person.photo_name)] if person.photo_name else []
    return photo + [slides_path(folder, row) for row in slides]


def slides_of(db: Session, *, person_id: int) -> dict[int, SessionSlides]:
    """The person's own slides, by session."""
    return {
        row.session_id: row
        for row in db.exec(select(SessionSlides).where(SessionSlides.person_id == person_id))
    }


def published_slides(
    db: Session, *, summit: Summit, session_id: int
) -> list[tuple[SessionSlides, Person]]:
    """The slides of a session the public can see, with whose they are, by speaker: only of
    the people the published session has (one taken off it keeps their file, unshown)."""
    published = db.get(PublishedSession, session_id)
    if published is None or published.summit_id != summit.id:
        return []
    rows = db.exec(
        select(SessionSlides, Person)
        .join(Person, col(Person.id) == SessionSlides.person_id)
        .where(
            SessionSlides.session_id == session_id,
            col(SessionSlides.person_id).in_(published.person_ids),
        )
        .order_by(col(Person.full_name))
    ).all()
    return [(slides, person) for slides, person in rows]


def downloadable_slides(db: Session, *, summit: Summit, slides_id: int) -> SessionSlides:
    """Slides anyone may download: those of a person on a published session of this summit."""
    slides = db.get(SessionSlides, slides_id)
    published = db.get(PublishedSession, slides.session_id) if slides is not None else None
    if (
        slides is None
        or published is None
        or published.summit_id != summit.id
        or slides.person_id not in published.person_ids
    ):
        raise NotFound("No such file.")
    return slides
