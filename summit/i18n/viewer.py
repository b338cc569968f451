"""Who is looking: their language and time zone, for the duration of one rendering."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from summit.i18n.catalogs import translations

RTL_LANGUAGES = frozenset({"ar"})


@dataclass(frozen=True, slots=True)
class Viewer:
    language: str
    timezone: str

    @property
    def direction(self) -> str:
        return "rtl" if self.language in RTL_LANGUAGES else "ltr"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


# Viewer is frozen, so sharing the default is safe.
_current: ContextVar[Viewer] = ContextVar(
    "summit_viewer",
    default=Viewer("en", "UTC"),  # noqa: B039
)


@cache
def known_zones() -> frozenset[str]:
    """Every IANA zone name this machine knows."""
    return frozenset(available_timezones())


def current_viewer() -> Viewer:
    return _current.get()


@contextmanager
def viewing_as(viewer: Viewer) -> Iterator[Viewer]:
    """Render everything inside the block in this viewer's language and zone."""
    token = _current.set(viewer)
    try:
        yield viewer
    finally:
        _current.reset(token)


def view_rest_as(viewer: Viewer) -> None:
    """Render the rest of the current request in this viewer's language and zone: for a guard
    that learns who is asking inside the ``viewing_as`` block the middleware opened (leaving
    that block restores what was there before it)."""
    _current.set(viewer)


def gettext(message: str) -> str:
    return translations(_current.get().language).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get().language).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(_current.get().language).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return translations(_current.get().language).npgettext(context, singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the conventional name extractors look for
    """Marks a message for extraction where it is written; it is translated where it is shown."""
    return message


class Plural(str):
    """A message whose words depend on a count, ``num``: the English singular, with the plural
    beside it, so that it travels wherever a message does (a domain error's template)."""

    plural: str

    def __new__(cls, singular: str, plural: str) -> Plural:
        message = super().__new__(cls, singular)
        message.plural = plural
        return message

    def english(self, num: int) -> str:
        return str(self) if num == 1 else self.plural


def N_plural(singular: str, plural: str) -> Plural:  # noqa: N802 - named like N_
    """Marks a message with a count for extraction (as ``ngettext`` would be); it is translated
    where it is shown, in the form the count needs."""
    return Plural(singular, plural)


def translate_error(template: str, params: dict[str, object] | None = None) -> str:
    """A domain error's message in the viewer's language, its values filled in afterwards."""
    if isinstance(template, Plural) and params:
        count = params["num"]
        assert isinstance(count, int)  # noqa: S101 - a Plural always names its count num
        return ngettext(str(template), template.plural, count) % params
    translated = gettext(template)
    return translated % params if params else translated
