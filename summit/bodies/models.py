"""Tables of bodies (committees, networks), their members and the sessions linked to them."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from summit.columns import Localized, localized_field, timestamp_field


class BodyKind(StrEnum):
    COMMITTEE = "committee"
    NETWORK = "network"


class SeatKind(StrEnum):
    GOVERNMENT = "government"
    CIVIL_SOCIETY = "civil_society"
    EXECUTIVE = "executive"


class MemberRole(StrEnum):
    CHAIR = "chair"
    CO_CHAIR = "co_chair"
    MEMBER = "member"


class Body(SQLModel, table=True):
    """A committee or a network of the partnership."""

    id: int | None = Field(default=None, primary_key=True)
    summit_id: int = Field(foreign_key="summit.id", ondelete="CASCADE", index=True)
    slug: str = Field(max_length=64)
    kind: BodyKind = Field(sa_type=String(16))
    name: Localized = localized_field()
    description: Localized = localized_field()
    seats: int | None = None
    """How many members the body has by its rules (the Steering Committee: 22); None: open."""
    created_at: datetime = timestamp_field()

    __table_args__ = (
        UniqueConstraint("summit_id", "slug"),
        CheckConstraint("seats IS NULL OR seats > 0", "seats_positive"),
    )


class BodyMember(SQLModel, table=True):
    """A seat held on a body: by a delegation, or by an organisation named here (a
    civil-society seat whose organisation is not a delegation of the summit)."""

    __tablename__ = "body_member"

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="body.id", ondelete="CASCADE", index=True)
    delegation_id: int | None = Field(
        default=None, foreign_key="delegation.id", ondelete="CASCADE", index=True
    )
    organisation: Localized = localized_field()
    """The organisation's name when the seat is not a delegation's."""
    seat_kind: SeatKind = Field(sa_type=String(16))
    role: MemberRole = Field(default=MemberRole.MEMBER, sa_type=String(16))
    term_from: date
    term_to: date | None = None
    """The last day of the term; None: open-ended."""
    is_placeholder: bool = False
    """A fictional seat the demo adds so that the body has its real size."""
    position: int = 0

    __table_args__ = (
        CheckConstraint("term_to IS NULL OR term_to >= term_from", "term_ends_after_start"),
    )


class BodySession(SQLModel, table=True):
    """A programme session linked to a body (its launch, its meeting)."""

    __tablename__ = "body_session"

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="body.id", ondelete="CASCADE", index=True)
    session_id: int = Field(foreign_key="programme_session.id", ondelete="CASCADE", index=True)

    __table_args__ = (UniqueConstraint("body_id", "session_id"),)
