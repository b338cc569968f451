"""Calendars (RFC 5545) of published sessions, made with the ``icalendar`` library.

Each session is one VEVENT whose UID is the session's guid (the one the schedule exports use),
so a calendar app updates the event it has instead of adding a second one. SEQUENCE is the
session's revision, which rises with every change a delegate can see; a cancelled session
stays, as STATUS:CANCELLED, so that subscribers see it go rather than silently vanish. Times
are in the summit's zone (TZID, with its VTIMEZONE), shifted when a session runs late; a
local time that the clocks going back make ambiguous is written in UTC instead.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from icalendar.prop import vUri

from summit.agenda.exports.frab import localized, room_links
from summit.agenda.exports.ids import clean_text, session_guid
from summit.agenda.models import SessionStatus, Summit
from summit.agenda.queries import SessionCard
from summit.i18n.viewer import Viewer, viewing_as

PRODID = "-//Summit//Programme//EN"
REFRESH = timedelta(minutes=15)
"""How often subscribers are asked to fetch again (calendar apps may poll less often)."""


def calendar(
    cards: list[SessionCard],
    *,
    summit: Summit,
    name: str,
    language: str,
    base_url: str,
    stamp: datetime,
) -> bytes:
    """One calendar of ``cards``; ``stamp`` is when the programme last changed (DTSTAMP), so
    the same programme always gives the same bytes."""
    zone = ZoneInfo(summit.timezone)
    document = Calendar()
    document.add("prodid", PRODID)
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    document.add("method", "PUBLISH")
    document.add("x-wr-calname", clean_text(name))
    document.add("x-wr-timezone", summit.timezone)
    document.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    document.add("x-published-ttl", "PT15M")
    # The players' titles are in the calendar's language.
    with viewing_as(Viewer(language=language, timezone=summit.timezone)):
        for card in cards:
            document.add_component(
                _event(
                    card,
                    summit=summit,
                    zone=zone,
                    language=language,
                    base_url=base_url,
                    stamp=stamp,
                )
            )
    document.add_missing_timezones()
    body: bytes = document.to_ical()
    return body


def _event(
    card: SessionCard,
    *,
    summit: Summit,
    zone: ZoneInfo,
    language: str,
    base_url: str,
    stamp: datetime,
) -> Event:
    session = card.session
    fallback = summit.default_language
    url = f"{base_url}/{summit.slug}/sessions/{session.id}"
    people = ", ".join(clean_text(person.full_name) for _, person in card.people)
    abstract = localized(session.abstract, language, fallback)
    description = "\n\n".join(part for part in (people, abstract, url) if part)
    event = Event()
    event.add("uid", f"{session_guid(summit.slug, session.code)}")
    event.add("dtstamp", stamp)
    event.add("sequence", session.revision)
    event.add("dtstart", _moment(card.shown_start, zone))
    event.add("dtend", _moment(card.shown_end, zone))
    event.add("summary", localized(session.title, language, fallback) or session.code)
    event.add("description", description)
    event.add("url", url)
    # Each player as an RFC 7986 CONFERENCE: calendar apps offer to join it.
    for title, address in room_links(session):
        event.add(
            "conference",
            vUri(address),
            parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": title},
        )
    if card.stream is not None:
        event.add("location", localized(card.stream.name, language, fallback))
    if card.track is not None:
        event.add("categories", [localized(card.track.name, language, fallback)])
    cancelled = session.status == SessionStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


def _moment(moment: datetime, zone: ZoneInfo) -> datetime:
    """The summit's local time (TZID), or UTC where the local time names two moments.

    When the clocks go back, a local time such as 02:30 happens twice, and RFC 5545 reads a
    TZID time as the first of them: a session at the second would be shown an hour early.
    """
    local = moment.astimezone(zone)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return moment.astimezone(UTC)
    return local
