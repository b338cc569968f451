"""The summit's story on its home page: the opening, the high-level dialogues, the committees
and networks with the sessions about them, and the awards with their ceremonies. Everything is
read from the published programme and the summit's bodies and awards, so any summit gets its
own highlights without being told which they are."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from summit.agenda.models import SessionKind
from summit.agenda.queries import Programme, SessionCard
from summit.awards.models import Award
from summit.bodies.models import Body, BodySession
from summit.bodies.queries import bodies


@dataclass(frozen=True)
class BodyHighlight:
    body: Body
    cards: list[SessionCard]
    """Its sessions on the published programme, by start."""


@dataclass(frozen=True)
class AwardHighlight:
    award: Award
    ceremony: SessionCard | None
    """The session that announces its results, when it is on the published programme."""


@dataclass(frozen=True)
class Highlights:
    opening: SessionCard | None
    dialogues: list[SessionCard]
    bodies: list[BodyHighlight]
    awards: list[AwardHighlight]

    @property
    def empty(self) -> bool:
        return not (self.opening or self.dialogues or self.bodies or self.awards)


def highlights(db: Session, *, programme: Programme) -> Highlights:
    """The home page's highlights, in three queries (bodies, their sessions, awards)."""
    summit = programme.summit
    cards = sorted(programme.cards, key=lambda card: card.shown_start)
    by_id = {card.session.id: card for card in cards}
    shown = [card for card in cards if card.session.status != "cancelled"]
    plenaries = [card for card in shown if card.session.kind == SessionKind.PLENARY]
    found_bodies = bodies(db, summit=summit)
    linked: dict[int, list[SessionCard]] = {body.id or 0: [] for body in found_bodies}
    if found_bodies:
        rows = db.exec(select(BodySession).where(col(BodySession.body_id).in_(list(linked)))).all()
        for row in rows:
            if row.session_id in by_id:
                linked[row.body_id].append(by_id[row.session_id])
    awards = db.exec(
        select(Award).where(Award.summit_id == summit.id).order_by(col(Award.slug))
    ).all()
    return Highlights(
        opening=plenaries[0] if plenaries else None,
        dialogues=[card for card in shown if card.session.kind == SessionKind.HIGH_LEVEL_DIALOGUE],
        bodies=[
            BodyHighlight(
                body=body,
                cards=sorted(linked[body.id or 0], key=lambda card: card.shown_start),
            )
            for body in found_bodies
        ],
        awards=[
            AwardHighlight(
                award=award,
                ceremony=by_id.get(award.ceremony_session_id or 0),
            )
            for award in awards
        ],
    )
