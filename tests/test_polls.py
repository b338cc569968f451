"""Polls: moderators make, open and close them; members vote once (changeable until the close);
results show live or after the close, pushed to every open page of the session as one shared
block that holds nobody's own choices; hidden results never leak."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession
from summit.auth.models import Account, AuditEntry
from summit.db import Database
from summit.polls.models import Poll, PollOption, PollStatus, PollVote
from tests.conftest import (
    BASE_URL,
    choose_english,
    csrf_token,
    htmx_post,
    make_client,
    receive_until,
    sign_in,
)
from tests.qa_support import MODERATOR_EMAIL, _link_moderator

WS = BASE_URL.replace("http://", "ws://")
API = "/api/v1/summits/ogp2021"


def _opening(database: Database) -> int:
    with database.read() as db:
        found = db.exec(select(ProgrammeSession.id).where(ProgrammeSession.code == "OPENING")).one()
    assert found is not None
    return found


def _make(
    organiser: TestClient,
    database: Database,
    session_id: int,
    *,
    options: tuple[str, ...] = ("Yes", "No", "Not sure"),
    multiple: bool = False,
    hidden: bool = False,
) -> Poll:
    fields = {"question_en": "Should budgets be open?", "question_fr": "Budgets ouverts ?"}
    for slot, label in enumerate(options):
        fields[f"option_{slot}_en"] = label
    if multiple:
        fields["multiple"] = "1"
    if hidden:
        fields["hide_results"] = "1"
    answer = htmx_post(organiser, f"/ogp2021/sessions/{session_id}/polls", fields)
    assert answer.status_code == 200, answer.text
    with database.read() as db:
        made = db.exec(select(Poll).order_by(col(Poll.id).desc())).first()
    assert made is not None
    return made


def _options(database: Database, poll: Poll) -> list[int]:
    with database.read() as db:
        return [
            option.id or 0
            for option in db.exec(
                select(PollOption)
                .where(PollOption.poll_id == poll.id)
                .order_by(col(PollOption.position))
            )
        ]


def _state(organiser: TestClient, session_id: int, poll: Poll, status: str) -> None:
    answer = htmx_post(
        organiser, f"/ogp2021/sessions/{session_id}/polls/{poll.id}/state", {"status": status}
    )
    assert answer.status_code == 200, answer.text


def _vote(client: TestClient, session_id: int, poll: Poll, *options: int) -> int:
    answer = client.post(
        f"/ogp2021/sessions/{session_id}/polls/{poll.id}/vote",
        data={"option": [str(option) for option in options]},
        headers={
            "origin": BASE_URL,
            "hx-request": "true",
            "x-csrf-token": csrf_token(client, f"/ogp2021/sessions/{session_id}/polls"),
        },
    )
    return int(answer.status_code)


@pytest.fixture
def delegate(demo_app: Starlette) -> Iterator[TestClient]:
    with make_client(demo_app) as client:
        sign_in(client, "delegate2@example.org")
        choose_english(client)
        yield client


@pytest.fixture
def juror(demo_app: Starlette) -> Iterator[TestClient]:
    with make_client(demo_app) as client:
        sign_in(client, "juror1@example.org")
        choose_english(client)  # the juror's account speaks French
        yield client


def test_a_new_poll_waits_for_its_opening(
    organiser: TestClient, demo_app: Starlette, demo_database: Database
) -> None:
    opening = _opening(demo_database)
    poll = _make(organiser, demo_database, opening)

    with make_client(demo_app) as visitor:
        public = visitor.get(f"/ogp2021/sessions/{opening}/polls").text

    assert poll.status == PollStatus.DRAFT
    assert f'id="poll-{poll.id}"' not in public
    assert f'id="poll-{poll.id}"' in organiser.get(f"/ogp2021/sessions/{opening}/polls").text


def test_a_poll_without_question_or_second_option_is_refused_beside_its_fields(
    organiser: TestClient, demo_database: Database
) -> None:
    opening = _opening(demo_database)

    answer = htmx_post(organiser, f"/ogp2021/sessions/{opening}/polls", {"option_0_en": "Yes"})

    assert answer.status_code == 422
    assert 'id="question-error"' in answer.text and 'id="options-error"' in answer.text
    with demo_database.read() as db:
        assert db.exec(select(Poll)).all() == []


def test_opening_pushes_the_poll_to_every_open_page_and_is_audited(
    organiser: TestClient, demo_database: Database
) -> None:
    opening = _opening(demo_database)
    poll = _make(organiser, demo_database, opening)
    with organiser.websocket_connect(
        f"{WS}/ogp2021/live?page=session&session={opening}", headers={"origin": BASE_URL}
    ) as socket:
        _state(organiser, opening, poll, "open")
        pushed = socket.receive_text()

    assert f'<div id="polls-{opening}"' in pushed
    assert f'id="poll-{poll.id}"' in pushed and "Should budgets be open?" in pushed
    with demo_database.read() as db:
        actions = [entry.action for entry in db.exec(select(AuditEntry)) if "poll" in entry.action]
    assert actions == ["poll_created", "poll_opened"]


def test_the_sessions_moderator_runs_its_polls_and_each_step_is_audited(
    demo_app: Starlette, delegate: TestClient, demo_database: Database
) -> None:
    opening = _opening(demo_database)
    _link_moderator(demo_database)
    path = f"/ogp2021/sessions/{opening}/polls"
    refused = htmx_post(
        delegate, path, {"question_en": "Mine?", "option_0_en": "Yes", "option_1_en": "No"}
    )
    with make_client(demo_app) as moderator:
        sign_in(moderator, MODERATOR_EMAIL)
        choose_english(moderator)
        poll = _make(moderator, demo_database, opening)
        refused_state = htmx_post(
            delegate, f"{path}/{poll.id}/state", {"status": "open"}
        ).status_code
        _state(moderator, opening, poll, "open")
        _state(moderator, opening, poll, "closed")
        drafts_seen_by_delegate = f'id="polls-drafts-{opening}"' in delegate.get(path).text

    with demo_database.read() as db:
        moderator_id = db.exec(select(Account.id).where(Account.email == MODERATOR_EMAIL)).one()
        entries = [
            (entry.action, entry.account_id, entry.target)
            for entry in db.exec(select(AuditEntry).order_by(col(AuditEntry.id)))
            if entry.action.startswith("poll")
        ]
    assert (refused.status_code, refused_state) == (403, 403)
    assert not drafts_seen_by_delegate
    assert entries == [
        (action, moderator_id, f"poll:{poll.id}")
        for action in ("poll_created", "poll_opened", "poll_closed")
    ]


def test_voting_too_fast_is_refused(
    organiser: TestClient, delegate: TestClient, demo_database: Database
) -> None:
    opening = _opening(demo_database)
    poll = _make(organiser, demo_database, opening)
    yes, _, _ = _options(demo_database, poll)
    _state(organiser, opening, poll, "open")

    answers = [_vote(delegate, opening, poll, yes) for _ in range(61)]

    assert answers == [200] * 60 + [429]


def test_one_vote_per_account_changeable_until_the_close(
    organiser: TestClient, delegate: TestClient, demo_database: Database
) -> None:
    opening = _opening(demo_database)
    poll = _make(organiser, demo_database, opening)
    yes, no, _ = _options(demo_database, poll)
    _state(organiser, opening, poll, "open")

    assert _vote(delegate, opening, poll, yes) == 200
    assert _vote(delegate, opening, poll, no) == 200
    assert _vote(delegate, opening, poll, yes, no) == 422
    _state(organiser, opening, poll, "closed")
    assert _vote(delegate, opening, poll, yes) == 422

    with demo_database.read() as db:
        votes = [vote.option_id for vote in db.exec(select(PollVote))]
    assert votes == [no]
    page = delegate.get(f"/ogp2021/sessions/{opening}/polls").text
    assert f'data-my-choices="{no}"' in page
    assert "1 person voted" in page


def test_shares_read_as_each_language_writes_them(
    organiser: TestClient, delegate: TestClient, demo_database: Database
) -> None:
    opening = _opening(demo_database)
    poll = _make(organiser, demo_database, opening)
    yes, _, _ = _options(demo_database, poll)
    _state(organiser, opening, poll, "open")
    assert _vote(delegate, opening, poll, yes) == 200

    counts = {
        language: re.findall(
            r'<span class="poll__count">([^<]+)</span>',
            delegate.get(f"/ogp2021/sessions/{opening}/polls?lang={language}").text,
        )[0]
        for language in ("en", "fr")
    }

    assert counts == {"en": "1 vote · 100%", "fr": "1 voix · 100\xa0%"}


def test_a_multiple_choice_poll_takes_several_options(
    organiser: TestClient, delegate: TestClient, demo_database: Database
) -> None:
    opening = _opening(demo_database)
    poll = _make(organiser, demo_database, opening, multiple=True)
    yes, no, unsure = _options(demo_database, poll)
    _state(organiser, opening, poll, "open")

    assert _vote(delegate, opening, poll, yes, unsure) == 200

    with demo_database.read() as db:
        assert sorted(vote.option_id for vote in db.exec(select(PollVote))) == [yes, unsure]
    assert no not in {yes, unsure}


def test_a_socket_never_carries_anyones_choices(
    organiser: TestClient, delegate: TestClient, juror: TestClient, demo_database: Database
) -> None:
    opening = _opening(demo_database)
    poll = _make(organiser, demo_database, opening)
    yes, _, _ = _options(demo_database, poll)
    _state(organiser, opening, poll, "open")
    with juror.websocket_connect(
        f"{WS}/ogp2021/live?page=session&session={opening}", headers={"origin": BASE_URL}
    ) as socket:
        assert _vote(delegate, opening, poll, yes) == 200
        pushed = socket.receive_text()

    assert "1 vote" in pushed
    assert "data-my-choices" not in pushed
    assert "checked" not in pushed and "poll--voted" not in pushed


def test_every_page_of_a_group_gets_the_same_pushed_block(
    organiser: TestClient, delegate: TestClient, juror: TestClient, demo_database: Database
) -> None:
    """Rendered once for the group (language, zone, page), and handed as is to everyone in it:
    the moderator, the voter and someone else get the very same string."""
    opening = _opening(demo_database)
    poll = _make(organiser, demo_database, opening)
    yes, _, _ = _options(demo_database, poll)
    _state(organiser, opening, poll, "open")
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


def test_making_polls_is_rate_limited(organiser: TestClient, demo_database: Database) -> None:
    opening = _opening(demo_database)
    for _ in range(10):
        _make(organiser, demo_database, opening)

    answer = htmx_post(
        organiser,
        f"/ogp2021/sessions/{opening}/polls",
        {"question_en": "One more?", "option_0_en": "Yes", "option_1_en": "No"},
    )

    assert answer.status_code == 422
    assert "You are making polls quickly" in answer.text


def test_the_api_counts_polls_against_the_same_limit_as_the_page(
    organiser: TestClient, demo_database: Database, bearer: dict[str, str]
) -> None:
    opening = _opening(demo_database)
    for _ in range(10):
        _make(organiser, demo_database, opening)

    answer = organiser.post(
        f"{API}/sessions/{opening}/polls",
        json={"question": {"en": "One more?"}, "options": [{"en": "Yes"}, {"en": "No"}]},
        headers=bearer,
    )

    assert answer.status_code == 429
    assert "You are making polls quickly" in answer.json()["error"]
    with demo_database.read() as db:
        assert len(db.exec(select(Poll)).all()) == 10


def test_the_api_makes_opens_and_reads_polls_hiding_counts_until_the_close(
    client: TestClient, delegate: TestClient, demo_database: Database, bearer: dict[str, str]
) -> None:
    opening = _opening(demo_database)
    made = client.post(
        f"{API}/sessions/{opening}/polls",
        json={
            "question": {"en": "Which first?", "ar": "أيهما أولاً؟"},
            "options": [{"en": "Budgets"}, {"en": "Contracts", "fr": "Marchés"}],
            "results": "after_close",
        },
        headers=bearer,
    )
    poll_id = made.json()["id"]
    opened = client.post(
        f"{API}/sessions/{opening}/polls/{poll_id}/state", json={"status": "open"}, headers=bearer
    )
    with demo_database.read() as db:
        poll = db.get(Poll, poll_id)
    assert poll is not None
    first = _options(demo_database, poll)[0]
    assert _vote(delegate, opening, poll, first) == 200
    while_open = client.get(f"{API}/sessions/{opening}/polls").json()
    client.post(
        f"{API}/sessions/{opening}/polls/{poll_id}/state", json={"status": "closed"}, headers=bearer
    )
    after_close = client.get(f"{API}/sessions/{opening}/polls").json()

    assert (made.status_code, made.json()["status"]) == (201, "draft")
    assert (opened.status_code, opened.json()["status"]) == (200, "open")
    assert while_open[0]["voters"] is None
    assert [option["votes"] for option in while_open[0]["options"]] == [None, None]
    assert after_close[0]["voters"] == 1
    assert [option["votes"] for option in after_close[0]["options"]] == [1, 0]


def test_the_api_refuses_polls_to_anyone_without_a_token(
    client: TestClient, demo_database: Database
) -> None:
    opening = _opening(demo_database)

    answer = client.post(
        f"{API}/sessions/{opening}/polls",
        json={"question": {"en": "?"}, "options": [{"en": "a"}, {"en": "b"}]},
    )

    assert answer.status_code == 401
    with demo_database.read() as db:
        assert db.exec(select(Poll)).all() == []


def test_a_cancelled_sessions_polls_take_no_more_votes(
    organiser: TestClient, delegate: TestClient, demo_database: Database
) -> None:
    opening = _opening(demo_database)
    poll = _make(organiser, demo_database, opening)
    yes, _, _ = _options(demo_database, poll)
    _state(organiser, opening, poll, "open")
    cancelled = htmx_post(
        organiser, f"/ogp2021/manage/sessions/{opening}/status", {"status": "cancelled"}
    )

    assert cancelled.status_code == 204
    assert _vote(delegate, opening, poll, yes) == 422
    with demo_database.read() as db:
        assert db.exec(select(PollVote)).all() == []
