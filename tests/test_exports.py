"""The programme's exports: frab XML and JSON valid against the C3VOC schemas, calendars that
parse back, ids that survive changes, and conditional GETs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import icalendar
import jsonschema
import pytest
import xmlschema
from sqlmodel import select
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession, PublishedSession
from summit.db import Database
from tests.conftest import choose_english, post_form, sign_in

SCHEMAS = Path("/work/shared/schemas/c3voc-schedule")
EXPORT = "/ogp2021/schedule/export"


def _schemas_folder() -> Path:
    # The shared copy sits beside the repository in CI (a fresh clone with shared/ next to it).
    for folder in (SCHEMAS, Path(__file__).resolve().parents[2] / "shared/schemas/c3voc-schedule"):
        if (folder / "schedule.xml.xsd").exists():
            return folder
    pytest.skip("the C3VOC schedule schemas are not on this machine")


@cache
def xml_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(_schemas_folder() / "schedule.xml.xsd"))


@cache
def json_validator() -> jsonschema.Draft6Validator:
    schema = json.loads((_schemas_folder() / "schedule.schema.json").read_text())
    return jsonschema.Draft6Validator(
        schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER
    )


def assert_valid_xml(body: bytes) -> None:
    errors = [str(error) for error in xml_schema().iter_errors(body.decode())]
    assert errors == []


def assert_valid_json(document: Any) -> None:
    errors = [
        f"{list(error.path)}: {error.message}" for error in json_validator().iter_errors(document)
    ]
    assert errors == []


def events(body: bytes) -> dict[str, icalendar.Event]:
    """The calendar's events by UID."""
    return {event.uid: event for event in icalendar.Calendar.from_ical(body).events}


def start_of(event: icalendar.Event) -> datetime:
    start = event.start
    assert isinstance(start, datetime)
    return start


def _session_id(database: Database, code: str) -> int:
    with database.read() as db:
        found = db.exec(select(ProgrammeSession.id).where(ProgrammeSession.code == code)).one()
    assert found is not None
    return found


def test_the_demo_schedule_xml_is_valid_frab(client: TestClient) -> None:
    response = client.get(f"{EXPORT}/schedule.xml")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    assert_valid_xml(response.content)


def test_the_demo_schedule_json_is_valid_with_formats_checked(client: TestClient) -> None:
    response = client.get(f"{EXPORT}/schedule.json")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert_valid_json(response.json())


def test_xml_and_json_list_the_same_sessions_with_the_same_ids(
    client: TestClient, demo_database: Database
) -> None:
    document = client.get(f"{EXPORT}/schedule.json").json()
    xml = client.get(f"{EXPORT}/schedule.xml").text
    json_guids = sorted(
        event["guid"]
        for day in document["schedule"]["conference"]["days"]
        for room in day["rooms"].values()
        for event in room
    )
    with demo_database.read() as db:
        published = len(db.exec(select(PublishedSession)).all())

    assert len(json_guids) == published
    assert sorted(guid for guid in json_guids if f'guid="{guid}"' in xml) == json_guids


def test_json_events_carry_a_code_only_when_it_is_pretalx_style(
    client: TestClient, demo_database: Database
) -> None:
    with demo_database.write() as db:
        closing = db.exec(select(PublishedSession).where(PublishedSession.code == "CLOSING")).one()
        closing.code = "CLS021"  # six capitals and digits, as pretalx makes them
        db.add(closing)

    document = client.get(f"{EXPORT}/schedule.json").json()
    codes = [
        event["code"]
        for day in document["schedule"]["conference"]["days"]
        for room in day["rooms"].values()
        for event in room
        if "code" in event
    ]

    assert codes == ["CLS021"]  # not OPENING, nor the longer ones
    assert_valid_json(document)


def test_exports_are_public_with_cors_and_no_credentials(client: TestClient) -> None:
    for name in ("schedule.xml", "schedule.json", "schedule.ics"):
        response = client.get(f"{EXPORT}/{name}")

        assert response.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in response.headers


def test_the_whole_programme_calendar_parses_with_a_zone(
    client: TestClient, demo_database: Database
) -> None:
    response = client.get(f"{EXPORT}/schedule.ics")
    calendar = icalendar.Calendar.from_ical(response.content)
    with demo_database.read() as db:
        published = len(db.exec(select(PublishedSession)).all())

    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert len(calendar.events) == published
    assert [zone.tz_name for zone in calendar.timezones] == ["Asia/Seoul"]
    assert str(start_of(calendar.events[0]).tzinfo) == "Asia/Seoul"


def test_stream_session_and_speaker_calendars_hold_their_sessions(
    client: TestClient, demo_database: Database
) -> None:
    opening = _session_id(demo_database, "OPENING")
    whole = events(client.get(f"{EXPORT}/schedule.ics").content)
    opening_uid = next(
        uid for uid, event in whole.items() if str(event["url"]).endswith(f"/{opening}")
    )

    session = events(client.get(f"{EXPORT}/sessions/{opening}.ics").content)
    speaker = events(client.get(f"{EXPORT}/speakers/aziz-akhannouch.ics").content)
    stream = events(client.get(f"{EXPORT}/streams/plenary.ics").content)

    assert list(session) == [opening_uid]
    assert opening_uid in speaker
    assert opening_uid in stream
    assert set(stream) < set(whole)


@pytest.mark.parametrize(
    "path",
    [
        f"{EXPORT}/sessions/999999.ics",
        f"{EXPORT}/speakers/nobody-at-all.ics",
        f"{EXPORT}/streams/no-such-stream.ics",
        f"{EXPORT}/agenda/not-a-token.ics",
        "/no-such-summit/schedule/export/schedule.xml",
    ],
)
def test_unknown_things_answer_404(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_an_unchanged_export_answers_304_to_its_etag_and_date(client: TestClient) -> None:
    first = client.get(f"{EXPORT}/schedule.json")
    etag = first.headers["etag"]
    modified = first.headers["last-modified"]

    by_tag = client.get(f"{EXPORT}/schedule.json", headers={"if-none-match": etag})
    by_date = client.get(f"{EXPORT}/schedule.json", headers={"if-modified-since": modified})
    other_tag = client.get(f"{EXPORT}/schedule.json", headers={"if-none-match": '"other"'})

    assert (by_tag.status_code, by_tag.content, by_tag.headers["etag"]) == (304, b"", etag)
    assert by_date.status_code == 304
    assert other_tag.status_code == 200
    assert other_tag.content == first.content


def test_a_live_change_gives_a_new_etag_and_a_shifted_later_event(
    organiser: TestClient, demo_database: Database
) -> None:
    opening = _session_id(demo_database, "OPENING")
    before = organiser.get(f"{EXPORT}/schedule.ics")
    old = events(before.content)

    post_form(
        organiser,
        f"/ogp2021/manage/sessions/{opening}/status",
        {"status": "late", "delay_minutes": "15"},
    )
    after = organiser.get(
        f"{EXPORT}/schedule.ics", headers={"if-none-match": before.headers["etag"]}
    )
    new = events(after.content)

    assert after.status_code == 200
    uid = next(uid for uid, event in new.items() if event.url.endswith(f"/{opening}"))
    assert (start_of(new[uid]) - start_of(old[uid])).total_seconds() == 15 * 60
    assert new[uid].sequence == old[uid].sequence + 1


def test_a_cancelled_session_stays_as_cancelled(
    organiser: TestClient, demo_database: Database
) -> None:
    opening = _session_id(demo_database, "OPENING")

    post_form(organiser, f"/ogp2021/manage/sessions/{opening}/status", {"status": "cancelled"})
    calendar = events(organiser.get(f"{EXPORT}/sessions/{opening}.ics").content)
    document = organiser.get(f"{EXPORT}/schedule.json").json()

    assert [event.status for event in calendar.values()] == ["CANCELLED"]
    subtitles = {
        event["id"]: event["subtitle"]
        for day in document["schedule"]["conference"]["days"]
        for room in day["rooms"].values()
        for event in room
    }
    assert subtitles[opening] == "Cancelled"
    assert_valid_json(document)


def test_a_moved_and_republished_session_keeps_its_uid_with_a_higher_sequence(
    organiser: TestClient, demo_database: Database
) -> None:
    opening = _session_id(demo_database, "OPENING")
    before = events(organiser.get(f"{EXPORT}/sessions/{opening}.ics").content)
    with demo_database.read() as db:
        published = db.get(PublishedSession, opening)
        assert published is not None
        stream_id = published.stream_id

    moved = post_form(
        organiser,
        f"/ogp2021/manage/sessions/{opening}/move",
        {"stream_id": str(stream_id), "start_time": "07:00", "day": "2021-12-17", "duration": ""},
    )
    published_now = post_form(organiser, "/ogp2021/manage/publish", {"comment": "Moved"})
    after = events(organiser.get(f"{EXPORT}/sessions/{opening}.ics").content)

    assert (moved.status_code, published_now.status_code) == (303, 303)
    assert list(after) == list(before)
    (uid,) = after
    assert start_of(after[uid]).isoformat() == "2021-12-17T07:00:00+09:00"
    assert after[uid].sequence > before[uid].sequence


def _new_feed(client: TestClient) -> str:
    response = post_form(client, "/ogp2021/agenda/calendar", {}, token_from="/ogp2021/agenda")
    assert response.status_code == 200
    text: str = response.text
    start = text.index("/ogp2021/schedule/export/agenda/")
    return text[start : text.index(".ics", start) + 4]


def test_a_delegate_feed_holds_what_they_follow_until_they_rotate_it(
    client: TestClient, demo_database: Database
) -> None:
    opening = _session_id(demo_database, "OPENING")
    sign_in(client, "delegate@example.org")
    choose_english(client)
    post_form(client, f"/ogp2021/sessions/{opening}/follow", {"follow": "1"})
    first = _new_feed(client)

    followed = events(client.get(first).content)
    client.cookies.clear()
    anonymous = client.get(first)
    sign_in(client, "delegate@example.org")
    choose_english(client)
    second = _new_feed(client)

    assert [event.url for event in followed.values()] == [
        f"http://127.0.0.1:8000/ogp2021/sessions/{opening}"
    ]
    assert anonymous.status_code == 200  # calendar apps cannot sign in
    assert "access-control-allow-origin" not in anonymous.headers
    assert second != first
    assert second not in client.get("/ogp2021/agenda").text  # shown once only
    assert "You made a calendar address on" in client.get("/ogp2021/agenda").text
    assert client.get(first).status_code == 404
    assert events(client.get(second).content).keys() == followed.keys()


def test_a_feed_secret_is_stored_only_as_its_hash(
    client: TestClient, demo_database: Database
) -> None:
    from summit.agenda.models import CalendarToken

    sign_in(client, "delegate@example.org")
    address = _new_feed(client)
    secret = address.rsplit("/", 1)[1].removesuffix(".ics")
    with demo_database.read() as db:
        stored = [row.token_hash for row in db.exec(select(CalendarToken))]

    assert len(stored) == 1
    assert secret not in stored[0]
    assert len(stored[0]) == 64


def test_the_programme_page_offers_every_public_export(client: TestClient) -> None:
    page = client.get("/ogp2021/programme?lang=fr").text
    section = page[page.index('id="exports-title"') :]

    assert "Exporter / s’abonner" in section
    for address in (
        f"{EXPORT}/schedule.ics",
        f"{EXPORT}/schedule.xml",
        f"{EXPORT}/schedule.json",
        f"{EXPORT}/streams/plenary.ics",
    ):
        assert f'{address}"' in section


@pytest.mark.anyio
async def test_requests_that_miss_the_cache_together_share_one_rendering() -> None:
    import anyio

    from summit.web.cache import Entry, ProgrammeCache

    cache = ProgrammeCache()
    renders: list[int] = []
    key = (1, 1, "export:test", "en", "", False)

    async def render() -> Entry:
        renders.append(1)
        await anyio.sleep(0.05)
        return (200, b"body", {})

    answers: list[bytes] = []

    async def ask() -> None:
        answers.append((await cache.render_once(key, render))[1])

    async with anyio.create_task_group() as group:
        for _ in range(5):
            group.start_soon(ask)
    again = await cache.render_once(key, render)

    assert (len(renders), answers, again[1]) == (1, [b"body"] * 5, b"body")


def test_a_calendar_time_the_clocks_make_ambiguous_is_written_in_utc() -> None:
    """02:30 happens twice in Paris on 31 October 2021; a TZID time would mean the first."""
    from zoneinfo import ZoneInfo

    from summit.agenda.exports.ical import _moment

    paris = ZoneInfo("Europe/Paris")
    second_half_past_two = datetime(2021, 10, 31, 1, 30, tzinfo=UTC)
    noon = datetime(2021, 10, 31, 11, 0, tzinfo=UTC)

    assert _moment(second_half_past_two, paris) == second_half_past_two
    assert _moment(second_half_past_two, paris).tzinfo is UTC
    assert _moment(noon, paris).tzinfo == paris
    assert _moment(noon, paris).hour == 12
