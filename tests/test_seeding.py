from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, inspect
from sqlmodel import Session, col, select

from summit.agenda.models import ProgrammeSession, SessionPerson, Stream, Summit, Track
from summit.auth.models import Account, Role, RoleGrant
from summit.awards.models import Award, AwardResult, Conflict, Criterion, JuryMember, Submission
from summit.awards.standings import compute
from summit.db import Database
from summit.migrate import upgrade
from summit.people.models import Delegation, Person
from summit.persistence import pk
from summit.seedfiles import SeedError
from summit.seeding import load_summit
from summit.tables import metadata
from tests.conftest import DEMO_FOLDER

SEOUL = ZoneInfo("Asia/Seoul")


def _snapshot(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    with database.engine.connect() as connection:
        return {
            name: [
                tuple(row)
                for row in connection.execute(table.select().order_by(*table.primary_key.columns))
            ]
            for name, table in sorted(metadata.tables.items())
        }


def _session(db: Session, code: str) -> ProgrammeSession:
    return db.exec(select(ProgrammeSession).where(ProgrammeSession.code == code)).one()


def _people_of(db: Session, session: ProgrammeSession) -> set[str]:
    rows = db.exec(
        select(Person.full_name)
        .join(SessionPerson, col(SessionPerson.person_id) == Person.id)
        .where(SessionPerson.session_id == session.id)
    ).all()
    return set(rows)


def test_seeding_twice_leaves_the_same_rows(demo_database: Database) -> None:
    before = _snapshot(demo_database)

    with demo_database.write() as db:
        load_summit(db, DEMO_FOLDER)

    assert _snapshot(demo_database) == before


def test_demo_summit_has_the_size_the_demo_needs(demo_database: Database) -> None:
    with demo_database.read() as db:
        summit = db.exec(select(Summit)).one()
        sessions = db.exec(select(ProgrammeSession)).all()
        counts = {
            "streams": len(db.exec(select(Stream)).all()),
            "themes": len(db.exec(select(Track)).all()),
            "delegations": len(db.exec(select(Delegation)).all()),
            "people": len(db.exec(select(Person)).all()),
            "submissions": len(db.exec(select(Submission)).all()),
            "awards": len(db.exec(select(Award)).all()),
        }

    days = {session.starts_at.astimezone(SEOUL).date() for session in sessions if session.starts_at}
    assert summit.slug == "ogp2021"
    assert (summit.start_date.isoformat(), summit.end_date.isoformat()) == (
        "2021-12-15",
        "2021-12-17",
    )
    assert summit.timezone == "Asia/Seoul"
    assert len(days) == 3
    assert len(sessions) >= 40
    assert counts["streams"] >= 4
    assert counts["themes"] == 4
    assert counts["delegations"] >= 10
    assert counts["people"] >= 30
    assert counts["submissions"] >= 8
    assert counts["awards"] == 1


def test_every_session_has_titles_in_english_french_and_arabic(demo_database: Database) -> None:
    with demo_database.read() as db:
        sessions = db.exec(select(ProgrammeSession)).all()

    missing = [s.code for s in sessions if set(s.title) != {"en", "fr", "ar"}]
    assert missing == []


def test_opening_session_has_akhannouch_and_mentions_fourteen_leaders(
    demo_database: Database,
) -> None:
    with demo_database.read() as db:
        opening = _session(db, "OPENING")
        people = _people_of(db, opening)

    assert "Aziz Akhannouch" in people
    assert "14" in opening.abstract["en"]
    assert opening.kind == "plenary"


def test_mena_dialogue_has_mezzour(demo_database: Database) -> None:
    with demo_database.read() as db:
        dialogue = _session(db, "MENA-DIALOGUE")
        people = _people_of(db, dialogue)

    assert dialogue.title["en"] == "Future challenges of inclusion, equality and participation"
    assert dialogue.kind == "high_level_dialogue"
    assert "Ghita Mezzour" in people


def test_only_the_two_people_of_the_article_are_real(demo_database: Database) -> None:
    placeholder_marks = ("Example", "Placeholder", "Sample", "Fictional", "Exemple", "Fictif")
    with demo_database.read() as db:
        names = db.exec(select(Person.full_name)).all()

    real = sorted(name for name in names if not any(mark in name for mark in placeholder_marks))
    assert real == ["Aziz Akhannouch", "Ghita Mezzour"]


def test_real_people_appear_only_in_the_sessions_the_article_gives_them(
    demo_database: Database,
) -> None:
    with demo_database.read() as db:
        rows = db.exec(
            select(Person.full_name, ProgrammeSession.code)
            .join(SessionPerson, col(SessionPerson.person_id) == Person.id)
            .join(ProgrammeSession, col(ProgrammeSession.id) == SessionPerson.session_id)
            .where(col(Person.full_name).in_(["Aziz Akhannouch", "Ghita Mezzour"]))
        ).all()

    assert sorted(rows) == [("Aziz Akhannouch", "OPENING"), ("Ghita Mezzour", "MENA-DIALOGUE")]


def test_african_network_launch_names_its_seven_countries(demo_database: Database) -> None:
    with demo_database.read() as db:
        launch = _session(db, "AFRICAN-OGN-LAUNCH")

    abstract = launch.abstract["en"]
    for country in (
        "Morocco",
        "Nigeria",
        "Côte d'Ivoire",
        "Burkina Faso",
        "Kenya",
        "South Africa",
        "Tunisia",
    ):
        assert country in abstract


def test_steering_committee_session_states_the_new_members(demo_database: Database) -> None:
    with demo_database.read() as db:
        committee = _session(db, "STEERING-COMMITTEE")

    abstract = committee.abstract["en"]
    for fact in ("Morocco", "United Kingdom", "Korea", "Estonia", "Nigeria", "22", "three years"):
        assert fact in abstract


def test_tanger_tetouan_al_hoceima_won_third_place_to_be_revealed_at_the_ceremony(
    demo_database: Database,
) -> None:
    with demo_database.read() as db:
        award = db.exec(select(Award)).one()
        third = db.exec(
            select(Submission)
            .join(AwardResult, col(AwardResult.submission_id) == Submission.id)
            .where(AwardResult.place == 3)
        ).one()
        ceremony = db.get(ProgrammeSession, award.ceremony_session_id)

    assert award.name["en"] == "Open Gov Award for local innovation"
    assert third.entity_name == "Regional Council of Tanger-Tétouan-Al Hoceïma"
    assert award.results_published_at is None  # published once the ceremony is over
    assert ceremony is not None and ceremony.kind == "ceremony"


def test_the_jury_scored_every_submission_it_may_and_its_scores_rank_the_places(
    demo_database: Database,
) -> None:
    with demo_database.read() as db:
        award = db.exec(select(Award)).one()
        computed = compute(db, award)
        codes = {pk(s): s.code for s in computed.board.submissions}
        places = sorted((row.place or 4, codes[row.submission_id]) for row in computed.places)
        ranked = [codes[entry.submission_id] for entry in computed.ranked]
        progress = sorted({row.progress for row in computed.board.rows})
        conflicted = [
            (row.juror_name, codes[row.submission_id])
            for row in computed.board.rows
            if codes[row.submission_id] == "NG-EXAMPLE-CITY"
        ]

    assert (len(computed.board.rows), progress) == (39, ["final"])
    assert places == [
        (1, "KE-RIVERSIDE"),
        (2, "BR-PARTNERSHIP"),
        (3, "TTA-REGION"),
        (4, "CI-EXEMPLEVILLE"),  # the honourable mention
    ]
    assert ranked[:4] == [code for _, code in places]
    assert [entry.rank for entry in computed.ranked] == list(range(1, 11))
    assert "Ngozi Juror (demo)" not in {name for name, _ in conflicted}


def test_award_rubric_weights_add_up_to_one_hundred(demo_database: Database) -> None:
    with demo_database.read() as db:
        weights = db.exec(select(Criterion.weight)).all()

    assert sum(weights) == 100


def test_a_juror_from_a_submitting_country_is_conflicted(demo_database: Database) -> None:
    with demo_database.read() as db:
        conflicts = db.exec(
            select(Account.email, Submission.country_code, Conflict.source)
            .join(JuryMember, col(JuryMember.account_id) == Account.id)
            .join(Conflict, col(Conflict.jury_member_id) == JuryMember.id)
            .join(Submission, col(Submission.id) == Conflict.submission_id)
        ).all()

    assert ("juror2@example.org", "NG", "country") in conflicts


def test_demo_accounts_cover_every_role(demo_database: Database) -> None:
    with demo_database.read() as db:
        roles = set(db.exec(select(RoleGrant.role)).all())

    assert roles == {role.value for role in Role}


def test_a_broken_seed_file_changes_nothing(database: Database, tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(DEMO_FOLDER, folder)
    sessions = (folder / "sessions.toml").read_text(encoding="utf-8")
    # Make the last session end before it starts: the service must refuse it.
    head, _, tail = sessions.rpartition("[[sessions]]")
    tail = tail.replace("ends = ", "ends_was = ", 1).replace(
        "starts = ", "ends = 2021-12-15T07:00:00\nstarts = ", 1
    )
    tail = "\n".join(line for line in tail.splitlines() if not line.startswith("ends_was"))
    (folder / "sessions.toml").write_text(head + "[[sessions]]" + tail, encoding="utf-8")

    with pytest.raises(SeedError, match="end after it starts"), database.write() as db:
        load_summit(db, folder)

    with database.read() as db:
        assert db.exec(select(Summit)).all() == []


def test_a_dangling_reference_names_the_record(database: Database, tmp_path: Path) -> None:
    folder = tmp_path / "dangling"
    shutil.copytree(DEMO_FOLDER, folder)
    people = (folder / "people.toml").read_text(encoding="utf-8")
    (folder / "people.toml").write_text(
        people.replace('delegation = "morocco"', 'delegation = "atlantis"', 1), encoding="utf-8"
    )

    with pytest.raises(SeedError, match="unknown reference 'atlantis'"), database.write() as db:
        load_summit(db, folder)


def test_every_table_is_in_the_database(demo_database: Database) -> None:
    assert set(metadata.tables) <= set(inspect(demo_database.engine).get_table_names())


@pytest.mark.postgres
def test_seeding_on_postgres_is_idempotent(postgres_engine: Engine) -> None:
    upgrade(postgres_engine)
    database = Database(postgres_engine)
    with database.write() as db:
        load_summit(db, DEMO_FOLDER)
    before = _snapshot(database)

    with database.write() as db:
        report = load_summit(db, DEMO_FOLDER)

    assert _snapshot(database) == before
    assert report.counts["sessions"] == len(before["programme_session"])
