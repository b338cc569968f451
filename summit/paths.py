"""Where the templates, static files and seed data live: inside a wheel, or in the checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """A top-level data folder (``templates``, ``static``, ``seed``)."""
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / name


def locales_dir() -> Path:
    return _PACKAGE / "i18n" / "locales"
