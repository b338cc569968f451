"""Reading the library for pages, feeds and the API, and the catalogue's filters and search.

The catalogue's search reads the words each practice stores (``Practice.search_words``, made
by ``summit.search_text.index_text``) and the query's (``query_words``): the programme's
normaliser, so that case, accents, harakat, spelling variants and the Arabic article are
ignored alike. A network shares tens or hundreds of practices, so the matching runs over the
body's published practices in Python rather than through a second full-text index: the same
rule as the programme's (every word matches, as a word or the start of one), ranked title
first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from summit.agenda.models import ProgrammeSession, Track
from summit.bodies.models import Body
from summit.people.models import Delegation
from summit.practices.models import (
    Practice,
    PracticeFile,
    PracticeSession,
    PracticeStatus,
    PracticeTheme,
)
from summit.search_text import index_text, query_words


@dataclass(frozen=True)
class PracticeCard:
    practice: Practice
    delegation: Delegation | None
    themes: list[Track]


@dataclass(frozen=True)
class PracticeView:
    card: PracticeCard
    files: list[PracticeFile]
    session_ids: list[int]
    """Linked sessions; pages show only those on the published programme."""


@dataclass(frozen=True)
class Filters:
    country: str = ""
    theme: str = ""
    language: str = ""
    query: str = ""
    words: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.country or self.theme or self.language or self.query)


def _cards(db: Session, practices: list[Practice]) -> list[PracticeCard]:
    """Cards for these practices, in three queries whatever their number."""
    if not practices:
        return []
    ids = [practice.id for practice in practices]
    delegation_ids = {p.delegation_id for p in practices if p.delegation_id is not None}
    delegations = {
        row.id: row
        for row in db.exec(select(Delegation).where(col(Delegation.id).in_(delegation_ids)))
    }
    themes: dict[int, list[Track]] = {}
    for link, track in db.exec(
        select(PracticeTheme, Track)
        .join(Track, col(Track.id) == PracticeTheme.track_id)
        .where(col(PracticeTheme.practice_id).in_(ids))
        .order_by(col(Track.position), col(Track.id))
    ):
        themes.setdefault(link.practice_id, []).append(track)
    return [
        PracticeCard(
            practice=practice,
            delegation=delegations.get(practice.delegation_id or 0),
            themes=themes.get(practice.id or 0, []),
        )
        for practice in practices
    ]


def published(db: Session, *, body: Body) -> list[PracticeCard]:
    """The body's published practices, newest first."""
    rows = db.exec(
        select(Practice)
        .where(Practice.body_id == body.id, Practice.status == PracticeStatus.PUBLISHED)
        .order_by(col(Practice.published_at).desc(), col(Practice.id).desc())
    ).all()
    return _cards(db, list(rows))


def of_statuses(
    db: Session, *, body: Body, statuses: Iterable[PracticeStatus], account_id: int | None = None
) -> list[PracticeCard]:
    """The body's practices in these statuses (of one submitter when given), oldest first:
    the moderation queue and a submitter's own list."""
    query = select(Practice).where(
        Practice.body_id == body.id, col(Practice.status).in_(list(statuses))
    )
    if account_id is not None:
        query = query.where(Practice.submitter_account_id == account_id)
    rows = db.exec(query.order_by(col(Practice.updated_at), col(Practice.id))).all()
    return _cards(db, list(rows))


def practice_of_body(db: Session, *, body: Body, practice_id: int) -> Practice | None:
    found = db.get(Practice, practice_id)
    return found if found is not None and found.body_id == body.id else None


def practice_view(db: Session, *, practice: Practice) -> PracticeView:
    files = db.exec(
        select(PracticeFile)
        .where(PracticeFile.practice_id == practice.id)
        .order_by(col(PracticeFile.id))
    ).all()
    linked = db.exec(
        select(PracticeSession.session_id).where(PracticeSession.practice_id == practice.id)
    ).all()
    return PracticeView(card=_cards(db, [practice])[0], files=list(files), session_ids=list(linked))


def linked_codes(db: Session, *, practice: Practice) -> list[str]:
    return list(
        db.exec(
            select(ProgrammeSession.code)
            .join(PracticeSession, col(PracticeSession.session_id) == ProgrammeSession.id)
            .where(PracticeSession.practice_id == practice.id)
            .order_by(col(ProgrammeSession.code))
        )
    )


def presented_at(db: Session, *, session_id: int) -> list[tuple[Body, Practice]]:
    """The published practices linked to a session, with their body."""
    rows = db.exec(
        select(Body, Practice)
        .join(Practice, col(Practice.body_id) == Body.id)
        .join(PracticeSession, col(PracticeSession.practice_id) == Practice.id)
        .where(
            PracticeSession.session_id == session_id,
            Practice.status == PracticeStatus.PUBLISHED,
        )
        .order_by(col(Practice.id))
    ).all()
    return [(body, practice) for body, practice in rows]


def filters(*, country: str, theme: str, language: str, query: str) -> Filters:
    return Filters(
        country=country.strip().upper()[:2],
        theme=theme.strip()[:64],
        language=language.strip()[:8],
        query=query.strip()[:200],
        words=query_words(query[:200]),
    )


def _matches(indexed: list[str], words: list[str]) -> bool:
    return all(any(found.startswith(word) for found in indexed) for word in words)


def chosen(cards: list[PracticeCard], wanted: Filters) -> list[PracticeCard]:
    """The cards that pass the filters, best match first when there are search words (a title
    match before a summary-only one; otherwise newest first)."""
    kept: list[tuple[int, int, PracticeCard]] = []
    for index, card in enumerate(cards):
        practice = card.practice
        if wanted.country and practice.country_code != wanted.country:
            continue
        if wanted.theme and wanted.theme not in {track.slug for track in card.themes}:
            continue
        if wanted.language and wanted.language not in practice.title:
            continue
        if wanted.query and not wanted.words:
            continue  # a query without letters or digits finds nothing, as the programme's
        if wanted.words:
            if not _matches(practice.search_words.split(), wanted.words):
                continue
            in_title = _matches(index_text(*practice.title.values()).split(), wanted.words)
            kept.append((0 if in_title else 1, index, card))
        else:
            kept.append((0, index, card))
    kept.sort(key=lambda item: (item[0], item[1]))
    return [card for _, _, card in kept]
