"""The organisers' schedule editor and publishing, driven as a browser with htmx does."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from sqlmodel import select
from starlette.testclient import TestClient

from summit.agenda.models import (
    ProgrammeSession,
    PublishedSession,
    ScheduleRelease,
    SessionStatus,
    Stream,
)
from summit.db import Database
from tests.conftest import BASE_URL, csrf_token, htmx_post


def _session(database: Database, code: str) -> ProgrammeSession:
    with database.read() as db:
        return db.exec(select(ProgrammeSession).where(ProgrammeSession.code == code)).one()


def _stream_id(database: Database, slug: str) -> int:
    with database.read() as db:
        stream_id = db.exec(select(Stream.id).where(Stream.slug == slug)).one()
    assert stream_id is not None
    return stream_id


def test_the_editor_shows_the_day_grid(organiser: TestClient) -> None:
    page = organiser.get("/ogp2021/manage/schedule?day=2021-12-15")

    assert page.status_code == 200
    assert 'id="schedule-editor"' in page.text
    assert page.text.count('class="slot ') > 100
    assert "Official opening of the OGP Global Summit 2021" in page.text


def test_moving_a_session_onto_another_flags_the_conflict_and_waits_for_publishing(
    organiser: TestClient, demo_database: Database
) -> None:
    opening = _session(demo_database, "OPENING")
    dialogue_room = _stream_id(demo_database, "dialogue")

    response = htmx_post(
        organiser,
        f"/ogp2021/manage/sessions/{opening.id}/move",
        {"stream_id": str(dialogue_room), "start_time": "10:30", "day": "2021-12-15"},
    )

    moved = _session(demo_database, "OPENING")
    assert response.status_code == 200
    body = response.text
    assert body.lstrip().startswith('<div id="schedule-editor"')
    assert "Two sessions in one stream at once" in body
    assert (moved.stream_id, moved.starts_at.isoformat() if moved.starts_at else None) == (
        dialogue_room,
        "2021-12-15T01:30:00+00:00",
    )
    assert moved.ends_at and moved.starts_at and (moved.ends_at - moved.starts_at).seconds == 5400
    # The public still sees the published place.
    with demo_database.read() as db:
        public = db.get(PublishedSession, opening.id)
    assert public is not None and public.stream_id == opening.stream_id


def test_accepting_a_conflict_stops_flagging_it(
    organiser: TestClient, demo_database: Database
) -> None:
    opening = _session(demo_database, "OPENING")
    dialogue_room = _stream_id(demo_database, "dialogue")
    moved = htmx_post(
        organiser,
        f"/ogp2021/manage/sessions/{opening.id}/move",
        {"stream_id": str(dialogue_room), "start_time": "10:30", "day": "2021-12-15"},
    )
    key = re.search(r'name="key" value="(stream_overlap:[^"]+)"', moved.text)
    assert key is not None

    accepted = htmx_post(
        organiser, "/ogp2021/manage/conflicts/accept", {"key": key.group(1), "day": "2021-12-15"}
    )

    assert "Two sessions in one stream at once" not in accepted.text
    assert "1 accepted conflict is no longer flagged." in accepted.text


def test_a_move_off_the_five_minute_grid_is_refused(
    organiser: TestClient, demo_database: Database
) -> None:
    opening = _session(demo_database, "OPENING")

    response = htmx_post(
        organiser,
        f"/ogp2021/manage/sessions/{opening.id}/move",
        {"stream_id": str(opening.stream_id), "start_time": "09:03", "day": "2021-12-15"},
    )

    assert response.status_code == 422
    assert "steps of five minutes" in response.text
    assert _session(demo_database, "OPENING").starts_at == opening.starts_at


def test_resizing_and_unscheduling(organiser: TestClient, demo_database: Database) -> None:
    opening = _session(demo_database, "OPENING")

    htmx_post(
        organiser,
        f"/ogp2021/manage/sessions/{opening.id}/resize",
        {"delta": "15", "day": "2021-12-15"},
    )
    longer = _session(demo_database, "OPENING")
    shrink_to_nothing = htmx_post(
        organiser,
        f"/ogp2021/manage/sessions/{opening.id}/resize",
        {"delta": "-105", "day": "2021-12-15"},
    )
    unscheduled = htmx_post(
        organiser, f"/ogp2021/manage/sessions/{opening.id}/unschedule", {"day": "2021-12-15"}
    )

    assert longer.ends_at and opening.ends_at
    assert (longer.ends_at - opening.ends_at).seconds == 900
    assert shrink_to_nothing.status_code == 422
    assert "must end after it starts" in shrink_to_nothing.text
    assert _session(demo_database, "OPENING").starts_at is None
    unscheduled_panel = unscheduled.text.split('id="unscheduled-heading"', 1)[1]
    assert "Official opening" in unscheduled_panel.split('id="conflicts-heading"', 1)[0]


def test_an_impossible_session_is_refused_with_an_inline_error(organiser: TestClient) -> None:
    response = htmx_post(
        organiser,
        "/ogp2021/manage/sessions/new",
        {
            "code": "BROKEN",
            "kind": "panel",
            "title_en": "Broken",
            "day": "2021-12-15",
            "start_time": "10:00",
            "duration": "0",
        },
    )

    assert response.status_code == 422
    assert response.text.lstrip().startswith('<form id="session-form"')
    assert "must end after it starts" in response.text


def test_a_new_session_reaches_the_public_after_publishing(
    organiser: TestClient, demo_database: Database
) -> None:
    side_room = _stream_id(demo_database, "side-events")
    created = htmx_post(
        organiser,
        "/ogp2021/manage/sessions/new",
        {
            "code": "NEW-PANEL",
            "kind": "workshop",
            "title_en": "A new workshop",
            "title_ar": "ورشة جديدة",
            "day": "2021-12-16",
            "start_time": "07:00",
            "duration": "45",
            "stream_id": str(side_room),
            "languages": "en, ar",
            "is_published": "on",
            "status": "scheduled",
        },
    )
    assert created.status_code == 204, created.text
    assert "A new workshop" not in organiser.get("/ogp2021/programme").text

    published = organiser.post(
        "/ogp2021/manage/publish",
        data={"comment": "Added a workshop", "csrf_token": csrf_token(organiser, "/ogp2021/")},
        headers={"origin": BASE_URL},
        follow_redirects=False,
    )

    assert published.status_code == 303
    assert "A new workshop" in organiser.get("/ogp2021/programme").text
    assert "ورشة جديدة" in organiser.get("/ogp2021/programme?lang=ar").text
    changes = organiser.get("/ogp2021/changes?lang=en").text
    assert "Version 2" in changes and "Added a workshop" in changes and ">added<" in changes


def test_publishing_records_moves_retimes_cancellations_and_speakers(
    organiser: TestClient, demo_database: Database
) -> None:
    opening = _session(demo_database, "OPENING")
    closing = _session(demo_database, "CLOSING")
    dialogue_room = _stream_id(demo_database, "dialogue")
    htmx_post(
        organiser,
        f"/ogp2021/manage/sessions/{opening.id}/move",
        {"stream_id": str(dialogue_room), "start_time": "07:00", "day": "2021-12-15"},
    )
    with demo_database.write() as db:
        row = db.get(ProgrammeSession, closing.id)
        assert row is not None
        row.status = SessionStatus.CANCELLED
        db.add(row)

    organiser.post(
        "/ogp2021/manage/publish",
        data={"comment": "", "csrf_token": csrf_token(organiser, "/ogp2021/")},
        headers={"origin": BASE_URL},
    )

    with demo_database.read() as db:
        release = db.exec(select(ScheduleRelease).where(ScheduleRelease.version == 2)).one()
        public_closing = db.get(PublishedSession, closing.id)
    kinds = {change["code"]: change["kinds"] for change in release.changes}
    assert kinds == {"OPENING": ["moved", "retimed"], "CLOSING": ["cancelled"]}
    assert public_closing is not None and public_closing.status == "cancelled"
    programme = organiser.get("/ogp2021/programme").text
    assert "session-card--cancelled" in programme


def test_publishing_nothing_is_refused(organiser: TestClient) -> None:
    response = organiser.post(
        "/ogp2021/manage/publish",
        data={"comment": "", "csrf_token": csrf_token(organiser, "/ogp2021/")},
        headers={"origin": BASE_URL},
    )

    assert response.status_code == 422
    assert "Nothing has changed since the last publication." in response.text


def test_the_changes_feed_is_atom(client: TestClient) -> None:
    response = client.get("/ogp2021/changes.atom")

    feed = ElementTree.fromstring(response.content)  # noqa: S314 - our own output
    namespace = "{http://www.w3.org/2005/Atom}"
    assert response.headers["content-type"].startswith("application/atom+xml")
    assert feed.tag == f"{namespace}feed"
    assert [entry.findtext(f"{namespace}title") for entry in feed.iter(f"{namespace}entry")] == [
        "Version 1"
    ]


def test_a_draft_only_session_has_no_public_page(
    organiser: TestClient, demo_database: Database
) -> None:
    htmx_post(
        organiser,
        "/ogp2021/manage/sessions/new",
        {"code": "SECRET", "kind": "panel", "title_en": "Not yet announced", "is_published": "on"},
    )
    secret = _session(demo_database, "SECRET")

    assert organiser.get(f"/ogp2021/sessions/{secret.id}").status_code == 404
