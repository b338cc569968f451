"""Whatever the programme (odd titles, right-to-left text, many languages, sessions across
midnight and across changes of daylight saving time), both schedule exports stay valid and every
calendar parses back with the same sessions."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summit.agenda import queries
from summit.agenda.exports import frab, ical
from summit.agenda.forms import SessionInput, StreamInput, SummitInput, TrackInput
from summit.agenda.models import SessionKind, SessionStatus
from summit.agenda.publishing import publish
from summit.agenda.services import upsert_session, upsert_stream, upsert_summit, upsert_track
from summit.columns import utcnow
from summit.db import Database
from summit.persistence import pk
from tests.test_exports import assert_valid_json, assert_valid_xml

# Zones with daylight saving time (north and south, half-hour and 45-minute offsets), a day on
# which each changes its clocks, and zones without.
ZONES_AND_DAYS = [
    ("Europe/Paris", date(2021, 3, 27)),
    ("Europe/Paris", date(2021, 10, 30)),
    ("America/New_York", date(2021, 11, 6)),
    ("Australia/Sydney", date(2021, 4, 3)),
    ("Australia/Lord_Howe", date(2021, 10, 2)),
    ("Pacific/Chatham", date(2021, 4, 3)),
    ("America/St_Johns", date(2021, 3, 13)),
    ("Asia/Seoul", date(2021, 12, 15)),
    ("Asia/Kolkata", date(2021, 12, 15)),
    ("UTC", date(2021, 12, 31)),
]
HOSTILE = "<>&\"']]>\x01\x0b\x1f\ufffe\u202e\u200f\t\n"
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
        st.sampled_from(HOSTILE),
        st.sampled_from("مرحبا بالعالم שלום 안녕하세요 Ωμέγα"),
    ),
    min_size=1,
    max_size=60,
).filter(lambda text: text.strip() != "")
TITLES = st.dictionaries(st.sampled_from(["en", "fr", "ar"]), TEXT, min_size=1, max_size=3)
SESSION = st.fixed_dictionaries(
    {
        "title": TITLES,
        "abstract": st.dictionaries(st.sampled_from(["en", "fr", "ar"]), TEXT, max_size=2),
        "start_minutes": st.integers(min_value=0, max_value=3 * 24 * 12 - 1).map(lambda n: n * 5),
        "duration_minutes": st.integers(min_value=1, max_value=12 * 12).map(lambda n: n * 5),
        "stream": st.integers(min_value=0, max_value=2),
        "languages": st.lists(
            st.sampled_from(["en", "fr", "ar", "es", "ko", "he", "zh", "sw", "ru", "hi"]),
            max_size=4,
            unique=True,
        ),
        "status": st.sampled_from(
            [SessionStatus.SCHEDULED, SessionStatus.CANCELLED, SessionStatus.LATE]
        ),
        "kind": st.sampled_from(list(SessionKind)),
    }
)
PROGRAMME = st.fixed_dictionaries(
    {
        "zone_and_day": st.sampled_from(ZONES_AND_DAYS),
        "name": TITLES,
        "streams": st.lists(TITLES, min_size=1, max_size=3),
        "sessions": st.lists(SESSION, min_size=0, max_size=8),
    }
)
_slugs = itertools.count(1)


def _build(database: Database, spec: dict[str, Any]) -> queries.Programme:
    zone_name: str
    first_day: date
    zone_name, first_day = spec["zone_and_day"]
    zone = ZoneInfo(zone_name)
    with database.write() as db:
        summit = upsert_summit(
            db,
            data=SummitInput(
                slug=f"p-{next(_slugs)}",
                name=spec["name"],
                start_date=first_day,
                end_date=first_day + timedelta(days=2),
                timezone=zone_name,
            ),
        )
        track = upsert_track(
            db, summit=summit, data=TrackInput(slug="theme", name={"en": "Theme <&>"})
        )
        streams = [
            pk(upsert_stream(db, summit=summit, data=StreamInput(slug=f"s{index}", name=name)))
            for index, name in enumerate(spec["streams"])
        ]
        midnight = datetime.combine(first_day, time(0), zone)
        sessions: list[dict[str, Any]] = spec["sessions"]
        for index, session in enumerate(sessions):
            # Adding minutes in UTC counts real time across a change of clocks.
            starts = (
                midnight.astimezone(ZoneInfo("UTC")) + timedelta(minutes=session["start_minutes"])
            ).astimezone(zone)
            status = session["status"]
            upsert_session(
                db,
                summit=summit,
                data=SessionInput(
                    code=f"C{index}",
                    kind=session["kind"],
                    title=session["title"],
                    abstract=session["abstract"],
                    starts_at=starts,
                    # In UTC too: adding to a local time in the repeated hour loses its fold.
                    ends_at=(
                        starts.astimezone(ZoneInfo("UTC"))
                        + timedelta(minutes=session["duration_minutes"])
                    ).astimezone(zone),
                    stream_id=streams[session["stream"] % len(streams)],
                    track_id=pk(track) if index % 2 else None,
                    languages=session["languages"],
                    status=status,
                    delay_minutes=25 if status == SessionStatus.LATE else 0,
                    is_published=True,
                ),
            )
        if sessions:
            publish(db, summit=summit, comment="generated", now=utcnow())
        return queries.programme(db, summit=summit)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=PROGRAMME, language=st.sampled_from(["en", "fr", "ar"]))
def test_any_programme_exports_valid_xml_json_and_calendars(
    database: Database, spec: dict[str, Any], language: str
) -> None:
    programme = _build(database, spec)
    base_url = "https://summit.example.org"

    document = frab.schedule(programme, language=language, base_url=base_url)
    body = frab.schedule_json(document)
    xml = frab.schedule_xml(document, url=f"{base_url}/x/schedule/export/schedule.xml")
    calendar = icalendar.Calendar.from_ical(
        ical.calendar(
            programme.cards,
            summit=programme.summit,
            name="Ω <&> مرحبا",
            language=language,
            base_url=base_url,
            stamp=utcnow(),
        )
    )

    assert_valid_json(json.loads(body))
    assert_valid_xml(xml)
    events = {event.uid: event for event in calendar.events}
    exported = [
        event
        for day in document["schedule"]["conference"]["days"]
        for room in day["rooms"].values()
        for event in room
    ]
    assert sorted(events) == sorted(event["guid"] for event in exported)
    for card in programme.cards:
        event = next(e for e in exported if e["id"] == card.session.id)
        assert datetime.fromisoformat(event["date"]) == card.shown_start
        assert datetime.fromisoformat(event["end"]) == card.shown_end
        cancelled = card.session.status == SessionStatus.CANCELLED
        assert (events[event["guid"]].status == "CANCELLED") == cancelled
        # Compared in UTC: Python never calls a time in a repeated hour equal to one in
        # another zone (PEP 495).
        start, end = events[event["guid"]].start, events[event["guid"]].end
        assert isinstance(start, datetime) and isinstance(end, datetime)
        assert start.astimezone(UTC) == card.shown_start.astimezone(UTC)
        assert end.astimezone(UTC) == card.shown_end.astimezone(UTC)
