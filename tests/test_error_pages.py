"""Error pages: inside a summit they keep its header and navigation, and a refusal says what to
do about it, for the asker it is (signed in or not, a stale form)."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.conftest import BASE_URL, choose_english, csrf_token, sign_in

SUMMIT_BRAND = '<a class="brand" href="/ogp2021/">OGP Global Summit 2021</a>'
PROGRAMME_LINK = '<a href="/ogp2021/programme">Programme</a>'


def _main(page: str) -> str:
    return page.split('<main id="main" class="page">', 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize(
    "path",
    [
        "/ogp2021/sessions/999999",  # a route of the summit, with nothing behind it
        "/ogp2021/speakers/nobody-by-that-name",
        "/ogp2021/no-such-page",  # no route at all, under the summit's address
    ],
)
def test_a_missing_page_inside_a_summit_keeps_its_header_and_navigation(
    client: TestClient, path: str
) -> None:
    choose_english(client)  # the account speaks Arabic
    sign_in(client, "delegate@example.org")

    response = client.get(path)

    assert response.status_code == 404
    assert SUMMIT_BRAND in response.text
    assert PROGRAMME_LINK in response.text
    # The asker is still signed in on the error page: their account menu and agenda are there.
    assert "Dina Delegate (demo)" in response.text
    assert '<a href="/ogp2021/agenda">My agenda</a>' in response.text
    assert "<title>Page not found · OGP Global Summit 2021</title>" in response.text
    assert response.headers["cache-control"] == "no-store"
    assert "Page not found" in _main(response.text)


def test_a_missing_summit_gets_the_sites_own_header(client: TestClient) -> None:
    response = client.get("/no-such-summit/programme")

    assert response.status_code == 404
    assert '<a class="brand" href="/">Summit</a>' in response.text
    assert PROGRAMME_LINK not in response.text


def test_a_refusal_tells_a_signed_in_delegate_to_switch_account_or_ask_an_organiser(
    client: TestClient,
) -> None:
    choose_english(client)  # the account speaks Arabic
    sign_in(client, "delegate@example.org")

    response = client.get("/ogp2021/manage/")

    main = _main(response.text)
    assert response.status_code == 403
    assert SUMMIT_BRAND in response.text and PROGRAMME_LINK in response.text
    assert "You are signed in as <bdi>Dina Delegate (demo)</bdi>" in main
    assert "ask an organiser of the summit" in main
    assert '<a href="/signin?next=/ogp2021/manage/">Sign in with another account</a>' in main
    assert "Sign in to see this page" not in main


def test_a_refusal_tells_a_visitor_to_sign_in(client: TestClient) -> None:
    # A visitor who is not signed in is sent to sign in before any page; a form sent without
    # an account is refused, and the page says to sign in first.
    token = csrf_token(client, "/signin")

    response = client.post(
        "/ogp2021/sessions/1/follow",
        data={"follow": "1", "csrf_token": token},
        headers={"origin": BASE_URL},
    )

    main = _main(response.text)
    assert response.status_code == 403
    assert SUMMIT_BRAND in response.text
    assert "Sign in to see this page" in main
    # A form's address cannot be opened after signing in: back to the summit instead.
    assert '<a class="button" href="/signin?next=/ogp2021/">Sign in</a>' in main
    assert "signed in as" not in main


def test_a_refused_form_says_to_reload_the_page(client: TestClient) -> None:
    choose_english(client)  # the account speaks Arabic
    sign_in(client, "delegate@example.org")

    response = client.post(
        "/ogp2021/sessions/1/follow",
        data={"follow": "1", "csrf_token": "stale"},
        headers={"origin": BASE_URL},
    )

    main = _main(response.text)
    assert response.status_code == 403
    assert "Go back, reload the page and try again." in main
    assert "ask an organiser" not in main


def test_error_pages_are_in_the_viewers_language(client: TestClient) -> None:
    response = client.get("/ogp2021/no-such-page?lang=ar")

    assert response.status_code == 404
    assert '<html lang="ar" dir="rtl">' in response.text
    assert "البرنامج" in response.text  # "Programme" in the summit's navigation
