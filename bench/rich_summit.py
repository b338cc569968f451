"""A bench summit comparable to the pretalx rig's event: abstracts of about 600 characters,
two or three speakers per session with biographies, themes and delegations.

The pretalx rig (``/work/shared/rigs/pretalx``) seeds 300 talks over 3 days × 4 rooms, with an
abstract and a description (about 850 characters together) per talk and a biography of about
300 characters per speaker, 250 speakers. This builds the same shape through Summit's own
services, deterministically, with ``sessions`` sessions.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from summit.agenda.forms import (
    SessionInput,
    SessionPersonInput,
    StreamInput,
    SummitInput,
    TrackInput,
)
from summit.agenda.models import SessionKind, SessionRoleKind, Summit
from summit.agenda.publishing import publish
from summit.agenda.services import upsert_session, upsert_stream, upsert_summit, upsert_track
from summit.columns import utcnow
from summit.people.forms import DelegationInput, PersonInput
from summit.people.models import DelegationKind, DelegationRole
from summit.people.services import upsert_delegation, upsert_person
from summit.persistence import pk

TOPICS = [
    "open contracting",
    "beneficial ownership",
    "civic space",
    "digital public infrastructure",
    "participatory budgeting",
    "access to information",
    "anti-corruption",
    "gender equality",
    "climate and environment",
    "youth engagement",
    "regional development",
    "justice and the rule of law",
]
SENTENCES = [
    "Delegations share what they learned about {a} when their first action plan met reality.",
    "The session reviews commitments on {a} in national action plans and how civil society"
    " monitors them year after year.",
    "Speakers discuss the links between {a} and {b}, with examples from ministries, cities and"
    " regional councils.",
    "Participants will leave with practical tools for {b}, and with contacts to keep working"
    " on it after the summit.",
    "A digital platform for sharing good practices on {a} is presented, with its data model"
    " and what it cost to run.",
    "The panel asks what {a} changes for the people who use public services every day.",
    "Reformers explain how {a} survived a change of government, and what they would do"
    " differently.",
    "Case studies from three continents show where {b} helped and where it did not.",
]
ROLES = ["minister", "researcher", "civil servant", "activist", "journalist", "mayor"]
KINDS = list(SessionKind)


def _abstract(rng: random.Random) -> str:
    a, b = rng.sample(TOPICS, 2)
    return " ".join(sentence.format(a=a, b=b) for sentence in rng.sample(SENTENCES, 5))


def _bio(rng: random.Random, name: str) -> str:
    a, b = rng.sample(TOPICS, 2)
    return (
        f"{name} is a {rng.choice(ROLES)} working on {a} and {b}. "
        + " ".join(sentence.format(a=a, b=b) for sentence in rng.sample(SENTENCES, 2))
        + f" Previously spoke at {rng.randint(1, 12)} summits."
    )


def build(db: Session, *, slug: str = "bench", sessions: int = 300, seed: int = 2021) -> Summit:
    """A published summit of ``sessions`` sessions: 3 days × 4 streams up to 300, then 5 days
    with as many streams as it takes; 250 speakers per 300 sessions."""
    rng = random.Random(seed)
    days, streams = (3, 4) if sessions <= 300 else (5, max(4, sessions // 150))
    per_stream_day = -(-sessions // (days * streams))
    first_day = date(2021, 12, 15)
    summit = upsert_summit(
        db,
        data=SummitInput(
            slug=slug,
            name={"en": "Bench summit", "fr": "Sommet de mesure", "ar": "قمة القياس"},
            host={"en": "Example host"},
            start_date=first_day,
            end_date=first_day + timedelta(days=days - 1),
            timezone="Asia/Seoul",
        ),
    )
    themes = [
        pk(
            upsert_track(
                db,
                summit=summit,
                data=TrackInput(slug=f"theme-{index}", name={"en": topic.capitalize()}),
            )
        )
        for index, topic in enumerate(TOPICS[:6])
    ]
    delegations = [
        pk(
            upsert_delegation(
                db,
                summit=summit,
                data=DelegationInput(
                    slug=f"delegation-{index}",
                    name={"en": f"Delegation {index}"},
                    kind=DelegationKind.GOVERNMENT if index % 2 else DelegationKind.CIVIL_SOCIETY,
                    country_code=["KR", "MA", "NG", "KE", "ZA", "TN", "EE", "GB", "CI", "BF"][
                        index
                    ],
                ),
            )
        )
        for index in range(10)
    ]
    people = []
    for index in range(max(3, sessions * 250 // 300)):
        name = f"Person {index} Example"
        people.append(
            pk(
                upsert_person(
                    db,
                    summit=summit,
                    data=PersonInput(
                        slug=f"person-{index}",
                        full_name=name,
                        bio={"en": _bio(rng, name)},
                        delegation_id=delegations[index % len(delegations)],
                        delegation_role=DelegationRole.MEMBER,
                    ),
                )
            )
        )
    zone = ZoneInfo(summit.timezone)
    made = 0
    for stream_index in range(streams):
        stream = pk(
            upsert_stream(
                db,
                summit=summit,
                data=StreamInput(
                    slug=f"stream-{stream_index}", name={"en": f"Room {stream_index}"}
                ),
            )
        )
        for day in range(days):
            for slot in range(per_stream_day):
                if made == sessions:
                    break
                made += 1
                code = f"S{stream_index}-D{day}-N{slot}"
                starts = datetime.combine(
                    first_day + timedelta(days=day), datetime.min.time(), zone
                ) + timedelta(hours=8, minutes=30 * slot)
                speakers = rng.sample(people, rng.choice((2, 2, 3)))
                a, b = rng.sample(TOPICS, 2)
                upsert_session(
                    db,
                    summit=summit,
                    data=SessionInput(
                        code=code,
                        kind=KINDS[slot % len(KINDS)],
                        title={"en": f"{a.capitalize()} and {b}: session {code}"},
                        abstract={"en": _abstract(rng)},
                        starts_at=starts,
                        ends_at=starts + timedelta(minutes=25),
                        stream_id=stream,
                        track_id=rng.choice(themes),
                        languages=["en"],
                        is_published=True,
                        people=[
                            SessionPersonInput(
                                person_id=person,
                                role=SessionRoleKind.SPEAKER,
                            )
                            for person in speakers
                        ],
                    ),
                )
    publish(db, summit=summit, comment="Bench programme", now=utcnow())
    return summit
