"""Answering with a stored file: one that people uploaded (an award's attachments, a good
practice's files, a speaker's slides), or one we made from an upload (a speaker's photo)."""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import FileResponse

SAFE_FILE_HEADERS = {
    # The browser takes the type we send, never one it guesses from the bytes, and a file
    # opened on its own runs nothing and loads nothing.
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
}


def stored_file(
    path: Path,
    *,
    media_type: str,
    filename: str | None = None,
    cache_control: str | None = None,
) -> FileResponse:
    """The file at ``path`` (404 when it has gone): a download named ``filename``, or without
    one, shown in the page (only for files we encoded ourselves: a speaker's photo)."""
    if not path.is_file():
        raise HTTPException(status_code=404)
    headers = dict(SAFE_FILE_HEADERS)
    if cache_control is not None:
        headers["cache-control"] = cache_control
    return FileResponse(
        path,
        media_type=media_type,
        filename=filename,
        content_disposition_type="attachment",
        headers=headers,
    )
