"""Small helpers every context's services use to write rows idempotently."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel


def assign(row: SQLModel, values: dict[str, Any]) -> bool:
    """Set only the attributes whose value differs; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def pk(row: SQLModel) -> int:
    """The primary key of a row that has been flushed; a missing one is a programming error."""
    value = getattr(row, "id", None)
    if not isinstance(value, int):
        raise RuntimeError(f"{type(row).__name__} has no id yet: flush it first")
    return value


def insert_new(
    db: Session, model: type[SQLModel], rows: list[dict[str, Any]], *, unique: list[str]
) -> None:
    """Insert ``rows``, leaving out those whose ``unique`` columns are taken (by an earlier
    insert or another process's): one statement, in the caller's transaction."""
    if not rows:
        return
    insert = postgres_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = model.__table__  # type: ignore[attr-defined]
    # Core, not the ORM's bulk insert, which handles each row on its own (thousands at once).
    db.connection().execute(insert(table).on_conflict_do_nothing(index_elements=unique), rows)
