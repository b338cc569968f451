"""Casting a ballot: only a head of delegation votes, inside the window, once (also on PostgreSQL),
for their own delegation; the ballot names no voter, gets a receipt and sends nothing to open
pages; a refused form shows every error beside its field; heads are invited by delegation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select
from starlette.testclient import TestClient

from summit.agenda.models import Summit
from summit.auth.models import AuditEntry, Role
from summit.auth.permissions import Grant, Principal
from summit.bodies.models import Body
from summit.db import Database
from summit.elections.forms import ElectionInput
from summit.elections.models import Ballot, Election, ElectionVoter, TieRule, VotingMethod
from summit.elections.services import (
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
from tests.conftest import DEMO_FOLDER, choose_english, post_form, sign_in
from tests.elections_support import CLOSES, OPENS, PAGE, RECEIPT, Clock, _ids, _token, _vote


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


def test_casting_a_ballot_sends_nothing_to_open_pages(
    app_client: TestClient, demo_database: Database
) -> None:
    with demo_database.read() as db:
        events_before = db.exec(select(LiveEvent.id)).all()
    sign_in(app_client, "delegate@example.org")

    _vote(app_client, "morocco", "tunisia", database=demo_database)

    with demo_database.read() as db:
        assert db.exec(select(LiveEvent.id)).all() == events_before


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
