"""The published programme in the frab schedule format (XML and JSON), as pretalx exports it
and as schedule apps (Giggity, EventFahrplan, info-beamer, the C3VOC tools) read it.

One description of the schedule is built first (``schedule``, the JSON document), and the XML
is written from it, so the two never disagree. Days are the summit's local days; a session
belongs to the day it starts on, and a day ends when its last session does (sessions may run
past midnight). Times are the ones delegates should expect: a session running late shows its
shifted times. A cancelled session stays, with "Cancelled" as its subtitle, because the
formats have no status field.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 - we write XML, never parse it
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from functools import cache, partial
from importlib.metadata import version as package_version
from typing import Any
from zoneinfo import ZoneInfo

from summit.agenda.exports.ids import (
    acronym,
    clean_text,
    event_slug,
    person_guid,
    session_guid,
    stream_guid,
)
from summit.agenda.models import PublishedSession, SessionStatus, Summit
from summit.agenda.queries import Programme, SessionCard, summit_days
from summit.i18n.formatting import language_name
from summit.i18n.viewer import Viewer, gettext, ngettext, viewing_as
from summit.people.models import Person

SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
TIMESLOT = "00:05"
# The JSON schema's pattern for zone names (it is not anchored at both ends on purpose).
_ZONE_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")
# pretalx's codes: six capitals and digits, which readers of the format may take for one of
# pretalx's own. Summit's longer codes (OPENING) are not written.
_CODE = re.compile(r"[A-Z0-9]{6}")
_XML_SLUG = re.compile(r"^[a-z][a-z0-9-]+$")


@cache
def generator_version() -> str:
    return package_version("summit")


def localized(texts: dict[str, str], language: str, fallback: str) -> str:
    """The text in ``language``, else the summit's language, else English, else any."""
    for key in (language, fallback, "en"):
        if texts.get(key):
            return clean_text(texts[key])
    return clean_text(next((value for value in texts.values() if value), ""))


def _hours(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _subtitle(card: SessionCard) -> str:
    if card.session.status == SessionStatus.CANCELLED:
        return gettext("Cancelled")
    if card.session.status == SessionStatus.LATE:
        minutes = card.session.delay_minutes
        return ngettext("Running %(num)d minute late", "Running %(num)d minutes late", minutes) % {
            "num": minutes
        }
    return ""


def _rooms(programme: Programme, language: str) -> dict[int | None, tuple[str, str, str]]:
    """Each stream's (name, slug, guid); names are made unique, since the JSON keys rooms by
    name."""
    summit = programme.summit
    rooms: dict[int | None, tuple[str, str, str]] = {}
    taken: set[str] = set()
    for stream in programme.streams:
        name = localized(stream.name, language, summit.default_language) or stream.slug
        if name in taken:
            name = f"{name} ({stream.slug})"
        taken.add(name)
        rooms[stream.id] = (name, stream.slug, str(stream_guid(summit.slug, stream.slug)))
    if any(card.stream is None for card in programme.cards):
        name = gettext("Online")
        while name in taken:
            name += " "
        rooms[None] = (name, "online", str(stream_guid(summit.slug, None)))
    return rooms


def _event(
    card: SessionCard,
    *,
    programme: Programme,
    room: str,
    zone: ZoneInfo,
    language: str,
    base_url: str,
    persons: dict[int | None, dict[str, Any]],
) -> dict[str, Any]:
    summit = programme.summit
    # Read once: each attribute of a database row is a descriptor call, and this runs for
    # every session of every export.
    slug, fallback = summit.slug, summit.default_language
    session = card.session
    session_id, code, people = session.id, session.code, card.people
    for _role, person in people:
        if person.id not in persons:  # each speaker written once, whatever their sessions
            persons[person.id] = _person(person, summit, language, base_url)
    shown_start, shown_end = card.shown_start, card.shown_end
    start = shown_start.astimezone(zone)
    abstract = localized(session.abstract, language, fallback)
    languages = session.languages
    event: dict[str, Any] = {
        "guid": str(session_guid(slug, code)),
        "id": session_id,
        "date": start.isoformat(),
        "start": start.strftime("%H:%M"),
        "end": shown_end.astimezone(zone).isoformat(),
        "duration": _hours(shown_end - shown_start),
        "room": room,
        "slug": event_slug(slug, session_id, code),
        "url": f"{base_url}/{slug}/sessions/{session_id}",
        "title": localized(session.title, language, fallback),
        "subtitle": _subtitle(card),
        "track": localized(card.track.name, language, fallback) if card.track else None,
        "type": str(session.kind),
        "language": languages[0] if languages else fallback,
        "abstract": abstract,
        "description": abstract,
        "do_not_record": False,
        "persons": [{**persons[person.id], "role": role} for role, person in people],
        "links": [
            {"type": "media", "url": url, "title": title} for title, url in room_links(session)
        ],
        "attachments": [],
    }
    if _CODE.fullmatch(code):
        event["code"] = code
    return event


def _person(person: Person, summit: Summit, language: str, base_url: str) -> dict[str, Any]:
    return {
        "name": clean_text(person.full_name),
        "public_name": clean_text(person.full_name),
        "guid": str(person_guid(summit.slug, person.slug)),
        "url": f"{base_url}/{summit.slug}/speakers/{person.slug}",
        "biography": localized(person.bio, language, summit.default_language) or None,
    }


def room_links(session: PublishedSession) -> list[tuple[str, str]]:
    """(title, address) of the session's players in the viewer's language: each channel, the
    recording, the live captions."""
    links = [
        (gettext("Floor (original sound)") if name == "floor" else language_name(name), url)
        for name, url in session.channels.items()
    ]
    if session.recording_url:
        links.append((gettext("Recording"), session.recording_url))
    if session.captions_url:
        links.append((gettext("Live captions"), session.captions_url))
    return links


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone)


def schedule(programme: Programme, *, language: str, base_url: str) -> dict[str, Any]:
    """The schedule as the C3VOC JSON schema describes it."""
    summit = programme.summit
    zone = ZoneInfo(summit.timezone)
    slug, fallback = summit.slug, summit.default_language
    with viewing_as(Viewer(language=language, timezone=summit.timezone)):
        rooms = _rooms(programme, language)
        persons: dict[int | None, dict[str, Any]] = {}
        # Each card's day, room and shown times, read once.
        by_day: dict[date, list[tuple[datetime, datetime, int | None, SessionCard]]] = defaultdict(
            list
        )
        for card in programme.cards:
            starts, ends = card.shown_start, card.shown_end
            by_day[starts.astimezone(zone).date()].append(
                (starts, ends, card.session.stream_id, card)
            )
        days = []
        for index, day in enumerate(sorted(set(summit_days(summit)) | set(by_day)), start=1):
            cards = by_day.get(day, [])
            day_start = min([_midnight(day, zone), *(starts for starts, _, _, _ in cards)])
            day_end = max([_midnight(day + timedelta(days=1), zone), *(e for _, e, _, _ in cards)])
            in_rooms: dict[int | None, list[tuple[datetime, datetime, int | None, SessionCard]]]
            in_rooms = defaultdict(list)
            for entry in cards:
                in_rooms[entry[2]].append(entry)
            events: dict[str, list[dict[str, Any]]] = {}
            for room_id, (name, _slug, _guid) in rooms.items():
                in_room = in_rooms.get(room_id, [])
                if in_room or room_id is not None:
                    events[name] = [
                        # Made once per card, export and status: after a publication, only
                        # the sessions it changed (summit/web/cache.py). Read, never changed.
                        card.remembered(
                            ("frab", language, base_url, name, slug, fallback, summit.timezone),
                            partial(
                                _event,
                                card,
                                programme=programme,
                                room=name,
                                zone=zone,
                                language=language,
                                base_url=base_url,
                                persons=persons,
                            ),
                        )
                        # Stable, as before: sessions starting together keep programme order.
                        for _, _, _, card in sorted(in_room, key=lambda entry: entry[0])
                    ]
            days.append(
                {
                    "index": index,
                    "date": day.isoformat(),
                    "day_start": day_start.astimezone(zone).isoformat(),
                    "day_end": day_end.astimezone(zone).isoformat(),
                    "rooms": events,
                }
            )
    conference: dict[str, Any] = {
        "acronym": acronym(summit.slug),
        "title": localized(summit.name, language, summit.default_language) or summit.slug,
        "start": summit.start_date.isoformat(),
        "end": summit.end_date.isoformat(),
        "daysCount": len(days),
        "timeslot_duration": TIMESLOT,
        "url": f"{base_url}/{summit.slug}/",
        "tracks": [
            {
                "name": localized(track.name, language, summit.default_language) or track.slug,
                "slug": track.slug,
                "color": track.color,
            }
            for track in programme.tracks
        ],
        "rooms": [
            {"name": name, "slug": slug, "guid": guid, "type": "online"}
            for name, slug, guid in rooms.values()
        ],
        "days": days,
    }
    if _ZONE_NAME.search(summit.timezone):
        conference["time_zone_name"] = summit.timezone
    return {
        "$schema": SCHEMA_URL,
        "generator": {"name": "summit", "version": generator_version()},
        "schedule": {
            "version": f"{programme.version}.{summit.programme_stamp}",
            "base_url": f"{base_url}/",
            "conference": conference,
        },
    }


def schedule_json(document: dict[str, Any]) -> bytes:
    # Compact: indenting sends json to its pure-Python encoder, three times slower (and the
    # answer 15% larger) for a document that programs read.
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _child(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def schedule_xml(document: dict[str, Any], *, url: str) -> bytes:
    """The same schedule as frab XML (``schedule.xml.xsd``)."""
    data = document["schedule"]
    conference = data["conference"]
    root = ET.Element("schedule")
    _child(root, "generator", name="summit", version=document["generator"]["version"])
    _child(root, "url", url)
    _child(root, "version", data["version"])
    head = _child(root, "conference")
    _child(head, "acronym", conference["acronym"])
    _child(head, "title", conference["title"])
    _child(head, "start", conference["start"])
    _child(head, "end", conference["end"])
    _child(head, "days", str(conference["daysCount"]))
    _child(head, "timeslot_duration", conference["timeslot_duration"])
    _child(head, "base_url", data["base_url"])
    _child(head, "url", conference["url"])
    if "time_zone_name" in conference:
        _child(head, "time_zone_name", conference["time_zone_name"])
    for track in conference["tracks"]:
        extra = {"slug": track["slug"]} if _XML_SLUG.match(track["slug"]) else {}
        _child(head, "track", track["name"], name=track["name"], color=track["color"], **extra)
    guids = {room["name"]: room["guid"] for room in conference["rooms"]}
    for day in conference["days"]:
        day_element = _child(
            root,
            "day",
            index=str(day["index"]),
            date=day["date"],
            start=day["day_start"],
            end=day["day_end"],
        )
        for room, events in day["rooms"].items():
            room_element = _child(day_element, "room", name=room, guid=guids[room])
            for event in events:
                _event_xml(room_element, event)
    ET.indent(root, space=" ")
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def _event_xml(parent: ET.Element, event: dict[str, Any]) -> None:
    element = _child(parent, "event", id=str(event["id"]), guid=event["guid"])
    for tag in ("room", "title", "subtitle", "type", "date", "start", "duration", "abstract"):
        _child(element, tag, event[tag])
    _child(element, "slug", event["slug"])
    _child(element, "track", event["track"] or "")
    _child(element, "language", event["language"])
    _child(element, "description", event["description"])
    persons = _child(element, "persons")
    for person in event["persons"]:
        _child(persons, "person", person["name"], guid=person["guid"])
    links = _child(element, "links")
    for link in event["links"]:
        _child(links, "link", link["title"], href=link["url"], type=link["type"])
    _child(element, "attachments")
    _child(element, "url", event["url"])
