"""Conditional GETs (RFC 9110 section 13): ETag and Last-Modified, and 304 when the client's copy
is still good. Calendar apps and schedule apps poll; most of their polls end here."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response

from summit.web.encoded import Encoded, chosen_encoding


def etag_of(body: bytes) -> str:
    """A strong validator: the same bytes give the same tag in every process."""
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    # Weak comparison (section 8.8.3.2), as If-None-Match asks for.
    wanted = etag.removeprefix("W/")
    return any(part.strip().removeprefix("W/") == wanted for part in header.split(","))


def not_modified(request: Request, *, etag: str, last_modified: datetime | None) -> bool:
    """Whether the client's copy is current; If-None-Match wins over If-Modified-Since."""
    if request.method not in {"GET", "HEAD"}:
        return False
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return _matches(if_none_match, etag)
    since = request.headers.get("if-modified-since")
    if since is None or last_modified is None:
        return False
    try:
        client_copy = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if client_copy.tzinfo is None:
        return False
    return last_modified.replace(microsecond=0) <= client_copy


def answer(
    request: Request,
    body: bytes,
    *,
    media_type: str,
    headers: dict[str, str],
    etag: str,
    last_modified: datetime | None,
    encoded: Encoded | None = None,
) -> Response:
    """``body`` with its validators, or an empty 304 when the client already has it.
    ``encoded``: its compressed forms, kept (a cached body's): the one the client accepts is
    sent as it is, rather than compressed again by the middleware."""
    validators = {"etag": etag, **headers}
    if last_modified is not None:
        validators["last-modified"] = http_date(last_modified)
    if not_modified(request, etag=etag, last_modified=last_modified):
        return Response(status_code=304, headers=validators)
    encoding = chosen_encoding(request, media_type, len(body)) if encoded is not None else None
    if encoded is not None and encoding is not None:
        compressed = encoded.body(encoding, b"")
        if compressed is not None:
            headers = {**validators, "content-encoding": encoding, "vary": "Accept-Encoding"}
            return Response(compressed, media_type=media_type, headers=headers)
    return Response(body, media_type=media_type, headers=validators)
