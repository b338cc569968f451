"""Small helpers every context's services use to write rows idempotently."""

from __future__ import annotations

from typing import Any

from sqlmodel import SQLModel


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
