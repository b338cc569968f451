"""The pages work in a real browser under the strict Content-Security-Policy."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import wait_until_live
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def _new_page(chromium: Any, problems: list[str]) -> Any:
    context = chromium.new_context(locale="en-GB", timezone_id="Europe/Paris")
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page


def test_pages_run_htmx_without_csp_violations(chromium: Any, live_server: str) -> None:
    problems: list[str] = []
    page = _new_page(chromium, problems)
    sockets: list[Any] = []
    page.on("websocket", lambda socket: sockets.append(socket))

    page.goto(f"{live_server}/ogp2021/")
    page.wait_for_function("() => window.htmx !== undefined")
    version = page.evaluate("() => htmx.version")
    wait_until_live(page)

    assert version.startswith("2.0.")
    assert [socket.url for socket in sockets] == [
        f"{live_server.replace('http', 'ws')}/ogp2021/live?page=home&last=0"
    ]
    assert not sockets[0].is_closed()
    # The browser's zone was picked up (one reload at most) and is shown.
    assert "Times are shown in Europe/Paris." in page.content()
    assert problems == []


def test_sign_in_with_htmx_then_sign_out_elsewhere_reloads_the_page(
    chromium: Any, live_server: str
) -> None:
    problems: list[str] = []
    page = _new_page(chromium, problems)
    other = _new_page(chromium, problems)

    page.goto(f"{live_server}/signin?next=/ogp2021/")
    page.fill("#email", "delegate@example.org")
    page.fill("#password", DEMO_PASSWORD)
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_url(f"{live_server}/ogp2021/")
    assert page.locator(".account-menu__name").inner_text() != ""

    # The same account signs out in another browser: this page's socket is told, and it reloads.
    other.goto(f"{live_server}/signin")
    other.fill("#email", "delegate@example.org")
    other.fill("#password", DEMO_PASSWORD)
    other.click("#sign-in-form button[type=submit]")
    other.wait_for_url(f"{live_server}/ogp2021/")
    other.click(".account-menu summary")  # the account's menu opens first
    other.click(".account-menu button[type=submit]")
    page.wait_for_selector(".account-menu a[href$='/signin']", timeout=10_000)

    assert problems == []


def test_a_wrong_password_shows_the_error_inline(chromium: Any, live_server: str) -> None:
    problems: list[str] = []
    page = _new_page(chromium, problems)

    page.goto(f"{live_server}/signin")
    page.fill("#email", "delegate@example.org")
    page.fill("#password", "not the password")
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_selector(".form-error")

    assert page.url == f"{live_server}/signin"
    assert "not right" in page.locator(".form-error").inner_text()
    # 422 is an expected answer, swapped in by htmx; the browser logs the status, nothing else.
    assert [problem for problem in problems if "422" not in problem] == []


def test_htmx_requests_carry_the_pages_token_from_its_last_element(
    chromium: Any, live_server: str
) -> None:
    problems: list[str] = []
    page = _new_page(chromium, problems)
    page.goto(f"{live_server}/ogp2021/programme")
    page.wait_for_function("() => window.htmx !== undefined")
    token = page.get_attribute("#csrf-token", "value")

    with page.expect_request(lambda request: "hx-request" in request.headers) as sent:
        # An htmx request of the page's own: the filters' form asks for its results.
        page.evaluate("() => htmx.ajax('GET', location.pathname, '#programme-results')")

    assert token and len(token) == 64
    assert sent.value.headers["x-csrf-token"] == token
    assert problems == []
