"""Changes to the programme. Keyword-only; the caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass

from babel.lists import format_list
from sqlmodel import Session, col, select

from summit.agenda import search_index
from summit.agenda.forms import SessionInput, StreamInput, SummitInput, TrackInput
from summit.agenda.models import ProgrammeSession, SessionPerson, Stream, Summit, Track
from summit.agenda.players import (
    DEFAULT_PLAYERS,
    PROVIDERS,
    PlayerPolicy,
    playable,
    unplayable,
)
from summit.columns import utcnow
from summit.errors import DomainError
from summit.i18n.viewer import N_, current_viewer, gettext
from summit.people.models import Person
from summit.persistence import assign, pk

UNPLAYABLE = N_("No video provider allowed here plays this address: give %(choices)s.")
_CHOICES = {
    "youtube-nocookie": N_("a YouTube video"),
    "vimeo": N_("a Vimeo video"),
    "hls": N_("a stream from this summit's own servers"),
}


@dataclass(frozen=True)
class PlayableChoices:
    """What this deployment's players play, for ``UNPLAYABLE``: the providers the settings
    allow, not a fixed list. Said in the viewer's language when the message is written (the
    route translates it; the refusal itself is raised in a worker thread)."""

    players: PlayerPolicy

    def __str__(self) -> str:
        allowed = self.players.providers - ({"hls"} if not self.players.hls_origins else set())
        words = [gettext(_CHOICES[name]) for name in PROVIDERS if name in allowed]
        return format_list(words, style="or", locale=current_viewer().language)


def upsert_summit(db: Session, *, data: SummitInput) -> Summit:
    """Create the summit with this slug, or bring it up to date."""
    summit = db.exec(select(Summit).where(Summit.slug == data.slug)).first()
    if summit is None:
        summit = Summit(**data.model_dump())
        db.add(summit)
    else:
        assign(summit, data.model_dump())
    db.flush()
    return summit


def upsert_track(db: Session, *, summit: Summit, data: TrackInput) -> Track:
    """Create or update the theme with this slug; a new name reaches the public search (and the
    published pages) at once."""
    track = db.exec(
        select(Track).where(Track.summit_id == summit.id, Track.slug == data.slug)
    ).first()
    if track is None:
        track = Track(summit_id=pk(summit), **data.model_dump())
        db.add(track)
        db.flush()
        return track
    if assign(track, data.model_dump()):
        db.flush()
        search_index.reflect_change(db, summit=summit, track_ids=[pk(track)])
    return track


def upsert_stream(db: Session, *, summit: Summit, data: StreamInput) -> Stream:
    stream = db.exec(
        select(Stream).where(Stream.summit_id == summit.id, Stream.slug == data.slug)
    ).first()
    if stream is None:
        stream = Stream(summit_id=pk(summit), **data.model_dump())
        db.add(stream)
    else:
        assign(stream, data.model_dump())
    db.flush()
    return stream


def upsert_session(
    db: Session,
    *,
    summit: Summit,
    data: SessionInput,
    players: PlayerPolicy = DEFAULT_PLAYERS,
) -> ProgrammeSession:
    """Create or update the session with this code, and set exactly the people it lists.

    The room's addresses are kept as ``players`` (the deployment's setting; routes pass it)
    loads them, and refused when no provider it
    allows plays them. A draft change: the public programme, and its search, change at the
    next publication."""
    _check_belongs(db, summit=summit, data=data)
    refused = unplayable(players, channels=data.channels, recording_url=data.recording_url)
    if refused:
        raise DomainError(UNPLAYABLE, field=refused[0], choices=PlayableChoices(players))
    values = {
        **data.model_dump(exclude={"people"}),
        **playable(players, channels=data.channels, recording_url=data.recording_url),
    }
    session = db.exec(
        select(ProgrammeSession).where(
            ProgrammeSession.summit_id == summit.id, ProgrammeSession.code == data.code
        )
    ).first()
    if session is None:
        session = ProgrammeSession(summit_id=pk(summit), **values)
        db.add(session)
        db.flush()
        _set_people(db, session=session, data=data)
        return session
    changed = assign(session, values)
    changed = _set_people(db, session=session, data=data) or changed
    if changed:
        session.revision += 1
        session.updated_at = utcnow()
    db.flush()
    return session


def _check_belongs(db: Session, *, summit: Summit, data: SessionInput) -> None:
    if data.stream_id is not None:
        stream = db.get(Stream, data.stream_id)
        if stream is None or stream.summit_id != summit.id:
            raise DomainError("No such stream in this summit.", field="stream_id")
    if data.track_id is not None:
        track = db.get(Track, data.track_id)
        if track is None or track.summit_id != summit.id:
            raise DomainError("No such theme in this summit.", field="track_id")
    person_ids = {entry.person_id for entry in data.people}
    if person_ids:
        found = db.exec(
            select(Person.id).where(col(Person.id).in_(person_ids), Person.summit_id == summit.id)
        ).all()
        if set(found) != person_ids:
            raise DomainError("No such person in this summit.", field="people")


def _set_people(db: Session, *, session: ProgrammeSession, data: SessionInput) -> bool:
    wanted = {(entry.person_id, entry.role): index for index, entry in enumerate(data.people)}
    existing = db.exec(select(SessionPerson).where(SessionPerson.session_id == session.id)).all()
    changed = False
    for row in existing:
        key = (row.person_id, row.role)
        if key not in wanted:
            db.delete(row)
            changed = True
        else:
            changed = assign(row, {"position": wanted.pop(key)}) or changed
    for (person_id, role), position in wanted.items():
        db.add(
            SessionPerson(session_id=pk(session), person_id=person_id, role=role, position=position)
        )
        changed = True
    return changed
