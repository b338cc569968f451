"""The presenter's view: the session's list of questions (the pinned one first, the most voted
next), in the viewer's language and direction, kept current by the session page's pushes."""

from __future__ import annotations

import re

from sqlmodel import select
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession, Summit
from summit.auth.models import Account
from summit.db import Database
from summit.qa import services
from summit.qa.models import Question, QuestionStatus
from tests.conftest import BASE_URL, htmx_post

WS = BASE_URL.replace("http://", "ws://")


def _plant(database: Database) -> tuple[int, dict[str, int]]:
    """The opening's questions: one pinned, one voted for, one plain, one hidden, one waiting."""
    ids: dict[str, int] = {}
    with database.write() as db:
        summit = db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()
        opening = db.exec(select(ProgrammeSession).where(ProgrammeSession.code == "OPENING")).one()
        asker = db.exec(select(Account).where(Account.email == "delegate@example.org")).one()
        voter = db.exec(select(Account).where(Account.email == "juror1@example.org")).one()
        assert opening.id is not None and asker.id is not None and voter.id is not None
        for body in ("Pinned one?", "Voted one?", "Plain one?", "Hidden one?", "Waiting one?"):
            question, _ = services.ask(
                db, summit=summit, session_id=opening.id, account_id=asker.id, body=body
            )
            assert question.id is not None
            ids[body] = question.id
        services.vote(
            db,
            summit=summit,
            session_id=opening.id,
            question_id=ids["Voted one?"],
            account_id=voter.id,
        )
        for body, status, pinned in (
            ("Pinned one?", QuestionStatus.APPROVED, True),
            ("Hidden one?", QuestionStatus.HIDDEN, False),
            ("Waiting one?", QuestionStatus.PENDING, False),
        ):
            row = db.get(Question, ids[body])
            assert row is not None
            row.status = status
            row.is_pinned = pinned
            db.add(row)
    return opening.id, ids


def test_the_presenter_sees_the_pinned_question_first_then_the_most_voted(
    client: TestClient, demo_database: Database
) -> None:
    opening, _ = _plant(demo_database)

    page = client.get(f"/ogp2021/sessions/{opening}/present?lang=en").text

    shown = re.findall(r'<p class="question__body"[^>]*>([^<]+)</p>', page)
    assert shown == ["Pinned one?", "Voted one?", "Plain one?"]
    assert f'<div id="questions-{opening}" class="questions"' in page
    assert f"page=session&amp;session={opening}" in page  # the session page's socket


def test_the_presenter_view_reads_right_to_left_in_arabic(
    client: TestClient, demo_database: Database
) -> None:
    opening, _ = _plant(demo_database)

    page = client.get(f"/ogp2021/sessions/{opening}/present?lang=ar").text

    assert '<html lang="ar" dir="rtl">' in page
    assert "عرض المقدّم" in page


def test_the_presenters_list_is_the_block_every_push_replaces(
    organiser: TestClient, demo_database: Database
) -> None:
    opening, ids = _plant(demo_database)
    with organiser.websocket_connect(
        f"{WS}/ogp2021/live?page=session&session={opening}", headers={"origin": BASE_URL}
    ) as socket:
        htmx_post(
            organiser,
            f"/ogp2021/sessions/{opening}/questions/{ids['Plain one?']}/moderate",
            {"action": "pin"},
        )
        pushed = socket.receive_text()
    page = organiser.get(f"/ogp2021/sessions/{opening}/present").text

    block = pushed.split("</div>", 1)[1].strip()
    assert block in page
    assert "Plain one?" in block


def test_an_unknown_session_has_no_presenter_view(client: TestClient) -> None:
    assert client.get("/ogp2021/sessions/999999/present").status_code == 404
