"""CSRF, origins, headers, body limits and the live socket's handshake."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from summit.app import create_app
from summit.auth.models import Account
from summit.auth.services import disable_account
from summit.db import Database
from summit.settings import Settings
from tests.conftest import (
    BASE_URL,
    DEMO_PASSWORD,
    DURING_THE_SUMMIT,
    another_browser,
    csrf_token,
    make_client,
    sign_in,
    sqlite_settings,
)

WS_BASE = BASE_URL.replace("http://", "ws://")
SIGN_IN = {"email": "delegate@example.org", "password": DEMO_PASSWORD}


def test_a_post_without_a_token_is_refused(client: TestClient) -> None:
    client.get("/signin")

    response = client.post("/signin", data=SIGN_IN, headers={"origin": BASE_URL})

    assert response.status_code == 403


def test_a_post_with_a_token_for_another_cookie_is_refused(client: TestClient) -> None:
    stolen = csrf_token(another_browser(client))
    client.get("/signin")

    response = client.post(
        "/signin", data={**SIGN_IN, "csrf_token": stolen}, headers={"origin": BASE_URL}
    )

    assert response.status_code == 403


def test_a_post_from_another_origin_is_refused_even_with_a_token(client: TestClient) -> None:
    token = csrf_token(client)

    response = client.post(
        "/signin",
        data={**SIGN_IN, "csrf_token": token},
        headers={"origin": "https://evil.example.com"},
    )

    assert response.status_code == 403


def test_a_foreign_referer_counts_as_a_foreign_origin(client: TestClient) -> None:
    token = csrf_token(client)

    response = client.post(
        "/signin",
        data={**SIGN_IN, "csrf_token": token},
        headers={"referer": "https://evil.example.com/page"},
    )

    assert response.status_code == 403


def test_an_opaque_origin_counts_as_a_foreign_one(client: TestClient) -> None:
    token = csrf_token(client)

    response = client.post(
        "/signin", data={**SIGN_IN, "csrf_token": token}, headers={"origin": "null"}
    )

    assert response.status_code == 403


def test_a_token_obtained_with_a_planted_cookie_is_worthless_once_signed_in(
    client: TestClient,
) -> None:
    attacker = another_browser(client)
    token = csrf_token(attacker)
    planted = attacker.cookies["summit_csrf"]
    sign_in(client, "delegate@example.org")
    client.cookies.delete("summit_csrf")
    client.cookies.set("summit_csrf", planted)

    forged = client.post("/signout", data={"csrf_token": token}, headers={"origin": BASE_URL})
    genuine = client.post(
        "/signout",
        data={"csrf_token": csrf_token(client, "/account/password")},
        headers={"origin": BASE_URL},
        follow_redirects=False,
    )

    assert (forged.status_code, genuine.status_code) == (403, 303)


def test_htmx_sends_the_token_as_a_header(client: TestClient) -> None:
    token = csrf_token(client)

    response = client.post(
        "/signin",
        data=SIGN_IN,
        headers={"origin": BASE_URL, "x-csrf-token": token, "hx-request": "true"},
    )

    assert (response.status_code, response.headers["hx-redirect"]) == (204, "/")


def test_pages_carry_the_token_for_htmx(client: TestClient) -> None:
    page = client.get("/ogp2021/").text

    # Last in the page, so that cached pages are the same for everyone up to it
    # (summit/web/encoded.py); static/js/csrf.js sends it with every htmx request.
    assert re.search(r'<input type="hidden" id="csrf-token" value="[0-9a-f]{64}">\s*</body>', page)
    assert "/static/js/csrf.js" in page


def test_every_html_answer_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/ogp2021/", "/signin", "/no-such-summit/", "/reset/expired"):
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        assert "unsafe" not in policy, path
        assert "frame-ancestors 'none'" in policy, path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin", path
        assert "strict-transport-security" not in headers, path


def test_signed_in_pages_are_not_cached(client: TestClient) -> None:
    assert "no-store" not in client.get("/ogp2021/").headers.get("cache-control", "")
    sign_in(client, "delegate@example.org")

    assert client.get("/ogp2021/").headers["cache-control"] == "no-store"


def test_https_deployments_send_hsts_and_secure_cookies(demo_settings: Settings) -> None:
    settings = demo_settings.model_copy(update={"base_url": "https://summit.example.org"})
    app = create_app(settings)
    with TestClient(app, base_url="https://summit.example.org") as client:
        response = client.get("/signin")

    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert "Secure" in response.headers["set-cookie"]


def test_under_https_the_csrf_cookie_is_host_only(demo_settings: Settings) -> None:
    origin = "https://summit.example.org"
    settings = demo_settings.model_copy(update={"base_url": origin})
    with TestClient(create_app(settings), base_url=origin) as client:
        cookie = client.get("/signin").headers["set-cookie"]
        signed_in = client.post(
            "/signin",
            data={**SIGN_IN, "csrf_token": csrf_token(client)},
            headers={"origin": origin},
            follow_redirects=False,
        )

    assert cookie.startswith("__Host-summit_csrf=")
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
    assert signed_in.status_code == 303


def test_unknown_hosts_are_refused(demo_app: Starlette) -> None:
    with TestClient(demo_app, base_url="http://attacker.example.com") as client:
        assert client.get("/ogp2021/").status_code == 400


def test_a_body_over_the_limit_gets_413(tmp_path: object, demo_settings: Settings) -> None:
    settings = demo_settings.model_copy(update={"max_request_bytes": 2048})
    with make_client(create_app(settings)) as client:
        token = csrf_token(client)
        response = client.post(
            "/signin",
            data={"email": "a" * 4000, "password": "x", "csrf_token": token},
            headers={"origin": BASE_URL},
        )

    assert response.status_code == 413


def test_too_many_form_fields_get_400(client: TestClient) -> None:
    token = csrf_token(client)
    fields = {f"field{index}": "x" for index in range(300)}

    response = client.post(
        "/signin", data={**fields, "csrf_token": token}, headers={"origin": BASE_URL}
    )

    assert response.status_code == 400


def test_a_socket_from_a_foreign_origin_is_refused_before_accept(client: TestClient) -> None:
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect(
            f"{WS_BASE}/ogp2021/live", headers={"origin": "https://evil.example.com"}
        ),
    ):
        pass

    # Closed before accepting: uvicorn answers such a handshake with 403.
    assert refused.value.code == 1008


def test_a_socket_without_an_origin_is_refused(client: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect), client.websocket_connect(f"{WS_BASE}/ogp2021/live"):
        pass


def test_a_socket_for_an_unknown_summit_is_refused(client: TestClient) -> None:
    with (
        pytest.raises(WebSocketDisconnect),
        client.websocket_connect(f"{WS_BASE}/nowhere/live", headers={"origin": BASE_URL}),
    ):
        pass


def _refused(client: TestClient, path: str) -> tuple[int, str] | None:
    """How a socket that the server closes at once was closed (None if it stayed open: the
    test then waits for its time limit)."""
    with client.websocket_connect(path, headers={"origin": BASE_URL}) as socket:
        try:
            socket.receive_text()
        except WebSocketDisconnect as closed:
            return closed.code, closed.reason
    return None


def test_sockets_over_the_cap_per_client_address_are_closed_with_a_reason(
    demo_settings: Settings,
) -> None:
    app = create_app(demo_settings.model_copy(update={"max_sockets_per_client": 2}))
    live = f"{WS_BASE}/ogp2021/live?page=programme"
    with make_client(app) as client:
        with client.websocket_connect(live, headers={"origin": BASE_URL}):
            with client.websocket_connect(live, headers={"origin": BASE_URL}):
                third = _refused(client, live)
            # One of the two closed: a new one is welcome, and counts.
            with client.websocket_connect(live, headers={"origin": BASE_URL}):
                fourth = _refused(client, live)

    assert third == fourth == (1013, "too many sockets from this address")


def test_signing_out_closes_the_accounts_open_socket(client: TestClient) -> None:
    sign_in(client, "delegate@example.org")
    with client.websocket_connect(
        f"{WS_BASE}/ogp2021/live", headers={"origin": BASE_URL}
    ) as socket:
        token = csrf_token(client, "/ogp2021/")
        client.post("/signout", data={"csrf_token": token}, headers={"origin": BASE_URL})

        message = socket.receive()

    assert (message["type"], message["code"], message["reason"]) == (
        "websocket.close",
        1008,
        "session ended",
    )


def test_a_disabled_accounts_open_socket_is_closed(
    client: TestClient, demo_app: Starlette, demo_database: Database
) -> None:
    sign_in(client, "juror2@example.org")
    with client.websocket_connect(
        f"{WS_BASE}/ogp2021/live", headers={"origin": BASE_URL}
    ) as socket:
        # Disabled from elsewhere (the command line, another process): only the database knows.
        with demo_database.write() as db:
            account = db.exec(select(Account).where(Account.email == "juror2@example.org")).one()
            disable_account(db, account=account)
        ended = client.portal.call(demo_app.state.session_watch.check)  # type: ignore[union-attr]

        message = socket.receive()

    assert ended == [account.id]
    assert (message["code"], message["reason"]) == (1008, "session ended")
    assert client.get("/account/password", follow_redirects=False).status_code == 303


def test_an_anonymous_socket_stays_open_when_others_sign_out(demo_app: Starlette) -> None:
    with make_client(demo_app) as visitor:
        delegate = another_browser(visitor)
        sign_in(delegate, "delegate@example.org")
        with visitor.websocket_connect(
            f"{WS_BASE}/ogp2021/live", headers={"origin": BASE_URL}
        ) as socket:
            token = csrf_token(delegate, "/ogp2021/")
            delegate.post("/signout", data={"csrf_token": token}, headers={"origin": BASE_URL})
            hub = demo_app.state.hub
            delivered = visitor.portal.call(hub.publish, "summit:1:public", "<p id='x'>hi</p>")  # type: ignore[union-attr]

            assert (delivered, socket.receive_text()) == (1, "<p id='x'>hi</p>")


def test_a_session_cookie_signed_with_another_key_is_ignored(demo_settings: Settings) -> None:
    other = sqlite_settings(demo_settings.sqlite_path or "x.db")  # type: ignore[arg-type]
    forged_app = create_app(
        other.model_copy(update={"secret_key": "another-secret-key-of-enough-length-123"}),
        clock=lambda: DURING_THE_SUMMIT,
    )
    with make_client(forged_app) as forger:
        sign_in(forger, "organiser@example.org")
        cookie = forger.cookies.get("summit_session")

    with make_client(create_app(demo_settings)) as client:
        client.cookies.set("summit_session", cookie or "")
        response = client.get("/ogp2021/manage/", follow_redirects=False)

    assert response.status_code == 303
