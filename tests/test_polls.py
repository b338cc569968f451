"""Polls: moderators make, open and close them, each step audited and making rate-limited; members
vote once (changeable until the close, several options when the poll allows); a cancelled
session's polls take no more votes."""

from __future__ import annotations

from sqlmodel import col, select
from starlette.testclient import TestClient

from summit.auth.models import Account, AuditEntry
from summit.db import Database
from summit.polls.models import Poll, PollStatus, PollVote
from tests.conftest import (
    BASE_URL,
    another_browser,
    choose_english,
    htmx_post,
    receive_until,
    sign_in,
)
from tests.polls_support import WS, _make, _open_poll, _opening, _options, _state, _vote
from tests.qa_support import MODERATOR_EMAIL, _link_moderator


def test_a_new_poll_waits_for_its_opening(organiser: TestClient, demo_database: Database) -> None:
    opening = _opening(demo_database)
    poll = _make(organiser, demo_database, opening)

    public = another_browser(organiser).get(f"/ogp2021/sessions/{opening}/polls").text

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
        pushed = receive_until(socket, lambda message: f'id="poll-{poll.id}"' in message)

    assert f'<div id="polls-{opening}"' in pushed
    assert f'id="poll-{poll.id}"' in pushed and "Should budgets be open?" in pushed
    with demo_database.read() as db:
        actions = [entry.action for entry in db.exec(select(AuditEntry)) if "poll" in entry.action]
    assert actions == ["poll_created", "poll_opened"]


def test_the_sessions_moderator_runs_its_polls_and_each_step_is_audited(
    delegate: TestClient, demo_database: Database
) -> None:
    opening = _opening(demo_database)
    _link_moderator(demo_database)
    path = f"/ogp2021/sessions/{opening}/polls"
    refused = htmx_post(
        delegate, path, {"question_en": "Mine?", "option_0_en": "Yes", "option_1_en": "No"}
    )
    moderator = another_browser(delegate)
    sign_in(moderator, MODERATOR_EMAIL)
    choose_english(moderator)
    poll = _make(moderator, demo_database, opening)
    refused_state = htmx_post(delegate, f"{path}/{poll.id}/state", {"status": "open"}).status_code
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
    opening, poll, (yes, _, _) = _open_poll(organiser, demo_database)

    answers = [_vote(delegate, opening, poll, yes) for _ in range(61)]

    assert answers == [200] * 60 + [429]


def test_one_vote_per_account_changeable_until_the_close(
    organiser: TestClient, delegate: TestClient, demo_database: Database
) -> None:
    opening, poll, (yes, no, _) = _open_poll(organiser, demo_database)

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


def test_a_cancelled_sessions_polls_take_no_more_votes(
    organiser: TestClient, delegate: TestClient, demo_database: Database
) -> None:
    opening, poll, (yes, _, _) = _open_poll(organiser, demo_database)
    cancelled = htmx_post(
        organiser, f"/ogp2021/manage/sessions/{opening}/status", {"status": "cancelled"}
    )

    assert cancelled.status_code == 204
    assert _vote(delegate, opening, poll, yes) == 422
    with demo_database.read() as db:
        assert db.exec(select(PollVote)).all() == []
