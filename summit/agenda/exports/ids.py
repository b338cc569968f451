"""Identifiers that stay the same in every export, on every machine, for as long as the summit
lives: calendar apps and schedule apps recognise a session by them across updates.

Ids are uuid5 names in a namespace of the summit's slug; a session's comes from its code, which
is never changed nor reused (see ``ProgrammeSession.code``), not from a database id that a
reloaded database could hand to another session.
"""

from __future__ import annotations

import re
import uuid
from functools import lru_cache

_NOT_ACRONYM = re.compile(r"[^a-z0-9_]")
# Characters XML 1.0 cannot carry, and that RFC 5545 text refuses (controls other than tab and
# line breaks, lone surrogates, and the two non-characters).
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# Each export names every session and speaker by a uuid5, two SHA-1s each: the same few
# thousand names are remembered rather than hashed again for every export and every speaker's
# every session.
NAMES = 65_536


@lru_cache(maxsize=NAMES)
def summit_namespace(slug: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"urn:summit:{slug}")


@lru_cache(maxsize=NAMES)
def session_guid(slug: str, code: str) -> uuid.UUID:
    return uuid.uuid5(summit_namespace(slug), f"session:{code}")


@lru_cache(maxsize=NAMES)
def person_guid(slug: str, person_slug: str) -> uuid.UUID:
    return uuid.uuid5(summit_namespace(slug), f"person:{person_slug}")


@lru_cache(maxsize=NAMES)
def stream_guid(slug: str, stream_slug: str | None) -> uuid.UUID:
    return uuid.uuid5(summit_namespace(slug), f"stream:{stream_slug or ''}")


def acronym(slug: str) -> str:
    """The summit's slug as the schedule formats' acronym: ``[a-z0-9_]``, four or more."""
    return _NOT_ACRONYM.sub("_", slug.lower()).ljust(4, "_")


def event_slug(slug: str, session_id: int, code: str) -> str:
    """``<acronym>-<id>-<code>``, as pretalx makes them (lower case, ending in a letter or
    digit, with at least four characters after the acronym)."""
    rest = f"{session_id}-{code.lower()}"
    if len(rest) < 4:
        rest = f"{session_id:04d}-{code.lower()}"
    return f"{acronym(slug)}-{rest}"


def clean_text(value: str) -> str:
    """``value`` without the characters that XML and iCalendar cannot hold."""
    return _NOT_TEXT.sub("", value)
