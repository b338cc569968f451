"""Tables of elections: candidates, the electorate, and ballots that name no voter."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from summit.columns import Localized, list_field, localized_field, timestamp_field, utc_field


class VotingMethod(StrEnum):
    PLURALITY = "plurality"
    """Each ballot names up to as many candidates as there are seats."""
    APPROVAL = "approval"
    """Each ballot names any number of candidates."""


class TieRule(StrEnum):
    DRAW = "draw"
    """Tied candidates are ordered by a draw from the election's published seed."""
    NAME = "name"
    """Tied candidates are ordered by their short name (slug), A to Z."""


class Election(SQLModel, table=True):
    """An election for some of a body's seats, open to ballots in a window."""

    id: int | None = Field(default=None, primary_key=True)
    summit_id: int = Field(foreign_key="summit.id", ondelete="CASCADE", index=True)
    body_id: int = Field(foreign_key="body.id", ondelete="CASCADE", index=True)
    slug: str = Field(max_length=64)
    title: Localized = localized_field()
    seats: int
    method: VotingMethod = Field(sa_type=String(16))
    tie_rule: TieRule = Field(sa_type=String(16))
    draw_seed: str = Field(max_length=64)
    """Declared when the election opens, so anyone can redo a draw between tied candidates."""
    opens_at: datetime = utc_field()
    closes_at: datetime = utc_field()
    counted_at: datetime | None = timestamp_field(nullable=True)
    result: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    """The count made at close (tallies, elected, ties); shown once published."""
    published_at: datetime | None = timestamp_field(nullable=True)
    created_at: datetime = timestamp_field()

    __table_args__ = (
        UniqueConstraint("summit_id", "slug"),
        CheckConstraint("closes_at > opens_at", "closes_after_opening"),
        CheckConstraint("seats > 0", "seats_positive"),
    )


class ElectionCandidate(SQLModel, table=True):
    __tablename__ = "election_candidate"

    id: int | None = Field(default=None, primary_key=True)
    election_id: int = Field(foreign_key="election.id", ondelete="CASCADE", index=True)
    delegation_id: int = Field(foreign_key="delegation.id", ondelete="CASCADE")

    __table_args__ = (UniqueConstraint("election_id", "delegation_id"),)


class ElectionVoter(SQLModel, table=True):
    """One delegation of the electorate, and only whether it has voted (never when, nor how)."""

    __tablename__ = "election_voter"

    id: int | None = Field(default=None, primary_key=True)
    election_id: int = Field(foreign_key="election.id", ondelete="CASCADE", index=True)
    delegation_id: int = Field(foreign_key="delegation.id", ondelete="CASCADE")
    has_voted: bool = False

    __table_args__ = (UniqueConstraint("election_id", "delegation_id"),)


class Ballot(SQLModel, table=True):
    """A cast ballot. It holds no voter, no time and no sequence: its key is the SHA-256 of
    the voter's receipt code, which is random, so nothing orders ballots by when they came."""

    receipt_hash: str = Field(primary_key=True, max_length=64)
    election_id: int = Field(foreign_key="election.id", ondelete="CASCADE", index=True)
    choices: list[int] = list_field()
    """The chosen candidates' delegation ids, sorted."""

    # Without SQLite's hidden rowid, the file keeps no order of arrival either.
    __table_args__ = {"sqlite_with_rowid": False}
