"""The account's language and time zone: they apply once signed in, wherever this browser has
made no choice of its own; the preferences page stores them (and makes them this browser's
choice); the personal calendar feed is written in the account's language."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession
from summit.auth.models import Account
from summit.db import Database
from tests.conftest import BASE_URL, another_browser, csrf_token, post_form, receive_until, sign_in

WS = BASE_URL.replace("http://", "ws://")
ARABIC = '<html lang="ar" dir="rtl">'
FRENCH = '<html lang="fr" dir="ltr">'
ENGLISH = '<html lang="en" dir="ltr">'


def _account(database: Database, email: str) -> Account:
    with database.read() as db:
        return db.exec(select(Account).where(Account.email == email)).one()


def _set_zone(database: Database, email: str, zone: str) -> None:
    with database.write() as db:
        account = db.exec(select(Account).where(Account.email == email)).one()
        account.timezone = zone
        db.add(account)


def _opening(database: Database) -> int:
    with database.read() as db:
        found = db.exec(select(ProgrammeSession.id).where(ProgrammeSession.code == "OPENING"))
        session_id = found.one()
    assert session_id is not None
    return session_id


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("delegate@example.org", ARABIC),
        ("juror1@example.org", FRENCH),
        ("organiser@example.org", ENGLISH),
    ],
)
def test_signing_in_shows_the_accounts_language(
    client: TestClient, email: str, expected: str
) -> None:
    assert ENGLISH in client.get("/ogp2021/").text

    sign_in(client, email)

    assert expected in client.get("/ogp2021/").text
    assert expected in client.get("/ogp2021/programme").text


def test_the_accounts_language_beats_the_browsers(client: TestClient) -> None:
    sign_in(client, "delegate@example.org")

    page = client.get("/ogp2021/", headers={"accept-language": "en-GB, en;q=0.9"}).text

    assert ARABIC in page


def test_a_language_chosen_in_this_browser_beats_the_accounts(client: TestClient) -> None:
    client.get("/ogp2021/?lang=fr")

    sign_in(client, "delegate@example.org")

    assert FRENCH in client.get("/ogp2021/").text


def test_signing_out_leaves_the_accounts_language_behind(client: TestClient) -> None:
    sign_in(client, "delegate@example.org")
    client.post(
        "/signout",
        data={"csrf_token": csrf_token(client, "/ogp2021/")},
        headers={"origin": BASE_URL},
    )

    assert ENGLISH in client.get("/ogp2021/").text


def test_the_accounts_zone_beats_the_zone_the_browser_reported(
    client: TestClient, demo_database: Database
) -> None:
    _set_zone(demo_database, "delegate@example.org", "America/New_York")
    client.cookies.set("summit_browser_tz", "Europe/Paris")
    assert "Europe/Paris" in client.get("/ogp2021/?lang=en").text

    sign_in(client, "delegate@example.org")
    page = client.get("/ogp2021/programme").text

    assert "Times are shown in America/New_York." in page
    assert "data-zone-settled" in page


def test_a_zone_chosen_in_this_browser_beats_the_accounts(
    client: TestClient, demo_database: Database
) -> None:
    _set_zone(demo_database, "delegate@example.org", "America/New_York")
    client.get("/ogp2021/?lang=en&tz=Asia/Tokyo")

    sign_in(client, "delegate@example.org")

    assert "Times are shown in Asia/Tokyo." in client.get("/ogp2021/").text


def test_the_signed_in_menu_leads_to_the_preferences(client: TestClient) -> None:
    sign_in(client, "organiser@example.org")

    menu = client.get("/ogp2021/").text.split('class="account-menu"', 1)[1].split("</nav>")[0]

    assert 'href="/preferences?next=/ogp2021/"' in menu


def test_the_preferences_page_shows_the_accounts_values(
    client: TestClient, demo_database: Database
) -> None:
    _set_zone(demo_database, "juror1@example.org", "Africa/Abidjan")
    sign_in(client, "juror1@example.org")

    page = client.get("/preferences").text

    assert FRENCH in page
    assert '<option value="fr" lang="fr" selected>' in page
    assert '<option value="Africa/Abidjan" selected>' in page


def test_saving_preferences_stores_them_on_the_account_and_in_this_browser(
    client: TestClient, demo_database: Database
) -> None:
    sign_in(client, "delegate@example.org")

    saved = post_form(
        client,
        "/preferences",
        {"language": "fr", "timezone": "America/New_York", "next": "/ogp2021/programme"},
        token_from="/preferences",
    )

    account = _account(demo_database, "delegate@example.org")
    assert saved.status_code == 303
    assert saved.headers["location"] == "/ogp2021/programme"
    assert (account.language, account.timezone) == ("fr", "America/New_York")
    # (The cookie quotes a value holding "/".)
    assert (client.cookies["summit_lang"], client.cookies["summit_tz"].strip('"')) == (
        "fr",
        "America/New_York",
    )
    page = client.get("/ogp2021/programme").text
    assert FRENCH in page
    assert "Les heures sont indiquées dans le fuseau America/New_York." in page


def test_saved_preferences_follow_the_account_to_another_browser(
    demo_app: Starlette, demo_database: Database
) -> None:
    with TestClient(demo_app, base_url=BASE_URL) as first:
        sign_in(first, "delegate@example.org")
        post_form(
            first,
            "/preferences",
            {"language": "fr", "timezone": "America/New_York", "next": ""},
            token_from="/preferences",
        )
    with TestClient(demo_app, base_url=BASE_URL) as second:
        sign_in(second, "delegate@example.org")
        page = second.get("/ogp2021/").text

    assert FRENCH in page
    assert "America/New_York" in page


def test_wrong_preferences_are_refused_beside_their_fields(
    client: TestClient, demo_database: Database
) -> None:
    sign_in(client, "delegate@example.org")
    client.get("/preferences?lang=en")

    refused = post_form(
        client,
        "/preferences",
        {"language": "xx", "timezone": "Mars/Olympus_Mons", "next": "/"},
        token_from="/preferences",
    )

    account = _account(demo_database, "delegate@example.org")
    assert refused.status_code == 422
    assert 'aria-describedby="language-error"' in refused.text
    assert 'aria-describedby="timezone-error"' in refused.text
    errors = re.findall(r'<p class="field-error" id="(\w+)-error">([^<]+)</p>', refused.text)
    assert errors == [
        ("language", "Choose one of the languages offered."),
        ("timezone", "Choose a time zone from the list."),
    ]
    assert (account.language, account.timezone) == ("ar", None)


def test_wrong_preferences_are_refused_in_the_viewers_language(client: TestClient) -> None:
    sign_in(client, "delegate@example.org")

    refused = post_form(
        client,
        "/preferences",
        {"language": "fr", "timezone": "Nowhere", "next": "/"},
        token_from="/preferences",
    )

    assert refused.status_code == 422
    assert ARABIC in refused.text
    assert "Choose a time zone from the list." not in refused.text


def test_saving_preferences_needs_the_csrf_token(
    client: TestClient, demo_database: Database
) -> None:
    sign_in(client, "delegate@example.org")

    refused = client.post(
        "/preferences",
        data={"language": "fr", "timezone": "America/New_York"},
        headers={"origin": BASE_URL},
    )

    assert refused.status_code == 403
    assert _account(demo_database, "delegate@example.org").language == "ar"


def test_a_visitor_saves_preferences_in_this_browser_only(client: TestClient) -> None:
    saved = post_form(
        client,
        "/preferences",
        {"language": "ar", "timezone": "Asia/Seoul", "next": "/ogp2021/"},
        token_from="/preferences",
    )

    assert saved.status_code == 303
    page = client.get("/ogp2021/").text
    assert ARABIC in page
    assert "Asia/Seoul" in page


def test_the_personal_calendar_feed_speaks_the_accounts_language(client: TestClient) -> None:
    sign_in(client, "delegate@example.org")
    page = post_form(client, "/ogp2021/agenda/calendar", {}, token_from="/ogp2021/agenda").text
    found = re.search(r'class="copy-field"[^>]*value="([^"]+)"', page)
    assert found is not None
    client.cookies.clear()  # calendar apps send no cookies

    arabic = client.get(found.group(1)).text
    english = client.get(f"{found.group(1)}?lang=en").text

    assert "X-WR-CALNAME:" in arabic
    assert "جدول أعمالي" in arabic
    assert "My agenda" in english


def test_the_live_socket_speaks_the_accounts_language(
    demo_app: Starlette, demo_database: Database
) -> None:
    opening = _opening(demo_database)
    with TestClient(demo_app, base_url=BASE_URL) as organiser:
        sign_in(organiser, "organiser@example.org")
        delegate = another_browser(organiser)
        sign_in(delegate, "delegate@example.org")
        post_form(
            delegate,
            f"/ogp2021/sessions/{opening}/follow",
            {"follow": "1"},
            token_from="/ogp2021/",
        )
        with delegate.websocket_connect(
            f"{WS}/ogp2021/live?page=other", headers={"origin": BASE_URL}
        ) as socket:
            post_form(
                organiser,
                f"/ogp2021/manage/sessions/{opening}/status",
                {"status": "live"},
                token_from="/ogp2021/manage/",
            )
            notice = receive_until(socket, lambda message: "live-notices" in message)

    assert "تُبث مباشرة الآن" in notice
