"""Cached pages and exports are kept compressed: each encoding the client accepts decompresses
to the very bytes of the identity answer, per-visitor tokens included, and a second request
compresses nothing (summit/web/encoded.py)."""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Callable, Iterator
from typing import Any

import brotli
import pytest
import zstandard
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.web import encoded
from summit.web.cache import CSRF_PLACEHOLDER
from tests.conftest import another_browser, make_client

PAGES = (
    "/ogp2021/programme",
    "/ogp2021/programme?day=2021-12-15",
    "/ogp2021/programme/grid",
    "/ogp2021/",
)
EXPORTS = (
    "/ogp2021/schedule/export/schedule.json",
    "/ogp2021/schedule/export/schedule.xml",
    "/ogp2021/schedule/export/schedule.ics",
)
DECOMPRESS: dict[str, Callable[[bytes], bytes]] = {
    "br": brotli.decompress,
    "gzip": gzip.decompress,
    # Read across frames: one frame is what is sent, and this would show a second.
    "zstd": lambda data: (
        zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data), read_across_frames=True).read()
    ),
}
TOKEN = re.compile(rb'id="csrf-token" value="([^"]+)"')


@pytest.fixture
def visitor(demo_app: Starlette) -> Iterator[TestClient]:
    with make_client(demo_app) as client:
        yield client


def raw(client: TestClient, path: str, encoding: str) -> tuple[bytes, Any]:
    """The bytes on the wire, not decoded, and the headers."""
    with client.stream("GET", path, headers={"accept-encoding": encoding}) as answer:
        assert answer.status_code == 200, path
        return b"".join(answer.iter_raw()), answer.headers


@pytest.fixture
def compressions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every compression made, by the cache's kept forms or by the middleware."""
    made: list[str] = []
    for name, opener in list(encoded._OPEN.items()):

        def counted(head: bytes, *, finished: bool, _name: str = name, _open: Any = opener) -> Any:
            made.append(f"kept {_name}")
            return _open(head, finished=finished)

        monkeypatch.setitem(encoded._OPEN, name, counted)
    for module, attribute in ((brotli, "compress"), (gzip, "compress"), (zstandard, "compress")):
        original = getattr(module, attribute)

        def per_answer(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            made.append("per answer")
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, attribute, per_answer)
    return made


@pytest.mark.parametrize("encoding", ["br", "gzip", "zstd"])
def test_each_encoding_decompresses_to_the_identity_answer(
    visitor: TestClient, encoding: str
) -> None:
    for path in (*PAGES, *EXPORTS):
        identity, _ = raw(visitor, path, "identity")
        sent, headers = raw(visitor, path, encoding)
        again, _ = raw(visitor, path, encoding)

        assert headers["content-encoding"] == encoding, path
        assert "accept-encoding" in headers["vary"].lower(), path
        assert DECOMPRESS[encoding](sent) == identity, path
        assert again == sent, path


def test_a_second_request_compresses_nothing(visitor: TestClient, compressions: list[str]) -> None:
    for path in (*PAGES, *EXPORTS):
        raw(visitor, path, "br")
        assert compressions == ["kept br"], path  # the spy sees the first one
        compressions.clear()

        raw(visitor, path, "br")
        raw(visitor, path, "gzip, deflate, br")

        assert compressions == [], path


def test_each_visitor_gets_their_own_token_in_the_compressed_page(demo_app: Starlette) -> None:
    with make_client(demo_app) as one:
        other = another_browser(one)
        pages = [DECOMPRESS["br"](raw(client, PAGES[0], "br")[0]) for client in (one, other)]
        identity = [raw(client, PAGES[0], "identity")[0] for client in (one, other)]

    tokens = [TOKEN.findall(page) for page in pages]
    assert tokens[0] != tokens[1]
    assert [len(found) for found in tokens] == [1, 1]
    assert pages == identity
    for page in pages:
        assert CSRF_PLACEHOLDER.encode() not in page


def test_a_client_that_accepts_no_encoding_gets_the_page_as_it_is(visitor: TestClient) -> None:
    identity, headers = raw(visitor, PAGES[0], "identity")

    assert "content-encoding" not in headers
    assert identity.startswith(b"<!doctype html>")
