"""Poll results: read as each language writes them, pushed to every open page of the session as
one shared block that holds nobody's own choices, hidden until the close when the poll says so,
and exported as formula-safe CSV."""

from __future__ import annotations

import csv
import io
import re

from starlette.testclient import TestClient

from summit.db import Database
from tests.conftest import BASE_URL, receive_until
from tests.polls_support import API, WS, _make, _open_poll, _opening, _options, _state, _vote


def test_shares_read_as_each_language_writes_them(
    organiser: TestClient, delegate: TestClient, demo_database: Database
) -> None:
    opening, poll, (yes, _, _) = _open_poll(organiser, demo_database)
    assert _vote(delegate, opening, poll, yes) == 200

    counts = {
        language: re.findall(
            r'<span class="poll__count">([^<]+)</span>',
            delegate.get(f"/ogp2021/sessions/{opening}/polls?lang={language}").text,
        )[0]
        for language in ("en", "fr")
    }

    assert counts == {"en": "1 vote · 100%", "fr": "1 voix · 100\xa0%"}


def test_a_socket_never_carries_anyones_choices(
    organiser: TestClient, delegate: TestClient, juror: TestClient, demo_database: Database
) -> None:
    opening, poll, (yes, _, _) = _open_poll(organiser, demo_database)
    with juror.websocket_connect(
        f"{WS}/ogp2021/live?page=session&session={opening}", headers={"origin": BASE_URL}
    ) as socket:
        assert _vote(delegate, opening, poll, yes) == 200
        pushed = receive_until(socket, lambda message: "1 vote" in message)

    assert "1 vote" in pushed
    assert "data-my-choices" not in pushed
    assert "checked" not in pushed and "poll--voted" not in pushed


def test_every_page_of_a_group_gets_the_same_pushed_block(
    organiser: TestClient, delegate: TestClient, juror: TestClient, demo_database: Database
) -> None:
    """Rendered once for the group (language, zone, page), and handed as is to everyone in it:
    the moderator, the voter and someone else get the very same string."""
    opening, poll, (yes, _, _) = _open_poll(organiser, demo_database)
    address = f"{WS}/ogp2021/live?page=session&session={opening}"
    with (
        organiser.websocket_connect(address, headers={"origin": BASE_URL}) as moderators,
        delegate.websocket_connect(address, headers={"origin": BASE_URL}) as voters,
        juror.websocket_connect(address, headers={"origin": BASE_URL}) as others,
    ):
        assert _vote(delegate, opening, poll, yes) == 200
        pushed = [
            receive_until(socket, lambda message: "1 person voted" in message)
            for socket in (moderators, voters, others)
        ]

    assert pushed[0] == pushed[1] == pushed[2]
    assert "data-my-choices" not in pushed[0] and "csrf" not in pushed[0]


def _counts_shown(html: str) -> list[str]:
    """What of a poll's results ``html`` shows: counts, shares, how many voted."""
    return re.findall(r"[0-9]+ (?:votes?|people voted|person voted)|[0-9]+%|poll__count", html)


def test_hidden_results_stay_hidden_until_the_close(
    organiser: TestClient,
    delegate: TestClient,
    juror: TestClient,
    demo_database: Database,
    bearer: dict[str, str],
) -> None:
    opening = _opening(demo_database)
    poll = _make(organiser, demo_database, opening, hidden=True)
    yes, _, _ = _options(demo_database, poll)
    path = f"/ogp2021/sessions/{opening}/polls"
    with juror.websocket_connect(
        f"{WS}/ogp2021/live?page=session&session={opening}", headers={"origin": BASE_URL}
    ) as socket:
        _state(organiser, opening, poll, "open")
        opened = receive_until(socket, lambda message: f'id="poll-{poll.id}"' in message)
        assert _vote(delegate, opening, poll, yes) == 200
        seen = {
            "moderator's panel": organiser.get(path).text,
            "voter's panel": delegate.get(path).text,
            "session page": delegate.get(f"/ogp2021/sessions/{opening}").text,
            "shared fragment": juror.get(
                path, headers={"hx-request": "true", "hx-target": f"polls-{opening}"}
            ).text,
            "public API": delegate.get(f"{API}/sessions/{opening}/polls").text,
            "organiser's API": organiser.get(
                f"{API}/sessions/{opening}/polls", headers=bearer
            ).text,
        }
        csv_answer = organiser.get(f"{path}/{poll.id}/results.csv")
        _state(organiser, opening, poll, "closed")
        # The next message the juror's page gets is the close: the vote pushed nothing.
        after_close = socket.receive_text()

    assert "The results show when the poll closes." in opened
    assert _counts_shown(opened) == []
    assert {where: _counts_shown(html) for where, html in seen.items()} == dict.fromkeys(seen, [])
    for api in ("public API", "organiser's API"):
        assert '"voters":null' in seen[api] and '"votes":1' not in seen[api], api
    assert csv_answer.status_code == 409
    assert "poll--closed" in after_close
    assert "1 person voted" in after_close and "100%" in after_close


def test_results_export_as_formula_safe_csv(
    organiser: TestClient, delegate: TestClient, demo_database: Database
) -> None:
    opening = _opening(demo_database)
    poll = _make(
        organiser, demo_database, opening, options=('=HYPERLINK("http://x")', "+1", "Plain")
    )
    first, _, _ = _options(demo_database, poll)
    _state(organiser, opening, poll, "open")
    _vote(delegate, opening, poll, first)

    answer = organiser.get(f"/ogp2021/sessions/{opening}/polls/{poll.id}/results.csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))

    assert answer.status_code == 200
    assert rows[1][0] == '\'=HYPERLINK("http://x")'
    assert rows[2][0] == "'+1"
    assert rows[1][3:] == ["1", "100"]
    assert (
        delegate.get(f"/ogp2021/sessions/{opening}/polls/{poll.id}/results.csv").status_code == 403
    )
