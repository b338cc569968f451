"""Tables of the award."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Index, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from summit.columns import BigID, Localized, list_field, localized_field, timestamp_field, utc_field


class EntityKind(StrEnum):
    LOCAL_GOVERNMENT = "local_government"
    REGIONAL_GOVERNMENT = "regional_government"
    CIVIL_SOCIETY = "civil_society"
    PARTNERSHIP = "partnership"


class SubmissionStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class ConflictSource(StrEnum):
    COUNTRY = "country"
    ORGANISATION = "organisation"
    DECLARED = "declared"


class CardStatus(StrEnum):
    DRAFT = "draft"
    FINAL = "final"


class Award(SQLModel, table=True):
    """An award call with its rubric, rounds and jury."""

    id: int | None = Field(default=None, primary_key=True)
    summit_id: int = Field(foreign_key="summit.id", ondelete="CASCADE", index=True)
    slug: str = Field(max_length=96)
    category: str = Field(max_length=64)
    name: Localized = localized_field()
    description: Localized = localized_field()
    eligibility: Localized = localized_field()
    opens_at: datetime = utc_field()
    closes_at: datetime = utc_field()
    scoring_closes_at: datetime = utc_field()
    """Scores lock at this moment by the server's clock."""
    blind: bool = False
    normalise: bool = False
    """Show per-juror z-score normalised totals beside the raw ones."""
    tie_break: list[str] = list_field()
    """Declared before judging: ``criterion:<slug>``, ``first_places``, ``chair``."""
    ceremony_session_id: int | None = Field(
        default=None, foreign_key="programme_session.id", ondelete="SET NULL"
    )
    results_published_at: datetime | None = timestamp_field(nullable=True)

    __table_args__ = (
        UniqueConstraint("summit_id", "slug"),
        CheckConstraint("closes_at > opens_at", "closes_after_opening"),
        CheckConstraint("scoring_closes_at >= closes_at", "scoring_after_closing"),
    )


class AwardRound(SQLModel, table=True):
    """A judging round; its shortlist goes on to the next one."""

    __tablename__ = "award_round"

    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(foreign_key="award.id", ondelete="CASCADE")
    number: int = Field(ge=1)
    name: Localized = localized_field()
    shortlist_size: int | None = None

    __table_args__ = (UniqueConstraint("award_id", "number"),)


class Criterion(SQLModel, table=True):
    """A rubric criterion: what jurors score, on which scale, with which weight."""

    __tablename__ = "award_criterion"

    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(foreign_key="award.id", ondelete="CASCADE")
    slug: str = Field(max_length=64)
    position: int = 0
    name: Localized = localized_field()
    description: Localized = localized_field()
    weight: float
    scale_min: int = 0
    scale_max: int = 10

    __table_args__ = (
        UniqueConstraint("award_id", "slug"),
        CheckConstraint("weight >= 0", "weight_not_negative"),
        CheckConstraint("scale_max > scale_min", "scale_in_order"),
    )


class Submission(SQLModel, table=True):
    """An entry to an award call."""

    __tablename__ = "award_submission"

    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(foreign_key="award.id", ondelete="CASCADE")
    code: str = Field(max_length=64)
    status: SubmissionStatus = Field(default=SubmissionStatus.SUBMITTED, sa_type=String(16))
    entity_name: str = Field(max_length=300)
    entity_kind: EntityKind = Field(sa_type=String(32))
    country_code: str | None = Field(default=None, max_length=2)
    delegation_id: int | None = Field(
        default=None, foreign_key="delegation.id", ondelete="SET NULL"
    )
    organisation: str = Field(default="", max_length=300)
    contact_name: str = Field(default="", max_length=200)
    contact_email: str = Field(default="", max_length=320)
    language: str = Field(max_length=8)
    title: str = Field(max_length=300)
    summary: str = Field(max_length=5000)
    submitter_account_id: int | None = Field(
        default=None, foreign_key="account.id", ondelete="SET NULL"
    )
    round_number: int = 1
    """The furthest round this submission reached."""
    submitted_at: datetime | None = timestamp_field(nullable=True)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()

    __table_args__ = (UniqueConstraint("award_id", "code"),)


class Attachment(SQLModel, table=True):
    """A file attached to a submission, stored under a random name outside the static folder."""

    __tablename__ = "submission_attachment"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="award_submission.id", ondelete="CASCADE", index=True)
    original_name: str = Field(max_length=255)
    stored_name: str = Field(max_length=64, unique=True)
    content_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    uploaded_at: datetime = timestamp_field()


class JuryMember(SQLModel, table=True):
    __tablename__ = "jury_member"

    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(foreign_key="award.id", ondelete="CASCADE")
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    is_chair: bool = False

    __table_args__ = (
        UniqueConstraint("award_id", "account_id"),
        Index(
            "uq_jury_member_chair",
            "award_id",
            unique=True,
            sqlite_where=text("is_chair"),
            postgresql_where=text("is_chair"),
        ),
    )


class JuryAssignment(SQLModel, table=True):
    """A submission given to a juror to score in one round."""

    __tablename__ = "jury_assignment"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="award_round.id", ondelete="CASCADE")
    submission_id: int = Field(foreign_key="award_submission.id", ondelete="CASCADE", index=True)
    jury_member_id: int = Field(foreign_key="jury_member.id", ondelete="CASCADE", index=True)
    automatic: bool = False
    assigned_at: datetime = timestamp_field()

    __table_args__ = (UniqueConstraint("round_id", "submission_id", "jury_member_id"),)


class Conflict(SQLModel, table=True):
    """A juror's conflict of interest with one submission: found by rule or declared."""

    __tablename__ = "conflict_of_interest"

    id: int | None = Field(default=None, primary_key=True)
    jury_member_id: int = Field(foreign_key="jury_member.id", ondelete="CASCADE")
    submission_id: int = Field(foreign_key="award_submission.id", ondelete="CASCADE", index=True)
    source: ConflictSource = Field(sa_type=String(16))
    reason: str = Field(default="", max_length=1000)
    created_at: datetime = timestamp_field()

    __table_args__ = (UniqueConstraint("jury_member_id", "submission_id"),)


class ScoreCard(SQLModel, table=True):
    """A juror's scoresheet for one assignment."""

    __tablename__ = "score_card"

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="jury_assignment.id", ondelete="CASCADE", unique=True)
    status: CardStatus = Field(default=CardStatus.DRAFT, sa_type=String(8))
    comment: str = Field(default="", max_length=10000)
    revision: int = 0
    """Rises with every save, so that a stale tab cannot overwrite a newer one."""
    updated_at: datetime = timestamp_field()
    finalised_at: datetime | None = timestamp_field(nullable=True)
    reopened_at: datetime | None = timestamp_field(nullable=True)
    """Set when an organiser reopens the card after the deadline; cleared when it is final again."""


class Score(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="score_card.id", ondelete="CASCADE")
    criterion_id: int = Field(foreign_key="award_criterion.id", ondelete="CASCADE", index=True)
    value: float
    updated_at: datetime = timestamp_field()

    __table_args__ = (UniqueConstraint("card_id", "criterion_id"),)


class AwardResult(SQLModel, table=True):
    """A place (1, 2, 3) or an honourable mention, decided by the organisers."""

    __tablename__ = "award_result"

    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(foreign_key="award.id", ondelete="CASCADE")
    submission_id: int = Field(foreign_key="award_submission.id", ondelete="CASCADE")
    place: int | None = None
    is_mention: bool = False
    reason: str = Field(default="", max_length=2000)
    """Why, when the place overrides the ranking."""
    decided_at: datetime = timestamp_field()
    revealed_at: datetime | None = timestamp_field(nullable=True)

    __table_args__ = (
        UniqueConstraint("award_id", "submission_id"),
        CheckConstraint(
            "(place IS NULL AND is_mention) OR (place BETWEEN 1 AND 3 AND NOT is_mention)",
            "place_or_mention",
        ),
        Index(
            "uq_award_result_place",
            "award_id",
            "place",
            unique=True,
            sqlite_where=text("place IS NOT NULL"),
            postgresql_where=text("place IS NOT NULL"),
        ),
    )


class ScoreLog(SQLModel, table=True):
    """One change to a scoresheet: a score, the comment or the status. Rows are only added;
    replaying them in id order rebuilds every card."""

    __tablename__ = "score_log"

    id: int | None = Field(
        default=None, sa_column=Column(BigID, primary_key=True, autoincrement=True)
    )
    card_id: int = Field(foreign_key="score_card.id", ondelete="CASCADE")
    account_id: int | None = Field(default=None, foreign_key="account.id", ondelete="SET NULL")
    """Who: the juror, or the organiser who reopened the card."""
    field: str = Field(max_length=32)
    """``criterion:<id>``, ``comment`` or ``status``."""
    old_value: str | None = Field(default=None, sa_type=Text)
    new_value: str | None = Field(default=None, sa_type=Text)
    revision: int
    """The card's revision once this change was made."""
    save_key: str = Field(default="", max_length=80)
    """The save this change came with: a repeated save finds it and is not applied again."""
    created_at: datetime = timestamp_field()

    __table_args__ = (Index("ix_score_log_card_id_save_key", "card_id", "save_key"),)


class CastingVote(SQLModel, table=True):
    """The chair's choice among submissions that stay tied after every other rule."""

    __tablename__ = "casting_vote"

    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(foreign_key="award.id", ondelete="CASCADE")
    tied: str = Field(max_length=400)
    """The tied submissions' ids, sorted and joined with commas."""
    submission_id: int = Field(foreign_key="award_submission.id", ondelete="CASCADE")
    recorded_by_id: int | None = Field(default=None, foreign_key="account.id", ondelete="SET NULL")
    created_at: datetime = timestamp_field()

    __table_args__ = (UniqueConstraint("award_id", "tied"),)
