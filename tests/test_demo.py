"""``summit demo`` on a fresh database: a clock inside the summit, sessions live at that
moment, and the award judged but still to be revealed at its ceremony."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx2 as httpx
import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession, SessionStatus
from summit.app import create_app
from summit.awards.models import AwardResult
from summit.awards.standings import compute
from summit.clock import app_clock, shifted
from summit.db import Database, create_db_engine
from summit.eventlog import LiveEvent
from summit.migrate import upgrade
from summit.seeding import demo_moment, load_summit
from summit.settings import Settings
from tests.conftest import DEMO_FOLDER, DEMO_PASSWORD, sqlite_settings
from tests.jury import demo_award
from tests.servers import serving

SEOUL = ZoneInfo("Asia/Seoul")
DEMO_START = datetime(2021, 12, 16, 10, 15, tzinfo=SEOUL)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_LIVE = re.compile(r'<section id="live-strip".*?<h2>', re.DOTALL)
_NEXT = re.compile(r"<h2>Coming next</h2>.*?</section>", re.DOTALL)


def _sessions_under_way(moment: datetime | None = None) -> set[str]:
    """The English titles of the seed's sessions that have begun and not ended at ``moment``
    (of every session without one)."""
    with (DEMO_FOLDER / "sessions.toml").open("rb") as handle:
        sessions = tomllib.load(handle)["sessions"]
    return {
        session["title"]["en"]
        for session in sessions
        if moment is None
        or session["starts"].replace(tzinfo=SEOUL) <= moment < session["ends"].replace(tzinfo=SEOUL)
    }


def _sessions_next(moment: datetime, count: int = 5) -> set[str]:
    """The English titles of the ``count`` sessions that start next after ``moment``."""
    with (DEMO_FOLDER / "sessions.toml").open("rb") as handle:
        sessions = tomllib.load(handle)["sessions"]
    later = sorted(
        (session["starts"], session["title"]["en"])
        for session in sessions
        if session["starts"].replace(tzinfo=SEOUL) > moment
    )
    return {title for _, title in later[:count]}


def _coming_next(page: str) -> str:
    found = _NEXT.search(page)
    assert found is not None, "the home page has no list of what comes next"
    return found.group(0)


def _live_strip(page: str) -> str:
    found = _LIVE.search(page)
    assert found is not None, "the home page has no live strip"
    return found.group(0)


def _titles_in(html: str, titles: set[str]) -> set[str]:
    return {title for title in titles if title.replace("'", "&#39;") in html}


@pytest.fixture
def fresh_demo(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """``summit demo`` with two workers, on a database that does not exist yet."""
    database_url = f"sqlite:///{tmp_path / 'fresh.db'}"
    with serving(
        database_url,
        tmp_path / "demo.log",
        command=("demo", "--workers", "2"),
        environment={"SUMMIT_SECRET_KEY": None},  # each worker would make up its own
        ready_within=120,
    ) as address:
        yield address, database_url


def test_the_demo_opens_inside_the_summit_with_sessions_live(
    fresh_demo: tuple[str, str],
) -> None:
    address, _ = fresh_demo
    start = datetime(2021, 12, 16, 10, 15, tzinfo=SEOUL)
    expected = _sessions_under_way(start)
    everyone = _sessions_under_way()

    # Many at once, each on a connection of its own, so that both workers answer: each must
    # run on the demo's clock (what comes next follows the clock; what is live, the statuses).
    with ThreadPoolExecutor(max_workers=8) as pool:
        pages = list(
            pool.map(lambda _: httpx.get(f"{address}/ogp2021/", timeout=30).text, range(16))
        )

    assert len(expected) == 3
    assert [_titles_in(_live_strip(page), everyone) for page in pages] == [expected] * 16
    assert [_titles_in(_coming_next(page), everyone) for page in pages] == [
        _sessions_next(start)
    ] * 16


def test_the_demo_award_is_judged_and_awaits_its_ceremony(
    fresh_demo: tuple[str, str],
) -> None:
    address, database_url = fresh_demo
    client = httpx.Client(base_url=address, timeout=10)
    token = _CSRF.search(client.get("/signin").text)
    assert token is not None
    signed_in = client.post(
        "/signin",
        data={
            "email": "organiser@example.org",
            "password": DEMO_PASSWORD,
            "csrf_token": token.group(1),
        },
        headers={"origin": address},
    )
    cookies = dict(client.cookies)
    client.close()
    # Many at once, each on a connection of its own, so that both workers answer: each must
    # read the sign-in the other signed.
    with ThreadPoolExecutor(max_workers=8) as pool:
        pages = list(
            pool.map(
                lambda _: httpx.get(
                    f"{address}/ogp2021/manage/awards/open-gov-award-local-innovation-2021/results",
                    cookies=cookies,
                    timeout=30,
                ),
                range(16),
            )
        )
    page = pages[0].text
    public = httpx.get(f"{address}/ogp2021/awards/open-gov-award-local-innovation-2021").text
    database = Database(create_db_engine(Settings(database_url=database_url, environment="test")))
    with database.read() as db:
        award = demo_award(db)
        computed = compute(db, award)
        places = {row.place: row.submission_id for row in computed.places if row.place}
        revealed = [row for row in computed.places if row.revealed_at is not None]
        ranked = [entry.submission_id for entry in computed.ranked[:3]]
        finals = sum(1 for row in computed.board.rows if row.progress == "final")
    database.dispose()

    assert signed_in.status_code == 303
    assert [answer.status_code for answer in pages] == [200] * 16
    assert (finals, len(computed.board.rows)) == (39, 39)
    assert [places[1], places[2], places[3]] == ranked
    assert (award.results_published_at, revealed) == (None, [])
    assert "Not published: only organisers see these figures." in page
    assert "Reveal an honourable mention" in page
    assert "Regional Council of Tanger" not in public


def test_the_demo_clock_starts_where_asked(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'at.db'}"
    at = datetime(2021, 12, 17, 15, 0, tzinfo=SEOUL)
    expected = _sessions_under_way(at)

    with serving(
        database_url,
        tmp_path / "demo.log",
        command=("demo", "--at", "2021-12-17T15:00+09:00"),
        ready_within=120,
    ) as address:
        strip = _live_strip(httpx.get(f"{address}/ogp2021/", timeout=10).text)

    assert len(expected) == 2
    assert _titles_in(strip, _sessions_under_way()) == expected


def test_on_the_real_clock_the_demo_is_over_and_its_award_published(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'real.db'}"

    with serving(
        database_url, tmp_path / "demo.log", command=("demo", "--real-clock"), ready_within=120
    ) as address:
        home = httpx.get(f"{address}/ogp2021/", timeout=10).text
        public = httpx.get(
            f"{address}/ogp2021/awards/open-gov-award-local-innovation-2021", timeout=10
        ).text

    assert "This summit has ended" in _live_strip(home)
    assert "Regional Council of Tanger-Tétouan-Al Hoceïma" in public


# ---------------------------------------------------------------------------
# The clock and the seed, without servers
# ---------------------------------------------------------------------------


def test_a_shifted_clock_runs_in_real_time_from_its_start() -> None:
    real = [datetime(2026, 5, 1, 8, 0, tzinfo=UTC)]
    start = datetime(2021, 12, 16, 10, 15, tzinfo=SEOUL)
    clock = shifted(shows=start, at=real[0], real=lambda: real[0])

    first = clock()
    real[0] += timedelta(minutes=20, seconds=5)

    assert (first, clock()) == (start, start + timedelta(minutes=20, seconds=5))


def test_workers_given_the_same_settings_tell_the_same_time() -> None:
    settings = Settings(
        environment="test",
        demo_now_at=datetime(2021, 12, 16, 10, 15, tzinfo=SEOUL),
        demo_started_at=datetime(2026, 5, 1, 8, 0, tzinfo=UTC),
    )
    real = [datetime(2026, 5, 1, 8, 0, 3, tzinfo=UTC)]
    first = app_clock(settings, real=lambda: real[0])
    real[0] += timedelta(seconds=2)  # a second worker starts a little later
    second = app_clock(settings, real=lambda: real[0])

    assert first() == second() == datetime(2021, 12, 16, 10, 15, 5, tzinfo=SEOUL)


def test_without_a_demo_setting_the_app_runs_on_the_real_clock() -> None:
    real = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)

    assert app_clock(Settings(environment="test"), real=lambda: real)() == real


def test_production_refuses_a_demo_clock() -> None:
    with pytest.raises(ValueError, match="SUMMIT_DEMO_NOW_AT"):
        Settings(
            environment="production",
            secret_key="x" * 40,
            demo_now_at=datetime(2021, 12, 16, 10, 15, tzinfo=SEOUL),
        )


def test_the_demo_starts_on_the_second_day_mid_morning_in_seoul() -> None:
    assert demo_moment(DEMO_FOLDER) == datetime(2021, 12, 16, 10, 15, tzinfo=SEOUL)
    local = datetime.fromisoformat("2021-12-17T15:00")  # no offset: the summit's own time
    assert demo_moment(DEMO_FOLDER, given=local) == datetime(2021, 12, 17, 15, 0, tzinfo=SEOUL)


@pytest.fixture
def seeded_at_ten(tmp_path: Path) -> Database:
    database = Database(create_db_engine(sqlite_settings(tmp_path / "ten.db")))
    upgrade(database.engine)
    with database.write() as db:
        load_summit(db, DEMO_FOLDER, now=datetime(2021, 12, 16, 10, 15, tzinfo=SEOUL))
    return database


def test_loaded_at_a_moment_sessions_have_the_status_their_times_give(
    seeded_at_ten: Database,
) -> None:
    moment = datetime(2021, 12, 16, 10, 15, tzinfo=SEOUL)
    with seeded_at_ten.read() as db:
        sessions = db.exec(select(ProgrammeSession)).all()
        announced = db.exec(
            select(LiveEvent).where(LiveEvent.kind == "session.status").order_by(col(LiveEvent.id))
        ).all()
    seeded_at_ten.dispose()

    def wanted(session: ProgrammeSession) -> SessionStatus:
        assert session.starts_at is not None and session.ends_at is not None
        if session.ends_at <= moment:
            return SessionStatus.ENDED
        return SessionStatus.LIVE if session.starts_at <= moment else SessionStatus.SCHEDULED

    times = [event.created_at for event in announced]
    assert [session.status for session in sessions] == [wanted(s) for s in sessions]
    assert len(announced) == sum(1 for s in sessions if wanted(s) != SessionStatus.SCHEDULED)
    assert times == sorted(times) and max(times) <= moment


def test_loading_again_at_the_same_moment_changes_nothing(seeded_at_ten: Database) -> None:
    def snapshot() -> list[tuple[object, ...]]:
        with seeded_at_ten.read() as db:
            return [
                *((s.code, s.status, s.revision) for s in db.exec(select(ProgrammeSession))),
                *((r.id, r.place, r.revealed_at) for r in db.exec(select(AwardResult))),
                (db.exec(select(LiveEvent)).all().__len__(),),
            ]

    before = snapshot()
    with seeded_at_ten.write() as db:
        load_summit(db, DEMO_FOLDER, now=datetime(2021, 12, 16, 10, 15, tzinfo=SEOUL))
    after = snapshot()
    seeded_at_ten.dispose()

    assert after == before


def test_loading_again_before_the_ceremony_takes_back_its_reveal_and_publication(
    seeded_at_ten: Database,
) -> None:
    with seeded_at_ten.write() as db:
        for row in db.exec(select(AwardResult)):
            row.revealed_at = datetime(2021, 12, 16, 10, 20, tzinfo=SEOUL)
        demo_award(db).results_published_at = datetime(2021, 12, 16, 10, 30, tzinfo=SEOUL)
    with seeded_at_ten.write() as db:
        load_summit(db, DEMO_FOLDER, now=datetime(2021, 12, 16, 10, 15, tzinfo=SEOUL))
    with seeded_at_ten.read() as db:
        revealed = [row.revealed_at for row in db.exec(select(AwardResult))]
        published = demo_award(db).results_published_at
    seeded_at_ten.dispose()

    assert (revealed, published) == ([None] * 4, None)


def test_loaded_after_the_ceremony_the_places_are_published_at_its_end(
    seeded_at_ten: Database,
) -> None:
    with seeded_at_ten.write() as db:
        load_summit(db, DEMO_FOLDER, now=datetime(2021, 12, 18, 9, 0, tzinfo=SEOUL))
    with seeded_at_ten.read() as db:
        published = demo_award(db).results_published_at
        live = db.exec(
            select(ProgrammeSession.code).where(ProgrammeSession.status != SessionStatus.ENDED)
        ).all()
    seeded_at_ten.dispose()

    assert published == datetime(2021, 12, 17, 19, 0, tzinfo=SEOUL)
    assert live == []


def test_the_demo_seeds_the_rooms_channels_and_a_recording_for_an_ended_session(
    seeded_at_ten: Database, tmp_path: Path
) -> None:
    with seeded_at_ten.read() as db:
        rooms = {
            session.code: (session.status, sorted(session.channels), session.recording_url)
            for session in db.exec(select(ProgrammeSession))
            if session.channels or session.recording_url
        }
        opening = db.exec(select(ProgrammeSession).where(ProgrammeSession.code == "OPENING")).one()
    seeded_at_ten.dispose()
    app = create_app(sqlite_settings(tmp_path / "ten.db"), clock=lambda: DEMO_START)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        page = client.get(f"/ogp2021/sessions/{opening.id}?lang=en").text

    channels = ["ar", "en", "es", "floor", "fr"]
    assert rooms == {
        "OPENING": (SessionStatus.ENDED, channels, "https://player.vimeo.com/video/100000001"),
        "MENA-DIALOGUE": (SessionStatus.SCHEDULED, channels, None),
    }
    assert '<iframe class="player__frame" src="https://player.vimeo.com/video/100000001"' in page
