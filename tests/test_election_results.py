"""Election results: sealed (pages and API byte-identical with a planted ballot) until published,
counted only after the close as a recount of the stored ballots, revealed live in each page's
language, and the elections list saying where each stands."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import Summit
from summit.auth.models import AuditEntry
from summit.bodies.models import Body
from summit.db import Database
from summit.elections.count import count
from summit.elections.forms import ElectionInput
from summit.elections.models import Ballot, Election, TieRule, VotingMethod
from summit.elections.services import (
    ballots_of,
    candidates_of,
    open_election,
)
from tests.conftest import BASE_URL, another_browser, choose_english, post_form, sign_in
from tests.elections_support import CLOSES, OPENS, PAGE, RECEIPT, Clock, _ids, _vote
from tests.test_queries import count_queries


def _public_answers(client: TestClient) -> list[str]:
    return [
        client.get(path).text
        for path in (
            PAGE,
            f"{PAGE}?receipt=ABCD-0000-0000-0000",
            "/ogp2021/bodies/steering-committee",
            "/ogp2021/elections",
        )
    ]


def test_pages_are_byte_identical_with_a_planted_ballot_before_publication(
    app_client: TestClient, demo_database: Database, election: Election, clock: Clock
) -> None:
    clock.now = CLOSES + timedelta(minutes=1)
    choose_english(app_client)
    before = _public_answers(app_client)
    with demo_database.write() as db:
        db.add(Ballot(receipt_hash="0" * 64, election_id=election.id or 0, choices=[1]))

    after = _public_answers(app_client)
    sign_in(app_client, "organiser@example.org")
    choose_english(app_client)
    organiser_page = app_client.get(f"/ogp2021/manage/elections/{election.id}").text

    assert after == before
    assert re.search(r"\b1 ballot", organiser_page) is None


def test_elections_list_says_where_each_stands_and_is_linked_from_bodies(
    app_client: TestClient, clock: Clock
) -> None:
    choose_english(app_client)
    clock.now = OPENS + timedelta(minutes=1)

    listed = app_client.get("/ogp2021/elections")
    bodies = app_client.get("/ogp2021/bodies").text

    assert listed.status_code == 200
    assert f'href="{PAGE}"' in listed.text
    assert "Open for ballots" in listed.text
    assert 'href="/ogp2021/elections"' in bodies


def test_count_is_sealed_until_published_then_shown_with_the_receipt_check(
    app_client: TestClient, demo_database: Database, election: Election, clock: Clock
) -> None:
    sign_in(app_client, "delegate@example.org")
    code = RECEIPT.search(
        _vote(app_client, "morocco", "tunisia", database=demo_database).text  # type: ignore[attr-defined]
    )
    assert code
    clock.now = CLOSES
    sign_in(app_client, "organiser@example.org")
    choose_english(app_client)
    manage = f"/ogp2021/manage/elections/{election.id}"

    counted = post_form(app_client, f"{manage}/count", {}, token_from=manage)
    sealed = app_client.get(f"{PAGE}?receipt={code.group(1)}").text
    published = post_form(app_client, f"{manage}/publish", {}, token_from=manage)
    shown = app_client.get(f"{PAGE}?receipt={code.group(1)}").text
    wrong = app_client.get(f"{PAGE}?receipt=0000-0000-0000-0000").text

    assert (counted.status_code, published.status_code) == (303, 303)
    assert "Receipts can be checked once the results are published." in sealed
    assert 'id="election-results"' not in sealed
    assert 'id="election-results"' in shown
    assert "A ballot with this receipt code was counted." in shown
    assert "No counted ballot has this receipt code." in wrong
    with demo_database.read() as db:
        actions = db.exec(
            select(AuditEntry.action).where(col(AuditEntry.action).like("%election%"))
        ).all()
    assert actions == ["election_opened", "election_counted", "election_published"]


def test_counting_before_the_close_is_refused(app_client: TestClient, election: Election) -> None:
    sign_in(app_client, "organiser@example.org")
    manage = f"/ogp2021/manage/elections/{election.id}"

    response = post_form(app_client, f"{manage}/count", {}, token_from=manage)

    assert response.status_code == 422


def test_stored_result_is_a_recount_of_the_stored_ballots(
    app_client: TestClient, demo_database: Database, election: Election, clock: Clock
) -> None:
    sign_in(app_client, "delegate@example.org")
    _vote(app_client, "morocco", "tunisia", database=demo_database)
    sign_in(app_client, "delegate2@example.org")
    _vote(app_client, "kenya", "kenya", database=demo_database)
    clock.now = CLOSES
    sign_in(app_client, "organiser@example.org")
    manage = f"/ogp2021/manage/elections/{election.id}"
    post_form(app_client, f"{manage}/publish", {}, token_from=manage)

    with demo_database.read() as db:
        stored = db.exec(select(Election)).one()
        recount = count(
            ballots=ballots_of(db, election=stored),
            candidates=candidates_of(db, election=stored),
            seats=stored.seats,
            method=stored.method,
            tie_rule=stored.tie_rule,
            seed=stored.draw_seed,
        )

    assert stored.result == recount.as_json()
    assert stored.result["tie_broken"] != []  # one vote each: the name rule put Kenya first
    assert stored.result["elected"] == _ids(demo_database, "kenya")


def test_publication_is_revealed_live_on_open_pages_in_their_language(
    app_client: TestClient, demo_database: Database, clock: Clock
) -> None:
    sign_in(app_client, "delegate2@example.org")
    _vote(app_client, "kenya", "kenya", database=demo_database)
    clock.now = CLOSES
    sign_in(app_client, "organiser@example.org")
    manage = f"/ogp2021/manage/elections/{_election_id(demo_database)}"

    visitor = another_browser(app_client)
    visitor.cookies.set("summit_lang", "ar")
    with visitor.websocket_connect(
        "ws://127.0.0.1:8000/ogp2021/live?page=programme", headers={"origin": BASE_URL}
    ) as socket:
        published = post_form(app_client, f"{manage}/publish", {}, token_from=manage)
        message = socket.receive_text()

    assert published.status_code == 303
    assert 'id="award-reveal"' in message
    assert "كينيا" in message
    assert "Tunisia" not in message and "تونس" not in message


def _election_id(database: Database) -> int:
    with database.read() as db:
        return int(db.exec(select(Election.id)).one() or 0)


API = "/api/v1/summits/ogp2021/elections/sc-2022"


def test_api_answer_is_byte_identical_with_a_planted_ballot_before_publication(
    app_client: TestClient, demo_database: Database, election: Election, clock: Clock
) -> None:
    clock.now = CLOSES + timedelta(minutes=1)
    before = app_client.get(API).content
    with demo_database.write() as db:
        db.add(Ballot(receipt_hash="1" * 64, election_id=election.id or 0, choices=[1]))

    after = app_client.get(API).content

    assert after == before
    assert b'"results":[]' in after and b'"ballots":null' in after


def test_api_shows_published_results_and_the_bodies(
    app_client: TestClient, demo_database: Database, election: Election, clock: Clock
) -> None:
    sign_in(app_client, "delegate2@example.org")
    _vote(app_client, "kenya", "estonia", database=demo_database)
    clock.now = CLOSES
    sign_in(app_client, "organiser@example.org")
    manage = f"/ogp2021/manage/elections/{election.id}"
    post_form(app_client, f"{manage}/publish", {}, token_from=manage)

    answer = app_client.get(API).json()
    bodies = app_client.get("/api/v1/summits/ogp2021/bodies").json()

    estonia = _ids(demo_database, "estonia")[0]
    assert answer["ballots"] == 1
    assert [row for row in answer["results"] if row["elected"]] == [
        {"delegation_id": estonia, "votes": 1, "elected": True, "tie_broken": False}
    ]
    assert [body["slug"] for body in bodies] == [
        "african-open-government-network",
        "steering-committee",
    ]
    assert [len(body["members"]) for body in bodies] == [7, 22]
    assert bodies[1]["election_slugs"] == ["sc-2022"]


def test_election_page_runs_the_same_queries_for_one_candidate_or_three(
    app: Starlette, app_client: TestClient, demo_database: Database
) -> None:
    with demo_database.write() as db:
        summit = db.exec(select(Summit)).one()
        body = db.exec(select(Body).where(Body.slug == "steering-committee")).one()
        data = ElectionInput(
            slug="sc-small",
            body_id=body.id or 0,
            title={"en": "A smaller election (demo)"},
            seats=1,
            method=VotingMethod.APPROVAL,
            tie_rule=TieRule.DRAW,
            opens_at=OPENS,
            closes_at=CLOSES,
            candidates=_ids(demo_database, "kenya"),
            electorate=_ids(demo_database, "morocco"),
        )
        open_election(db, summit=summit, data=data, account_id=None)
    counted = {}
    for slug in ("sc-small", "sc-2022"):
        app_client.get(f"/ogp2021/elections/{slug}")  # templates and the programme cache warm
        with count_queries(app.state.db.engine) as statements:
            assert app_client.get(f"/ogp2021/elections/{slug}").status_code == 200
        counted[slug] = len(statements)

    assert counted["sc-small"] == counted["sc-2022"]
