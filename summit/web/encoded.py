"""Cached answers kept compressed: each encoding of a cached body is made once, not per answer.

The encoding is the one the compression middleware (starlette-compress) would pick for the
request's ``Accept-Encoding`` (zstd, then brotli, then gzip, at its levels), and only where it
would compress at all; the middleware leaves an answer that is already encoded alone.

A cached page has one value that differs per visitor: the CSRF token, cached as a placeholder
and put in per answer. ``base.html`` writes it last, so a cached body is a long head that every
visitor shares, the placeholder, and a short rest. Each encoding compresses the head once and
keeps the stream open (flushed to a byte boundary); an answer is that, then the visitor's token
and the rest as the format's own uncompressed block (a brotli uncompressed meta-block, a deflate
stored block, a zstd raw block), then the stream's end: bytes that decompress to exactly the
identity answer, with no compression per request. A body with a placeholder anywhere else (a
form in the middle of a page) is left to the middleware, compressed per answer, as before.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import brotli
import zstandard
from starlette.requests import Request
from starlette_compress._utils import (  # the middleware's own reading, so both choose alike
    _compress_content_types,
    parse_accept_encoding,
)

COMPRESS_FROM_BYTES = 1024
"""Smaller answers go as they are: a compressed frame would not save a packet."""
LEVEL = 4
"""starlette-compress's level for each of the three (zstd 4, brotli quality 4, gzip 4)."""
PREFERENCE = ("zstd", "br", "gzip")
"""The middleware's order, whatever the client's q-values."""
MAX_REST = 4096
"""How much may follow the placeholder and still be sent uncompressed on each answer."""
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


def chosen_encoding(request: Request, media_type: str, size: int) -> str | None:
    """The encoding the middleware would give this answer, or None for none."""
    if size < COMPRESS_FROM_BYTES:
        return None
    if media_type.split(";", 1)[0].strip().lower() not in _compress_content_types:
        return None
    values = request.headers.getlist("accept-encoding")
    if not values:
        return None
    accepted = parse_accept_encoding(",".join(values))
    return next((encoding for encoding in PREFERENCE if encoding in accepted), None)


class Encoded:
    """One cached body and its compressed forms, each made on first ask and kept."""

    __slots__ = ("_head", "_rest", "_streams")

    def __init__(self, body: bytes, placeholder: bytes) -> None:
        at = body.find(placeholder)
        self._head: bytes | None = body
        self._rest: bytes | None = None
        if at != -1:
            rest = body[at + len(placeholder) :]
            if placeholder in rest or len(rest) > MAX_REST:
                self._head = None  # not in the one place this can keep it out of the stream
            else:
                self._head, self._rest = body[:at], rest
        self._streams: dict[str, tuple[bytes, int]] = {}

    def body(self, encoding: str, token: bytes) -> bytes | None:
        """The answer in ``encoding`` with ``token`` in the placeholder's place; None when this
        body has to be compressed per answer."""
        head = self._head
        if head is None:
            return None
        stream = self._streams.get(encoding)
        if stream is None:
            stream = self._streams[encoding] = _OPEN[encoding](head, finished=self._rest is None)
        if self._rest is None:
            return stream[0]
        opened, crc = stream
        return opened + _CLOSE[encoding](token + self._rest, crc, len(head))


def _open_brotli(head: bytes, *, finished: bool) -> tuple[bytes, int]:
    compressor = brotli.Compressor(quality=LEVEL)
    opened: bytes = compressor.process(head)
    return opened + (compressor.finish() if finished else compressor.flush()), 0


def _close_brotli(rest: bytes, _crc: int, _size: int) -> bytes:
    blocks = []
    for start in range(0, len(rest), 65536):
        chunk = rest[start : start + 65536]
        # ISLAST 0, MNIBBLES 4 (written 0), MLEN - 1 in 16 bits, ISUNCOMPRESSED 1; then to the
        # byte boundary (RFC 7932, section 9.2).
        header = ((len(chunk) - 1) << 3) | (1 << 19)
        blocks.append(header.to_bytes(3, "little") + chunk)
    return b"".join(blocks) + b"\x03"  # ISLAST 1, ISLASTEMPTY 1


def _open_gzip(head: bytes, *, finished: bool) -> tuple[bytes, int]:
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    deflated = compressor.compress(head)
    crc = zlib.crc32(head)
    if finished:
        trailer = crc.to_bytes(4, "little") + (len(head) & 0xFFFFFFFF).to_bytes(4, "little")
        return _GZIP_HEADER + deflated + compressor.flush() + trailer, crc
    return _GZIP_HEADER + deflated + compressor.flush(zlib.Z_SYNC_FLUSH), crc


def _close_gzip(rest: bytes, crc: int, size: int) -> bytes:
    chunks = [rest[start : start + 65535] for start in range(0, len(rest), 65535)] or [b""]
    blocks = []
    for index, chunk in enumerate(chunks):
        final = index == len(chunks) - 1
        length = len(chunk)
        # A stored block (RFC 1951, section 3.2.4): BFINAL, BTYPE 00, LEN and its complement.
        blocks.append(
            bytes([1 if final else 0])
            + length.to_bytes(2, "little")
            + (length ^ 0xFFFF).to_bytes(2, "little")
            + chunk
        )
    crc = zlib.crc32(rest, crc)
    total = (size + len(rest)) & 0xFFFFFFFF
    return b"".join(blocks) + crc.to_bytes(4, "little") + total.to_bytes(4, "little")


def _open_zstd(head: bytes, *, finished: bool) -> tuple[bytes, int]:
    if finished:
        return zstandard.ZstdCompressor(level=LEVEL).compress(head), 0
    compressor = zstandard.ZstdCompressor(level=LEVEL).compressobj()
    return compressor.compress(head) + compressor.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK), 0


def _close_zstd(rest: bytes, _crc: int, _size: int) -> bytes:
    chunks = [rest[start : start + 65536] for start in range(0, len(rest), 65536)] or [b""]
    blocks = []
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        # A raw block (RFC 8878, section 3.1.1.2): Last_Block, Block_Type 0, Block_Size.
        blocks.append((int(last) | (len(chunk) << 3)).to_bytes(3, "little") + chunk)
    return b"".join(blocks)


_OPEN: dict[str, Callable[..., tuple[bytes, int]]] = {
    "br": _open_brotli,
    "gzip": _open_gzip,
    "zstd": _open_zstd,
}
_CLOSE: dict[str, Callable[[bytes, int, int], bytes]] = {
    "br": _close_brotli,
    "gzip": _close_gzip,
    "zstd": _close_zstd,
}
