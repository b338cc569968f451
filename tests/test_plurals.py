"""Every count that reaches a reader takes the plural form its number needs (``ngettext``, or
``N_plural`` for a domain error): Arabic has six forms, and "0 صوت" is wrong."""

from __future__ import annotations

import re

from babel.messages.extract import extract_from_dir

from summit.errors import DomainError
from summit.i18n.viewer import N_plural, Viewer, translate_error, viewing_as
from tests.test_i18n import KEYWORDS, ROOT

# A number placeholder followed by a word: "%(num)d votes", "%(total)d scoresheets".
COUNTED = re.compile(r"%\((\w+)\)d\s+[^\W\d_]")
NOT_COUNTS = {
    "%(name)s is larger than %(size)d MB.": "a unit, the same in every number",
    "%(shown)d of %(total)d": "two numbers, no noun",
    "Give a whole number from %(low)d to %(high)d.": "a range, no noun",
}


def _singular_messages() -> dict[str, str]:
    """Every message extracted without a plural, with where it is written."""
    found: dict[str, str] = {}
    for folder, method in ((ROOT / "templates", "jinja2"), (ROOT / "summit", "python")):
        pattern = "**.html" if method == "jinja2" else "**.py"
        options = {pattern: {"extensions": "jinja2.ext.i18n"}} if method == "jinja2" else {}
        for filename, _line, message, _comments, _context in extract_from_dir(
            str(folder), method_map=[(pattern, method)], options_map=options, keywords=KEYWORDS
        ):
            if isinstance(message, str):
                found[message] = filename
    return found


def test_every_count_followed_by_a_noun_has_plural_forms() -> None:
    counted = {
        message: where
        for message, where in _singular_messages().items()
        if COUNTED.search(message) and message not in NOT_COUNTS
    }

    assert counted == {}


def test_the_scan_finds_a_count_without_plural_forms() -> None:
    assert COUNTED.search("%(done)d of %(total)d scoresheets final.")
    assert not COUNTED.search("Round %(number)d: %(name)s")


def test_a_domain_error_with_a_count_is_translated_in_the_form_the_count_needs() -> None:
    error = DomainError(
        N_plural("Use at least %(num)d character.", "Use at least %(num)d characters."),
        field="new_password",
        num=10,
    )

    with viewing_as(Viewer("ar", "UTC")):
        arabic = translate_error(error.template, error.params)
    with viewing_as(Viewer("fr", "UTC")):
        french = translate_error(error.template, error.params)

    assert error.message == "Use at least 10 characters."
    assert (arabic, french) == ("استخدم 10 أحرف على الأقل.", "Utilisez au moins 10 caractères.")
