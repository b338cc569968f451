"""Where a user-supplied ``next`` may lead: only to a path on this site."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

DEFAULT_NEXT = "/"


def safe_next(value: str | None) -> str:
    """``value`` when it is a local path; ``/`` for anything that could leave the site."""
    if not value or len(value) > 2000:
        return DEFAULT_NEXT
    if any(ord(character) < 32 or character == "\\" for character in value):
        return DEFAULT_NEXT
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return DEFAULT_NEXT
    return value


def sign_in_url(next_path: str) -> str:
    return f"/signin?next={quote(safe_next(next_path), safe='/')}"
