"""Elections: who may vote, when, once; ballots that name no voter; sealed counts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import Summit
from summit.app import create_app
from summit.auth.models import AuditEntry, Role
from summit.auth.permissions import Grant, Principal
from summit.bodies.models import Body
from summit.db import Database
from summit.elections.count import count
from summit.elections.forms import ElectionInput
from summit.elections.models import Ballot, Election, ElectionVoter, TieRule, VotingMethod
from summit.elections.services import (
    ballots_of,
    candidates_of,
    cast_ballot,
    open_election,
    publish_election,
    receipt_counted,
)
from summit.errors import DomainError
from summit.eventlog import LiveEvent
from summit.migrate import upgrade
from summit.people.models import Delegation
from summit.persistence import pk
from summit.seeding import load_summit
from summit.settings import Settings
from tests.conftest import BASE_URL, DEMO_FOLDER, choose_english, make_client, post_form, sign_in
from tests.test_queries import count_queries

OPENS = datetime(2021, 12, 16, 0, 0, tzinfo=UTC)
CLOSES = OPENS + timedelta(hours=6)
PAGE = "/ogp2021/elections/sc-2022"
RECEIPT = re.compile(r"<code>([0-9A-F]{4}(?:-[0-9A-F]{4}){3})</code>")


class Clock:
    def __init__(self) -> None:
        self.now = OPENS + timedelta(hours=1)

    def __call__(self) -> datetime:
        return self.now


def _ids(database: Database, *slugs: str) -> list[int]:
    with database.read() as db:
        rows = db.exec(select(Delegation).where(col(Delegation.slug).in_(slugs))).all()
        by_slug = {row.slug: row.id for row in rows}
    return [int(by_slug[slug] or 0) for slug in slugs]


@pytest.fixture
def election(demo_database: Database) -> Election:
    with demo_database.write() as db:
        summit = db.exec(select(Summit)).one()
        body = db.exec(select(Body).where(Body.slug == "steering-committee")).one()
        data = ElectionInput(
            slug="sc-2022",
            body_id=body.id or 0,
            title={"en": "Steering Committee election (demo)", "ar": "انتخاب اللجنة (تجريبي)"},
            seats=1,
            method=VotingMethod.PLURALITY,
            tie_rule=TieRule.NAME,
            opens_at=OPENS,
            closes_at=CLOSES,
            candidates=_ids(demo_database, "tunisia", "kenya", "estonia"),
            electorate=_ids(demo_database, "morocco", "kenya", "nigeria"),
        )
        return open_election(db, summit=summit, data=data, account_id=None)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(demo_settings: Settings, election: Election, clock: Clock) -> Starlette:
    return create_app(demo_settings, clock=clock)


@pytest.fixture
def app_client(app: Starlette) -> Iterator[TestClient]:
    with make_client(app) as client:
        yield client


def _vote(client: TestClient, delegation: str, *choices: str, database: Database) -> object:
    ids = _ids(database, delegation, *choices)
    return client.post(
        f"{PAGE}/vote",
        data={
            "delegation_id": str(ids[0]),
            "choices": [str(i) for i in ids[1:]],
            "csrf_token": _token(client),
        },
        headers={"origin": "http://127.0.0.1:8000"},
        follow_redirects=False,
    )


def _token(client: TestClient) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(PAGE).text)
    assert found
    return found.group(1)


def test_head_of_delegation_votes_once_and_gets_a_receipt(
    app_client: TestClient, demo_database: Database
) -> None:
    sign_in(app_client, "delegate@example.org")
    choose_english(app_client)

    first = _vote(app_client, "morocco", "tunisia", database=demo_database)
    again = _vote(app_client, "morocco", "kenya", database=demo_database)

    assert first.status_code == 200  # type: ignore[attr-defined]
    assert RECEIPT.search(first.text)  # type: ignore[attr-defined]
    assert again.status_code == 422  # type: ignore[attr-defined]
    assert "already voted" in again.text  # type: ignore[attr-defined]
    with demo_database.read() as db:
        assert len(db.exec(select(Ballot)).all()) == 1
        voted = db.exec(select(ElectionVoter.has_voted).order_by(col(ElectionVoter.id))).all()
    assert sorted(voted) == [False, False, True]


def test_a_ballot_names_no_voter(app_client: TestClient, demo_database: Database) -> None:
    sign_in(app_client, "delegate@example.org")
    _vote(app_client, "morocco", "tunisia", database=demo_database)

    with demo_database.read() as db:
        ballot = db.exec(select(Ballot)).one()
        audit = db.exec(select(AuditEntry).where(AuditEntry.action == "ballot_cast")).one()

    assert set(ballot.model_dump()) == {"receipt_hash", "election_id", "choices"}
    assert str(_ids(demo_database, "tunisia")[0]) not in str(audit.detail)


def test_a_vote_outside_the_window_is_refused(
    app_client: TestClient, demo_database: Database, clock: Clock
) -> None:
    sign_in(app_client, "delegate@example.org")
    clock.now = CLOSES

    late = _vote(app_client, "morocco", "tunisia", database=demo_database)
    clock.now = OPENS - timedelta(minutes=1)
    early = _vote(app_client, "morocco", "tunisia", database=demo_database)

    assert (late.status_code, early.status_code) == (422, 422)  # type: ignore[attr-defined]
    with demo_database.read() as db:
        assert db.exec(select(Ballot)).all() == []


def test_an_account_that_heads_no_delegation_is_refused(
    app_client: TestClient, demo_database: Database
) -> None:
    sign_in(app_client, "juror2@example.org")  # a delegate of Nigeria, not its head

    response = _vote(app_client, "nigeria", "tunisia", database=demo_database)

    assert response.status_code == 422  # type: ignore[attr-defined]
    with demo_database.read() as db:
        assert db.exec(select(Ballot)).all() == []


def test_a_head_cannot_vote_for_another_delegation(
    app_client: TestClient, demo_database: Database
) -> None:
    sign_in(app_client, "delegate@example.org")  # heads Morocco

    response = _vote(app_client, "kenya", "tunisia", database=demo_database)

    assert response.status_code == 422  # type: ignore[attr-defined]
    with demo_database.read() as db:
        assert db.exec(select(Ballot)).all() == []
        assert not any(db.exec(select(ElectionVoter.has_voted)).all())


def test_a_replayed_ballot_form_is_refused(app_client: TestClient, demo_database: Database) -> None:
    sign_in(app_client, "delegate2@example.org")  # heads Kenya
    ids = _ids(demo_database, "kenya", "tunisia")
    form = {"delegation_id": str(ids[0]), "choices": str(ids[1]), "csrf_token": _token(app_client)}
    headers = {"origin": "http://127.0.0.1:8000"}

    first = app_client.post(f"{PAGE}/vote", data=form, headers=headers)
    replay = app_client.post(f"{PAGE}/vote", data=form, headers=headers)

    assert (first.status_code, replay.status_code) == (200, 422)
    with demo_database.read() as db:
        assert len(db.exec(select(Ballot)).all()) == 1


def test_plurality_refuses_more_choices_than_seats(
    app_client: TestClient, demo_database: Database
) -> None:
    sign_in(app_client, "delegate@example.org")

    response = _vote(app_client, "morocco", "tunisia", "kenya", database=demo_database)

    assert response.status_code == 422  # type: ignore[attr-defined]
    assert 'id="choices-error"' in response.text  # type: ignore[attr-defined]


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
    app: Starlette, app_client: TestClient, demo_database: Database, clock: Clock
) -> None:
    sign_in(app_client, "delegate2@example.org")
    _vote(app_client, "kenya", "kenya", database=demo_database)
    clock.now = CLOSES
    sign_in(app_client, "organiser@example.org")
    manage = f"/ogp2021/manage/elections/{_election_id(demo_database)}"

    with make_client(app) as visitor:
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


def test_casting_a_ballot_sends_nothing_to_open_pages(
    app_client: TestClient, demo_database: Database
) -> None:
    with demo_database.read() as db:
        events_before = db.exec(select(LiveEvent.id)).all()
    sign_in(app_client, "delegate@example.org")

    _vote(app_client, "morocco", "tunisia", database=demo_database)

    with demo_database.read() as db:
        assert db.exec(select(LiveEvent.id)).all() == events_before


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


def test_a_refused_election_form_shows_every_error_beside_its_field(
    app_client: TestClient, demo_database: Database
) -> None:
    sign_in(app_client, "organiser@example.org")
    choose_english(app_client)
    path = "/ogp2021/manage/elections"

    response = post_form(
        app_client,
        path,
        {
            "slug": "Not A Slug",
            "body_id": "1",
            "title_en": "",
            "seats": "2",
            "method": "plurality",
            "tie_rule": "draw",
            "opens_at": "2021-12-16T12:00",
            "closes_at": "2021-12-16T09:00",
            "candidates": str(_ids(demo_database, "kenya")[0]),
        },
        token_from=path,
    )

    assert response.status_code == 422
    assert set(re.findall(r'class="field-error" id="([a-z_]+)-error"', response.text)) == {
        "slug",
        "title",
        "closes_at",
        "candidates",
        "electorate",
    }
    assert "The ballots must close after they open." in response.text
    with demo_database.read() as db:
        assert db.exec(select(Election.slug)).all() == ["sc-2022"]


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


@pytest.mark.postgres
def test_a_ballot_is_cast_once_and_counted_on_postgres(postgres_engine: Engine) -> None:
    upgrade(postgres_engine)
    database = Database(postgres_engine)
    with database.write() as db:
        load_summit(db, DEMO_FOLDER, with_demo_accounts=False)
        summit = db.exec(select(Summit)).one()
        body = db.exec(select(Body).where(Body.slug == "steering-committee")).one()
        ids = {row.slug: int(row.id or 0) for row in db.exec(select(Delegation))}
        data = ElectionInput(
            slug="pg",
            body_id=body.id or 0,
            title={"en": "On PostgreSQL (demo)"},
            seats=1,
            method=VotingMethod.PLURALITY,
            tie_rule=TieRule.DRAW,
            opens_at=OPENS,
            closes_at=CLOSES,
            candidates=[ids["kenya"], ids["tunisia"]],
            electorate=[ids["morocco"]],
        )
        election = open_election(db, summit=summit, data=data, account_id=None)
    head = Principal(
        account_id=None,
        grants=(Grant(pk(summit), Role.DELEGATION_HEAD, delegation_id=ids["morocco"]),),
    )
    morocco = ids["morocco"]
    with database.write() as db:
        code = cast_ballot(
            db,
            election=election,
            principal=head,
            delegation_id=morocco,
            choices=[ids["tunisia"]],
            now=OPENS,
        )
    with pytest.raises(DomainError), database.write() as db:
        cast_ballot(
            db,
            election=election,
            principal=head,
            delegation_id=morocco,
            choices=[ids["kenya"]],
            now=OPENS,
        )
    with database.write() as db:
        stored = db.get(Election, election.id)
        assert stored is not None
        publish_election(db, election=stored, now=CLOSES, account_id=None)
    with database.read() as db:
        stored = db.get(Election, election.id)
        assert stored is not None
        assert stored.result["elected"] == [ids["tunisia"]]
        assert receipt_counted(db, election=stored, code=code)


def test_an_organiser_invites_a_head_of_delegation_naming_the_delegation(
    app_client: TestClient, demo_database: Database
) -> None:
    sign_in(app_client, "organiser@example.org")
    path = "/ogp2021/manage/invitations"
    invite = {"email": "new.head@example.org", "role": "delegation_head"}

    without = post_form(app_client, path, invite, token_from=path)
    given = post_form(
        app_client,
        path,
        {**invite, "delegation_id": str(_ids(demo_database, "tunisia")[0])},
        token_from=path,
    )

    assert without.status_code == 422
    assert 'id="delegation_id-error"' in without.text
    assert given.status_code == 200
    assert "http://127.0.0.1:8000/invite/" in given.text
