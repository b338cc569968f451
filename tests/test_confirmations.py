"""One-click actions that cannot simply be undone ask first, and publishing over open conflicts
is refused by the server unless the organiser confirmed the very conflicts they were shown."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession, PublishedSession, ScheduleRelease, Stream
from summit.db import Database
from tests.conftest import BASE_URL, csrf_token, htmx_post
from tests.crawl import crawl


def _ids(database: Database) -> tuple[int, int]:
    with database.read() as db:
        opening = db.exec(select(ProgrammeSession).where(ProgrammeSession.code == "OPENING")).one()
        dialogue = db.exec(select(Stream.id).where(Stream.slug == "dialogue")).one()
    assert opening.id is not None and dialogue is not None
    return opening.id, dialogue


def _make_a_conflict(organiser: TestClient, database: Database) -> int:
    """The opening moved onto the MENA dialogue's stream and time: a stream overlap."""
    opening, dialogue = _ids(database)
    moved = htmx_post(
        organiser,
        f"/ogp2021/manage/sessions/{opening}/move",
        {"stream_id": str(dialogue), "start_time": "10:30", "day": "2021-12-15"},
    )
    assert "Two sessions in one stream at once" in moved.text
    return opening


def _publish(organiser: TestClient, **fields: str) -> object:
    return organiser.post(
        "/ogp2021/manage/publish",
        data={"comment": "", **fields, "csrf_token": csrf_token(organiser, "/ogp2021/")},
        headers={"origin": BASE_URL},
        follow_redirects=False,
    )


def _versions(database: Database) -> int:
    with database.read() as db:
        return len(db.exec(select(ScheduleRelease)).all())


def test_the_publish_page_lists_open_conflicts_and_asks_to_confirm(
    organiser: TestClient, demo_database: Database
) -> None:
    _make_a_conflict(organiser, demo_database)

    page = organiser.get("/ogp2021/manage/publish").text

    conflicts = page.split('id="open-conflicts"', 1)[1].split("</ul>", 1)[0]
    assert "Two sessions in one stream at once" in conflicts
    assert "Official opening of the OGP Global Summit 2021" in conflicts
    count = conflicts.count("<li>")
    assert f'data-confirm="Publish with {count} open conflicts?"' in page
    assert 'data-confirm-list="open-conflicts"' in page
    seen = re.search(r'name="conflicts_seen" value="([^"]+)"', page)
    assert seen is not None and len(seen.group(1).split()) == count


def test_a_publish_without_the_confirmation_answers_with_the_list_and_changes_nothing(
    organiser: TestClient, demo_database: Database
) -> None:
    opening = _make_a_conflict(organiser, demo_database)
    before = _versions(demo_database)

    response = _publish(organiser)

    assert response.status_code == 409  # type: ignore[attr-defined]
    text = response.text  # type: ignore[attr-defined]
    assert re.search(r"The draft has \d+ open conflicts?\.", text)
    assert "Two sessions in one stream at once" in text.split('id="open-conflicts"', 1)[1]
    assert _versions(demo_database) == before
    with demo_database.read() as db:
        public = db.get(PublishedSession, opening)
    assert public is not None and public.starts_at is not None
    assert public.starts_at.isoformat() == "2021-12-15T00:00:00+00:00"


def test_a_conflict_that_appeared_after_the_page_was_shown_is_not_published_unseen(
    organiser: TestClient, demo_database: Database
) -> None:
    _make_a_conflict(organiser, demo_database)
    before = _versions(demo_database)

    response = _publish(organiser, conflicts_seen="stream_overlap:1-2:")

    assert response.status_code == 409  # type: ignore[attr-defined]
    assert _versions(demo_database) == before


def test_publishing_the_confirmed_conflicts_goes_ahead(
    organiser: TestClient, demo_database: Database
) -> None:
    _make_a_conflict(organiser, demo_database)
    page = organiser.get("/ogp2021/manage/publish").text
    seen = re.search(r'name="conflicts_seen" value="([^"]*)"', page)
    assert seen is not None
    before = _versions(demo_database)

    response = _publish(organiser, conflicts_seen=seen.group(1))

    assert response.status_code == 303  # type: ignore[attr-defined]
    assert _versions(demo_database) == before + 1


def test_without_conflicts_publishing_asks_nothing(organiser: TestClient) -> None:
    opening_page = organiser.get("/ogp2021/manage/schedule?day=2021-12-15").text
    session_id = re.findall(r'data-session-id="(\d+)"', opening_page)[0]
    htmx_post(
        organiser,
        f"/ogp2021/manage/sessions/{session_id}/resize",
        {"delta": "15", "day": "2021-12-15"},
    )

    page = organiser.get("/ogp2021/manage/publish").text

    assert "open-conflicts" not in page and "data-confirm=" not in page
    assert _publish(organiser).status_code == 303  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("path", "question"),
    [
        ("/ogp2021/manage/members", "Take the role of juror away from"),
        (
            "/ogp2021/manage/awards/open-gov-award-local-innovation-2021/rubric",
            "Remove the criterion",
        ),
        ("/ogp2021/manage/awards/open-gov-award-local-innovation-2021/rounds", "Remove round 1?"),
        (
            "/ogp2021/manage/awards/open-gov-award-local-innovation-2021/jury",
            "off the jury?",
        ),
    ],
)
def test_deleting_asks_first_with_the_consequence(
    organiser: TestClient, path: str, question: str
) -> None:
    page = organiser.get(path).text

    forms = re.findall(r"<form [^>]*>", page)
    asking = [form for form in forms if question in form]
    assert asking, f"no form on {path} asks {question!r}"
    for form in asking:
        assert 'data-confirm-detail="' in form and 'data-confirm-button="' in form


_REMOVES = re.compile(r'(?:action|hx-post|formaction)="[^"]*/(delete|remove|revoke|withdraw)"')


def test_every_control_that_removes_something_asks_first(organiser: TestClient) -> None:
    asking: set[str] = set()
    silent: list[str] = []
    for path, page in crawl(organiser, ["/ogp2021/manage/", "/ogp2021/"], limit=400):
        for control in re.findall(r"<(?:form|button|input)\s[^>]*>", page):
            removing = _REMOVES.search(control)
            if removing is None:
                continue
            if "confirm=" in control:
                asking.add(removing.group(1))
            else:
                silent.append(f"{path}: {control}")

    # Every kind of removal the demo's pages offer was seen, so the walk reached them.
    assert asking == {"delete", "remove", "withdraw", "revoke"}
    assert silent == []


def test_cancelling_a_session_asks_first(organiser: TestClient, demo_database: Database) -> None:
    opening, _dialogue = _ids(demo_database)

    page = organiser.get(f"/ogp2021/sessions/{opening}").text

    cancel = next(
        form
        for form in re.findall(r"<form [^>]*>.*?</form>", page, re.S)
        if 'value="cancelled"' in form
    )
    assert (
        'data-hx-confirm="Cancel “\u2068Official opening of the OGP Global Summit 2021\u2069”?"'
        in cancel
    )
    assert "everyone following it is told at once" in cancel
    for status in ("live", "ended", "scheduled"):
        other = next(
            form
            for form in re.findall(r"<form [^>]*>.*?</form>", page, re.S)
            if f'name="status" value="{status}"' in form
        )
        assert "confirm" not in other


def test_every_page_has_the_dialog_and_its_script(client: TestClient) -> None:
    page = client.get("/ogp2021/").text

    assert '<dialog id="confirm-dialog"' in page
    assert 'aria-labelledby="confirm-dialog-title"' in page
    assert "/static/js/confirm.js" in page
