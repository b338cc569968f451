"""Answers are compressed as the client accepts, and decompress to the very same bytes."""

from __future__ import annotations

import gzip

import brotli
import pytest
import zstandard
from starlette.testclient import TestClient

EXPORT = "/ogp2021/schedule/export"
DECODE = {
    "br": brotli.decompress,
    "gzip": gzip.decompress,
    "zstd": lambda body: zstandard.ZstdDecompressor().decompressobj().decompress(body),
}


def _raw(client: TestClient, path: str, accept: str) -> tuple[dict[str, str], bytes]:
    """The answer as it goes over the wire, not decoded by the client."""
    with client.stream("GET", path, headers={"accept-encoding": accept}) as answer:
        assert answer.status_code == 200
        return dict(answer.headers), b"".join(answer.iter_raw())


@pytest.mark.parametrize("encoding", ["br", "gzip", "zstd"])
@pytest.mark.parametrize(
    "path",
    [
        f"{EXPORT}/schedule.json",
        f"{EXPORT}/schedule.xml",
        f"{EXPORT}/schedule.ics",
        "/ogp2021/programme",
        "/static/css/summit.css",
    ],
)
def test_a_compressed_answer_decompresses_to_the_same_bytes(
    client: TestClient, path: str, encoding: str
) -> None:
    plain_headers, plain = _raw(client, path, "identity")
    headers, body = _raw(client, path, encoding)

    assert (plain_headers.get("content-encoding"), headers["content-encoding"]) == (None, encoding)
    assert "accept-encoding" in headers["vary"].lower()
    assert len(body) < len(plain) // 2
    assert DECODE[encoding](body) == plain


def test_the_best_encoding_the_client_accepts_is_chosen(client: TestClient) -> None:
    headers, _ = _raw(client, f"{EXPORT}/schedule.json", "gzip, br;q=0.5, zstd;q=0")

    assert headers["content-encoding"] == "br"


def test_a_small_answer_and_a_not_modified_go_as_they_are(client: TestClient) -> None:
    first = client.get(f"{EXPORT}/schedule.json")
    again = client.get(
        f"{EXPORT}/schedule.json",
        headers={"if-none-match": first.headers["etag"], "accept-encoding": "br"},
    )
    small = client.get("/healthz", headers={"accept-encoding": "br"})

    assert (again.status_code, again.headers.get("content-encoding")) == (304, None)
    assert (small.status_code, small.headers.get("content-encoding")) == (200, None)
