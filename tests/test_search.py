"""Search on the databases' own engines (SQLite FTS5, PostgreSQL full-text search), and the
index that the services keep in step. Every test runs on both databases, on the demo summit."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from summit.agenda import search_index
from summit.agenda.forms import SessionInput, TrackInput
from summit.agenda.models import (
    ProgrammeSession,
    PublishedSession,
    SessionKind,
    SessionSearch,
    Stream,
    Summit,
    Track,
)
from summit.agenda.publishing import publish
from summit.agenda.search import ranked_ids
from summit.agenda.services import upsert_session, upsert_track
from summit.db import Database
from summit.migrate import upgrade
from summit.people.forms import DelegationInput, PersonInput
from summit.people.models import Delegation, Person
from summit.people.services import upsert_delegation, upsert_person
from summit.persistence import pk
from summit.seeding import load_summit
from tests.conftest import DEMO_FOLDER, POSTGRES_URL

AOGN = "AFRICAN-OGN-LAUNCH"


@pytest.fixture(scope="module")
def postgres_demo_template() -> Iterator[str]:
    """A PostgreSQL database with the demo seeded once, which each test copies (seeding takes
    seconds; copying a template, a fraction of one)."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"summit_search_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        if os.environ.get("CI"):
            pytest.fail(f"CI must have PostgreSQL at {POSTGRES_URL}: {error}")
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL}")
    engine = create_engine(make_url(POSTGRES_URL).set(database=name))
    try:
        upgrade(engine)
        with Database(engine).write() as db:
            load_summit(db, DEMO_FOLDER)
        engine.dispose()
        yield name
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def demo(request: pytest.FixtureRequest) -> Iterator[Database]:
    """The demo summit, seeded through the services, on SQLite or on PostgreSQL."""
    if request.param == "sqlite":
        yield request.getfixturevalue("demo_database")
        return
    template = request.getfixturevalue("postgres_demo_template")
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"summit_search_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    database = Database(create_engine(make_url(POSTGRES_URL).set(database=name)))
    try:
        yield database
    finally:
        database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _summit(db: Session) -> Summit:
    return db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()


def _find(database: Database, query: str) -> list[str]:
    """The codes of the sessions ``query`` finds, best first."""
    with database.read() as db:
        ids = ranked_ids(db, summit=_summit(db), query=query)
        codes = dict(db.exec(select(PublishedSession.id, PublishedSession.code)).all())
    return [codes[session_id] for session_id in ids]


def _session(
    db: Session,
    *,
    code: str,
    title: str,
    abstract: str = "",
    hour: int = 1,
    published: bool = True,
) -> ProgrammeSession:
    """A draft session on the summit's first day, in the first stream."""
    summit = _summit(db)
    stream = db.exec(select(Stream).where(Stream.summit_id == summit.id)).first()
    assert stream is not None
    starts = datetime(2021, 12, 15, hour, 0, tzinfo=UTC)
    return upsert_session(
        db,
        summit=summit,
        data=SessionInput(
            code=code,
            kind=SessionKind.PANEL,
            title={"en": title},
            abstract={"en": abstract} if abstract else {},
            starts_at=starts,
            ends_at=starts + timedelta(minutes=45),
            stream_id=pk(stream),
            is_published=published,
        ),
    )


def _publish(db: Session) -> None:
    publish(db, summit=_summit(db), comment="", now=datetime(2021, 12, 1, tzinfo=UTC))


# Words in any order, any case, with or without accents, in three languages.


@pytest.mark.parametrize(
    "query",
    [
        "african network",
        "Network African",
        "AFRICAN NETWORK",
        "government african open network",
        "afric netw",  # the start of a word is enough: results come while one types
    ],
)
def test_english_words_match_in_any_order_and_any_case(demo: Database, query: str) -> None:
    assert _find(demo, query)[0] == AOGN


@pytest.mark.parametrize(
    "query",
    ["réseau africain", "reseau africain", "RÉSEAU AFRICAIN", "Africain Réseau", "RESEAU"],
)
def test_french_words_match_without_their_accents(demo: Database, query: str) -> None:
    assert _find(demo, query)[0] == AOGN


def test_an_apostrophe_of_any_kind_separates_words(demo: Database) -> None:
    assert AOGN in _find(demo, "Côte d’Ivoire")
    assert _find(demo, "cote d'ivoire") == _find(demo, "Côte d’Ivoire")


@pytest.mark.parametrize(
    "query",
    [
        "الشبكة الإفريقية",  # as the title writes it
        "الشبكه الافريقيه",  # taa marbuta as haa, alef without its hamza
        "الشَّبَكَةُ الإِفْرِيقِيَّةُ",  # with harakat
        "الشبكة الأفريقية",  # hamza above instead of below
        "شبـــكة إفريقية",  # tatweel, and without the article
        "الإفريقية الشبكة",  # the other order
    ],
)
def test_arabic_spellings_find_the_same_session(demo: Database, query: str) -> None:
    assert _find(demo, query)[0] == AOGN


def test_alef_maqsura_and_yaa_are_one_letter(demo: Database) -> None:
    # The Arabic abstract starts "على هامش القمة"; people often type ي for ى.
    assert AOGN in _find(demo, "علي هامش القمه")
    assert _find(demo, "علي هامش القمه") == _find(demo, "على هامش القمة")


# Names, delegations and themes, in every language.


def test_speakers_are_found_by_name(demo: Database) -> None:
    assert _find(demo, "samira exemple") == _find(demo, "SAMIRA")
    assert AOGN in _find(demo, "Samira Exemple")
    assert _find(demo, "akhannouch")[0] == "OPENING"


def _codes_where(database: Database, keep: object) -> set[str]:
    with database.read() as db:
        people = {pk(person): person for person in db.exec(select(Person))}
        delegations = {pk(row): row.slug for row in db.exec(select(Delegation))}
        tracks = {pk(row): row.slug for row in db.exec(select(Track))}
        found = set()
        for session in db.exec(select(PublishedSession)):
            slugs = {
                delegations.get(people[entry["person_id"]].delegation_id or 0)
                for entry in session.people
            }
            if keep in slugs or keep == tracks.get(session.track_id or 0):
                found.add(session.code)
    return found


@pytest.mark.parametrize("query", ["Kenya", "kenia", "كينيا"])
def test_delegations_are_found_by_name_in_every_language(demo: Database, query: str) -> None:
    if query == "kenia":
        # Not a name the demo gives Kenya: nothing of the delegation is found by it.
        assert not _codes_where(demo, "kenya") & set(_find(demo, query))
        return
    assert _codes_where(demo, "kenya") <= set(_find(demo, query))


@pytest.mark.parametrize(
    "query",
    [
        "civic space public participation",
        "espace civique participation du public",
        "الفضاء المدني المشاركة العامة",
    ],
)
def test_themes_are_found_by_name_in_every_language(demo: Database, query: str) -> None:
    assert _codes_where(demo, "civic-space") <= set(_find(demo, query))


# Ranking.


def test_a_title_match_ranks_above_abstract_matches(demo: Database) -> None:
    with demo.write() as db:
        # The abstract one starts first and says the word three times: programme order and
        # word counts would both put it first.
        _session(
            db,
            code="ABSTRACT-ONLY",
            title="A panel",
            abstract="Zephyrine, zephyrine and again zephyrine.",
            hour=0,
        )
        _session(db, code="IN-TITLE", title="The zephyrine roundtable", hour=5)
        _publish(db)

    assert _find(demo, "zephyrine") == ["IN-TITLE", "ABSTRACT-ONLY"]


# The user's words never become query syntax.


@pytest.mark.parametrize(
    ("query", "same_as"),
    [
        ('"african network"', "african network"),
        ('african" network', "african network"),
        ("african* network", "african network"),
        ("african AND network", "african and network"),
        ("african -network", "african network"),
        ("african & network", "african network"),
        ("african:* network", "african network"),
        ("(african) (network)", "african network"),
        ("^african network\\", "african network"),
        ("NEAR(african network)", "near african network"),
        ("title:african", "title african"),
        ("african OR kenya", "african or kenya"),
        ("'african'; DROP TABLE session_search; --", "african drop table session search"),
    ],
)
def test_query_syntax_in_a_query_is_only_punctuation_or_words(
    demo: Database, query: str, same_as: str
) -> None:
    found = _find(demo, query)

    assert found == _find(demo, same_as)
    assert _find(demo, "african network")[0] == AOGN  # the tables are all there


@pytest.mark.parametrize("query", ["!!!", '"', "*", "()", "-- ;", "&|!", ":*", "ـ", "\u0651"])
def test_a_query_of_punctuation_finds_nothing(demo: Database, query: str) -> None:
    assert _find(demo, query) == []


# Only what the public may see: the index holds published sessions, never a draft.


def test_a_draft_session_is_never_found(demo: Database) -> None:
    with demo.write() as db:
        _session(db, code="SECRET-DRAFT", title="Quixotrain briefing", published=False)
        _session(db, code="NOT-YET", title="Quixotrain rehearsal")  # to be published, not yet

    assert _find(demo, "quixotrain") == []
    with demo.read() as db:
        assert set(db.exec(select(SessionSearch.id))) == set(db.exec(select(PublishedSession.id)))


def test_the_index_changes_with_each_publication_and_not_before(demo: Database) -> None:
    with demo.write() as db:
        _session(db, code="LIFECYCLE", title="Quokkafest opening")
    assert _find(demo, "quokkafest") == []

    with demo.write() as db:
        _publish(db)
    assert _find(demo, "quokkafest") == ["LIFECYCLE"]

    with demo.write() as db:
        _session(db, code="LIFECYCLE", title="Wombatfest opening")
    # An edited draft: the public still finds what it reads.
    assert (_find(demo, "quokkafest"), _find(demo, "wombatfest")) == (["LIFECYCLE"], [])

    with demo.write() as db:
        _publish(db)
    assert (_find(demo, "quokkafest"), _find(demo, "wombatfest")) == ([], ["LIFECYCLE"])

    with demo.write() as db:
        _session(db, code="LIFECYCLE", title="Wombatfest opening", published=False)
        _publish(db)
    assert _find(demo, "wombatfest") == []


def test_a_deleted_session_leaves_the_index(demo: Database) -> None:
    with demo.write() as db:
        _session(db, code="DOOMED", title="Ephemeralia")
        _publish(db)
    assert _find(demo, "ephemeralia") == ["DOOMED"]

    with demo.write() as db:
        db.delete(db.exec(select(ProgrammeSession).where(ProgrammeSession.code == "DOOMED")).one())

    assert _find(demo, "ephemeralia") == []
    with demo.read() as db:
        assert set(db.exec(select(SessionSearch.id))) == set(db.exec(select(PublishedSession.id)))


# Renames reach the sessions that show them, at once.


def _stamp(database: Database) -> int:
    with database.read() as db:
        return _summit(db).programme_stamp


def test_renaming_a_speaker_reaches_the_search_and_the_cached_pages(demo: Database) -> None:
    before = _find(demo, "samira exemple")
    stamp = _stamp(demo)
    with demo.write() as db:
        person = db.exec(select(Person).where(Person.slug == "samira-exemple")).one()
        values = PersonInput.model_validate(person, from_attributes=True).model_dump()
        upsert_person(
            db,
            summit=_summit(db),
            data=PersonInput(**{**values, "full_name": "Zarathustra Quimby"}),
        )

    assert _find(demo, "quimby zarathustra") == before
    assert _find(demo, "samira") == []
    assert _stamp(demo) == stamp + 1


def test_renaming_a_delegation_reaches_the_sessions_of_its_members(demo: Database) -> None:
    members = _codes_where(demo, "kenya")
    with demo.write() as db:
        kenya = db.exec(select(Delegation).where(Delegation.slug == "kenya")).one()
        values = DelegationInput.model_validate(kenya, from_attributes=True).model_dump()
        upsert_delegation(
            db,
            summit=_summit(db),
            data=DelegationInput(**{**values, "name": {**kenya.name, "fr": "Kényaland"}}),
        )

    assert set(_find(demo, "kenyaland")) == members


def test_renaming_a_theme_reaches_its_sessions(demo: Database) -> None:
    sessions = _codes_where(demo, "civic-space")
    with demo.read() as db:
        ids = db.exec(
            select(PublishedSession.id).where(col(PublishedSession.code).in_(sessions))
        ).all()
    with demo.write() as db:
        track = db.exec(select(Track).where(Track.slug == "civic-space")).one()
        values = TrackInput.model_validate(track, from_attributes=True).model_dump()
        upsert_track(db, summit=_summit(db), data=TrackInput(**{**values, "name": {"en": "Agora"}}))

    assert set(_find(demo, "agora")) == sessions
    with demo.read() as db:
        names = db.exec(select(SessionSearch.names).where(col(SessionSearch.id).in_(ids))).all()
    assert len(names) == len(sessions)
    assert not [row for row in names if "espace civique" in row or "الفضاء" in row]


def test_saving_a_person_unchanged_leaves_the_stamp(demo: Database) -> None:
    stamp = _stamp(demo)
    with demo.write() as db:
        person = db.exec(select(Person).where(Person.slug == "samira-exemple")).one()
        upsert_person(
            db,
            summit=_summit(db),
            data=PersonInput.model_validate(person, from_attributes=True),
        )

    assert _stamp(demo) == stamp


# Rebuilding from scratch.


def _rows(database: Database) -> list[tuple[int, str, str, str]]:
    with database.read() as db:
        return [
            (row.id, row.title, row.names, row.abstract)
            for row in db.exec(select(SessionSearch).order_by(col(SessionSearch.id)))
        ]


def test_rebuilding_the_index_is_idempotent_and_repairs_it(demo: Database) -> None:
    kept = _rows(demo)
    with demo.write() as db:
        db.connection().execute(text("DELETE FROM session_search WHERE id % 2 = 0"))
    assert len(_rows(demo)) < len(kept)

    for _ in range(2):
        with demo.write() as db:
            count = search_index.rebuild(db)
        assert count == len(kept)
        assert _rows(demo) == kept
    assert _find(demo, "african network")[0] == AOGN
    if demo.engine.dialect.name == "sqlite":
        with demo.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO session_search_fts(session_search_fts, rank)"
                " VALUES ('integrity-check', 1)"
            )
