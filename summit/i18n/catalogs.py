"""Loads the gettext catalogs, compiling each ``.po`` in memory so no build step is needed."""

from __future__ import annotations

import gettext
import io
from functools import cache

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from summit.paths import locales_dir
from summit.settings import LANGUAGES

DOMAIN = "messages"
SOURCE_LANGUAGE = "en"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalog for ``language``; English is the source language and needs none."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    po_path = locales_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    # Fuzzy entries are guesses: they must never reach a delegate.
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
