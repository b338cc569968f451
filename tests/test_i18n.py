from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from summit.i18n.catalogs import translations
from summit.i18n.viewer import Viewer, ngettext, viewing_as
from summit.paths import locales_dir

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
    "N_plural": (1, 2),
    "DomainError": None,
}


def _source_messages() -> set[str]:
    """Every UI string in the templates and the code, as ``pybabel extract`` sees it."""
    found: set[str] = set()
    sources = (
        (ROOT / "templates", "**.html", "jinja2"),
        (ROOT / "templates", "**.txt", "jinja2"),  # the plain-text parts of mail
        (ROOT / "summit", "**.py", "python"),
    )
    for folder, pattern, method in sources:
        options = {pattern: {"extensions": "jinja2.ext.i18n"}} if method == "jinja2" else {}
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(folder), method_map=[(pattern, method)], options_map=options, keywords=KEYWORDS
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalog(language: str) -> Catalog:
    with (locales_dir() / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_ui_string_is_translated(language: str) -> None:
    catalog = _catalog(language)
    translated = {
        str(message.id[0] if isinstance(message.id, tuple) else message.id)
        for message in catalog
        if message.id
        and not message.fuzzy
        and (all(message.string) if isinstance(message.string, tuple) else message.string)
    }

    assert sorted(_source_messages() - translated) == []


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_catalog_has_no_fuzzy_entries_or_format_errors(language: str) -> None:
    catalog = _catalog(language)

    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    errors = [(message.id, [str(e) for e in problems]) for message, problems in catalog.check()]

    assert (fuzzy, errors) == ([], [])


def test_arabic_has_six_plural_forms() -> None:
    assert _catalog("ar").num_plurals == 6


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "لا جلسات"),
        (1, "جلسة واحدة"),
        (2, "جلستان"),
        (5, "5 جلسات"),
        (11, "11 جلسة"),
        (100, "100 جلسة"),
    ],
)
def test_arabic_plurals_follow_the_count(count: int, expected: str) -> None:
    with viewing_as(Viewer("ar", "UTC")):
        text = ngettext("%(num)d session", "%(num)d sessions", count) % {"num": count}

    assert text == expected


def test_english_needs_no_catalog() -> None:
    assert translations("en").gettext("Programme") == "Programme"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        translations("de")
