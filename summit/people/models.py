"""Tables of people and delegations."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from summit.columns import Localized, list_field, localized_field, timestamp_field, utc_field


class DelegationKind(StrEnum):
    GOVERNMENT = "government"
    CIVIL_SOCIETY = "civil_society"
    MULTILATERAL = "multilateral"


class DelegationRole(StrEnum):
    HEAD = "head"
    MEMBER = "member"


class Delegation(SQLModel, table=True):
    """A country's government, or an organisation, taking part as one delegation."""

    id: int | None = Field(default=None, primary_key=True)
    summit_id: int = Field(foreign_key="summit.id", ondelete="CASCADE", index=True)
    slug: str = Field(max_length=64)
    name: Localized = localized_field()
    kind: DelegationKind = Field(sa_type=String(16))
    country_code: str | None = Field(default=None, max_length=2)
    """ISO 3166-1 alpha-2, upper case; absent for organisations without a country."""

    __table_args__ = (UniqueConstraint("summit_id", "slug"),)


class Person(SQLModel, table=True):
    """Someone on the programme: a speaker, moderator or chair."""

    id: int | None = Field(default=None, primary_key=True)
    summit_id: int = Field(foreign_key="summit.id", ondelete="CASCADE", index=True)
    slug: str = Field(max_length=96)
    full_name: str = Field(max_length=200)
    title: Localized = localized_field()
    organisation: Localized = localized_field()
    bio: Localized = localized_field()
    delegation_id: int | None = Field(
        default=None, foreign_key="delegation.id", ondelete="SET NULL", index=True
    )
    delegation_role: DelegationRole | None = Field(default=None, sa_type=String(8))
    email: str | None = Field(default=None, max_length=320)
    """Private contact for organisers; never shown publicly."""
    links: list[str] = list_field()
    """Web addresses the person gives (their site, a profile), ``https://`` only."""
    photo_name: str | None = Field(default=None, max_length=64)
    """The stored (re-encoded, resized) photo's random name under the upload folder's
    ``photos/``; never a name the sender chose."""
    created_at: datetime = timestamp_field()

    __table_args__ = (
        UniqueConstraint("summit_id", "slug"),
        CheckConstraint(
            "delegation_role IS NULL OR delegation_id IS NOT NULL", "role_needs_delegation"
        ),
        # One head per delegation.
        Index(
            "uq_person_delegation_head",
            "delegation_id",
            unique=True,
            sqlite_where=text("delegation_role = 'head'"),
            postgresql_where=text("delegation_role = 'head'"),
        ),
    )


class PersonAvailability(SQLModel, table=True):
    """A window in which a person said they can take part."""

    __tablename__ = "person_availability"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    starts_at: datetime = utc_field()
    ends_at: datetime = utc_field()

    __table_args__ = (CheckConstraint("ends_at > starts_at", "ends_after_start"),)


class SessionSlides(SQLModel, table=True):
    """A speaker's slides for one session (one file a speaker a session; a new upload
    replaces it). The file is kept like award attachments: a random name, outside static."""

    __tablename__ = "session_slides"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="programme_session.id", ondelete="CASCADE", index=True)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    original_name: str = Field(max_length=255)
    stored_name: str = Field(max_length=64)
    size_bytes: int
    sha256: str = Field(max_length=64)
    uploaded_at: datetime = timestamp_field()

    __table_args__ = (UniqueConstraint("session_id", "person_id"),)
