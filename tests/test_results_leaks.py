"""Results leak nothing: data planted that a juror or a delegate must not see changes neither
the bytes of their pages nor the messages on their sockets."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select
from starlette.applications import Starlette

from summit.agenda.models import ProgrammeSession
from summit.app import create_app
from summit.awards.models import (
    AwardResult,
    AwardRound,
    CardStatus,
    Conflict,
    ConflictSource,
    EntityKind,
    JuryAssignment,
    JuryMember,
    Submission,
)
from summit.awards.scoring import CardInput, criteria_of, save_card
from summit.db import Database, create_db_engine
from summit.persistence import pk
from tests.conftest import (
    BASE_URL,
    another_browser,
    choose_english,
    make_client,
    sign_in,
    sqlite_settings,
)
from tests.jury import (
    AWARD_SLUG,
    BEFORE_SCORING_CLOSES,
    account,
    demo_award,
    open_judging,
    queue_of,
)
from tests.results_support import BOARD, WS, _ids, _post

TOKEN = re.compile(r"[0-9a-f]{64}")


def _plant(db: Session) -> None:
    """A submission juror1 has a conflict with, another juror's scores, undisclosed places."""
    award = demo_award(db)
    submission = Submission(
        award_id=pk(award),
        code="ZZ-PLANTED",
        entity_name="Planted Entity (fictional)",
        entity_kind=EntityKind.LOCAL_GOVERNMENT,
        language="en",
        title="Planted title",
        summary="Planted summary",
    )
    db.add(submission)
    db.flush()
    member = db.exec(
        select(JuryMember).where(JuryMember.account_id == pk(account(db, "juror1@example.org")))
    ).one()
    round_one = db.exec(select(AwardRound).where(AwardRound.award_id == award.id)).first()
    assert round_one is not None
    db.add(
        JuryAssignment(
            round_id=pk(round_one), submission_id=pk(submission), jury_member_id=pk(member)
        )
    )
    db.add(
        Conflict(
            jury_member_id=pk(member),
            submission_id=pk(submission),
            source=ConflictSource.DECLARED,
            reason="planted",
        )
    )
    who = pk(account(db, "juror2@example.org"))
    for item in queue_of(db, "juror2@example.org"):
        criteria = criteria_of(db, award_id=pk(award))
        data = CardInput(
            revision=0,
            save_key="planted",
            scores={pk(c): 7.0 for c in criteria},
            comment="Planted comment by juror2",
            status=CardStatus.FINAL,
        )
        save_card(db, item=item, account_id=who, data=data, now=BEFORE_SCORING_CLOSES)
    db.add(AwardResult(award_id=pk(award), submission_id=pk(submission), place=1))
    db.flush()


@pytest.fixture
def twin_apps(tmp_path: Path, demo_database_file: Path) -> Iterator[tuple[Starlette, Starlette]]:
    """Two copies of the demo in judging; the first also holds the planted data."""
    apps = []
    databases = []
    for name in ("planted", "clean"):
        path = tmp_path / f"{name}.db"
        shutil.copyfile(demo_database_file, path)
        settings = sqlite_settings(path)
        database = Database(create_db_engine(settings))
        with database.write() as db:
            open_judging(db)
            if name == "planted":
                _plant(db)
        databases.append(database)
        apps.append(create_app(settings, clock=lambda: BEFORE_SCORING_CLOSES))
    yield apps[0], apps[1]
    for database in databases:
        database.dispose()


def _seen(app: Starlette, email: str, paths: list[str]) -> list[tuple[int, str]]:
    with make_client(app) as client:
        sign_in(client, email)
        return [
            (response.status_code, TOKEN.sub("TOKEN", response.text))
            for response in (client.get(path) for path in paths)
        ]


def test_a_juror_sees_the_same_bytes_with_or_without_the_planted_data(
    twin_apps: tuple[Starlette, Starlette], demo_database: Database
) -> None:
    planted, clean = twin_apps
    ids = _ids(demo_database)
    paths = [
        "/ogp2021/jury",
        f"/ogp2021/jury/{ids['KE-RIVERSIDE']}",
        f"/ogp2021/jury/{max(ids.values()) + 1}",  # the planted submission's id
        f"/ogp2021/awards/{AWARD_SLUG}",
        "/ogp2021/",
        BOARD,
    ]

    with_planted = _seen(planted, "juror1@example.org", paths)
    without = _seen(clean, "juror1@example.org", paths)

    assert [status for status, _ in with_planted] == [200, 200, 404, 200, 200, 403]
    assert "Planted" not in "".join(text for _, text in with_planted)
    # The nonce of each scoresheet is random: compare the sheets without it.
    strip = re.compile(r'name="nonce" value="[^"]+"')
    assert [(s, strip.sub("", t)) for s, t in with_planted] == [
        (s, strip.sub("", t)) for s, t in without
    ]


def test_a_delegate_sees_the_same_bytes_with_or_without_the_planted_data(
    twin_apps: tuple[Starlette, Starlette],
) -> None:
    planted, clean = twin_apps
    paths = [f"/ogp2021/awards/{AWARD_SLUG}", "/ogp2021/", "/ogp2021/programme", BOARD]

    assert _seen(planted, "delegate@example.org", paths) == _seen(
        clean, "delegate@example.org", paths
    )


def test_a_delegates_socket_gets_the_same_messages_with_or_without_the_planted_data(
    twin_apps: tuple[Starlette, Starlette], demo_database: Database
) -> None:
    ids = _ids(demo_database)
    with demo_database.read() as db:
        opening = db.exec(
            select(ProgrammeSession.id).where(ProgrammeSession.code == "OPENING")
        ).one()
    received = []
    for app in twin_apps:
        with make_client(app) as delegate:
            juror = another_browser(delegate)
            boss = another_browser(delegate)
            choose_english(delegate)  # the demo delegate's account speaks Arabic
            sign_in(delegate, "delegate@example.org")
            sign_in(juror, "juror3@example.org")
            sign_in(boss, "organiser@example.org")
            with delegate.websocket_connect(
                f"{WS}/ogp2021/live?page=home", headers={"origin": BASE_URL}
            ) as socket:
                # A score saved (organisers hear of it), then a session goes live (everyone).
                path = f"/ogp2021/jury/{ids['KE-RIVERSIDE']}"
                nonce = re.search(r'name="nonce" value="([^"]+)"', juror.get(path).text)
                assert nonce is not None
                _post(juror, path, {"nonce": nonce.group(1), "revision": "0", "comment": "ok"})
                _post(boss, f"/ogp2021/manage/sessions/{opening}/status", {"status": "live"})
                received.append(socket.receive_text())

    assert "Live now" in received[0]
    assert received[0] == received[1]
