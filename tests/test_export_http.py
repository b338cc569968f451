"""The public exports over HTTP as shared caches and other sites' pages meet them: no cookie on a
cacheable answer, and a CORS preflight for a conditional GET is answered."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.conftest import sign_in

EXPORT = "/ogp2021/schedule/export"
PUBLIC = [
    f"{EXPORT}/schedule.xml",
    f"{EXPORT}/schedule.json",
    f"{EXPORT}/schedule.ics",
    f"{EXPORT}/streams/plenary.ics",
    f"{EXPORT}/speakers/aziz-akhannouch.ics",
]


@pytest.mark.parametrize("path", PUBLIC)
def test_a_public_export_and_its_304_set_no_cookie(client: TestClient, path: str) -> None:
    first = client.get(path)
    again = client.get(path, headers={"if-none-match": first.headers["etag"]})
    in_french = client.get(path, params={"lang": "fr"})

    assert (first.status_code, again.status_code, in_french.status_code) == (200, 304, 200)
    for answer in (first, again, in_french):
        assert answer.headers["cache-control"] == "public, max-age=60"
        assert answer.headers.get_list("set-cookie") == []


def test_a_signed_in_reader_gets_the_same_cacheable_export(client: TestClient) -> None:
    sign_in(client, "delegate@example.org")

    answer = client.get(f"{EXPORT}/schedule.json")

    assert answer.headers["cache-control"] == "public, max-age=60"
    assert answer.headers.get_list("set-cookie") == []


@pytest.mark.parametrize("path", PUBLIC)
def test_a_cors_preflight_for_a_conditional_get_is_answered(client: TestClient, path: str) -> None:
    answer = client.options(
        path,
        headers={
            "origin": "https://schedule-app.example",
            "access-control-request-method": "GET",
            "access-control-request-headers": "if-none-match",
        },
    )

    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] == "*"
    assert answer.headers["access-control-allow-methods"] == "GET, HEAD"
    assert answer.headers["access-control-allow-headers"] == "If-None-Match, If-Modified-Since"
    assert answer.headers["access-control-max-age"] == "86400"
    assert answer.headers.get_list("set-cookie") == []


def test_a_personal_feed_offers_no_cors(client: TestClient) -> None:
    answer = client.options(
        f"{EXPORT}/agenda/not-a-real-secret.ics",
        headers={"origin": "https://elsewhere.example", "access-control-request-method": "GET"},
    )

    assert answer.status_code == 405
    assert "access-control-allow-origin" not in answer.headers
