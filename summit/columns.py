"""Column types and conventions shared by every table."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

# Named constraints keep Alembic's batch mode on SQLite and its diffs on PostgreSQL stable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)

# A text in several languages, keyed by language code: {"en": "...", "fr": "...", "ar": "..."}.
Localized = dict[str, str]

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL needs 64 bits for the event log.
BigID = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored in UTC; naive values are refused rather than guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a time zone")
        value = value.astimezone(UTC)
        # SQLite has no zone column type; UTC is implied by the convention.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def localized_field(**kwargs: Any) -> Any:
    """A JSON column of texts by language, empty by default."""
    return Field(default_factory=dict, sa_type=JSON, **kwargs)


def list_field(**kwargs: Any) -> Any:
    return Field(default_factory=list, sa_type=JSON, **kwargs)


def timestamp_field(*, nullable: bool = False, **kwargs: Any) -> Any:
    if nullable:
        return Field(default=None, sa_type=UTCDateTime, **kwargs)
    return Field(default_factory=utcnow, sa_type=UTCDateTime, **kwargs)


def utc_field(**kwargs: Any) -> Any:
    """A required aware UTC datetime without a default."""
    return Field(sa_type=UTCDateTime, **kwargs)
