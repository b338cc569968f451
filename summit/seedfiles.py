"""Reading seed files: TOML, checked against the services' input models, references between
records, and the error that names the file and the record that is wrong."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from summit.errors import DomainError

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


class SeedError(Exception):
    """The seed files are wrong; says which file and record."""


def read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as error:
        raise SeedError(f"missing seed file {path}") from error
    except tomllib.TOMLDecodeError as error:
        raise SeedError(f"{path.name}: {error}") from error
    except UnicodeDecodeError as error:
        raise SeedError(
            f"{path.name} is not UTF-8 text (byte {error.start} cannot be read): save it as UTF-8"
        ) from error
    except OSError as error:
        raise SeedError(f"cannot read seed file {path}: {error.strerror}") from error


def validate(where: str, model: type[M], values: dict[str, Any]) -> M:
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise SeedError(f"{where}: {error}") from error


def call(where: str, action: Callable[..., T], **kwargs: Any) -> T:
    """Run a service, reporting a refusal as a seed error that names the record."""
    try:
        result = action(**kwargs)
    except DomainError as error:
        raise SeedError(f"{where}: {error.message}") from error
    return result


def ref(where: str, known: dict[str, Any], key: str) -> Any:
    if key not in known:
        raise SeedError(f"{where}: unknown reference {key!r}")
    return known[key]


def aware(value: datetime, zone: ZoneInfo) -> datetime:
    """A local date-time of the files, in the summit's zone (one with an offset is kept)."""
    if not isinstance(value, datetime):
        raise SeedError(f"expected a local date-time, got {value!r}")
    if value.tzinfo is not None:
        return value
    return value.replace(tzinfo=zone)
