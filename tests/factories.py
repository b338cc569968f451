"""Builds summits of any size through the services, for tests and benchmarks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from summit.agenda.forms import (
    SessionInput,
    SessionPersonInput,
    StreamInput,
    SummitInput,
    TrackInput,
)
from summit.agenda.models import SessionKind, SessionRoleKind, Summit
from summit.agenda.publishing import publish as publish_programme
from summit.agenda.services import upsert_session, upsert_stream, upsert_summit, upsert_track
from summit.auth.api_tokens import ApiScope, issue_api_token
from summit.auth.models import Account
from summit.columns import utcnow
from summit.people.forms import DelegationInput, PersonInput
from summit.people.models import DelegationKind, DelegationRole
from summit.people.services import upsert_delegation, upsert_person
from summit.persistence import pk

KINDS = list(SessionKind)


def make_summit(
    db: Session,
    *,
    slug: str = "factory",
    days: int = 3,
    streams: int = 4,
    sessions_per_stream_per_day: int = 4,
    timezone: str = "Asia/Seoul",
    first_day: date = date(2021, 12, 15),
    speakers: int | None = None,
    publish: bool = True,
) -> Summit:
    """A published summit of ``days`` × ``streams`` × ``sessions_per_stream_per_day`` sessions,
    half an hour each, from 07:00; ``speakers`` people share them (one each by default)."""
    summit = upsert_summit(
        db,
        data=SummitInput(
            slug=slug,
            name={"en": f"Factory summit {slug}", "fr": f"Sommet {slug}"},
            host={"en": "Example host"},
            start_date=first_day,
            end_date=first_day + timedelta(days=days - 1),
            timezone=timezone,
        ),
    )
    track = upsert_track(
        db, summit=summit, data=TrackInput(slug="theme", name={"en": "A theme"}, color="#123456")
    )
    delegation = upsert_delegation(
        db,
        summit=summit,
        data=DelegationInput(
            slug="example",
            name={"en": "Example"},
            kind=DelegationKind.GOVERNMENT,
            country_code="KR",
        ),
    )
    zone = ZoneInfo(timezone)
    people: list[int] = []
    if speakers is not None:
        for index in range(speakers):
            people.append(
                pk(
                    upsert_person(
                        db,
                        summit=summit,
                        data=PersonInput(
                            slug=f"person-{index}",
                            full_name=f"Person {index} Example",
                            delegation_id=pk(delegation),
                            delegation_role=DelegationRole.MEMBER,
                        ),
                    )
                )
            )
    counter = 0
    for stream_index in range(streams):
        stream = upsert_stream(
            db,
            summit=summit,
            data=StreamInput(slug=f"stream-{stream_index}", name={"en": f"Room {stream_index}"}),
        )
        for day in range(days):
            for slot in range(sessions_per_stream_per_day):
                code = f"S{stream_index}-D{day}-N{slot}"
                if speakers is None:
                    person_id = pk(
                        upsert_person(
                            db,
                            summit=summit,
                            data=PersonInput(
                                slug=code.lower(),
                                full_name=f"Speaker {code} Example",
                                delegation_id=pk(delegation),
                                delegation_role=DelegationRole.MEMBER,
                            ),
                        )
                    )
                else:
                    person_id = people[counter % len(people)]
                counter += 1
                starts = datetime.combine(
                    first_day + timedelta(days=day), datetime.min.time(), zone
                ) + timedelta(hours=7, minutes=35 * slot)
                upsert_session(
                    db,
                    summit=summit,
                    data=SessionInput(
                        code=code,
                        kind=KINDS[slot % len(KINDS)],
                        title={"en": f"Session {code}", "ar": f"جلسة {code}"},
                        starts_at=starts,
                        ends_at=starts + timedelta(minutes=30),
                        stream_id=pk(stream),
                        track_id=pk(track),
                        is_published=True,
                        people=[
                            SessionPersonInput(person_id=person_id, role=SessionRoleKind.SPEAKER)
                        ],
                    ),
                )
    if publish:
        publish_programme(db, summit=summit, comment="Factory programme", now=utcnow())
    return summit


def organiser_api_token(db: Session, *, slug: str = "ogp2021", now: datetime) -> str:
    """A token of the demo's organiser for the summit ``slug``, with every scope."""
    summit = db.exec(select(Summit).where(Summit.slug == slug)).one()
    account = db.exec(select(Account).where(Account.email == "organiser@example.org")).one()
    return issue_api_token(
        db, summit=summit, account=account, name="tests", scopes=list(ApiScope), now=now
    ).token
