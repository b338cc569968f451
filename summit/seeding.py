"""Loads a summit from a folder of TOML files, through the same services the app uses.

Loading twice leaves the same rows: every record has a natural key (slug, code, e-mail) and
the services only write what differs. Times in the files are local to the summit's zone.

Loaded at a moment (``now``), the summit is brought to it as it would stand then: sessions over
by then have ended, those under way are live, the rest scheduled; the award's places are
published if its ceremony is over, and otherwise wait to be revealed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from summit.agenda.forms import (
    SessionInput,
    SessionPersonInput,
    StreamInput,
    SummitInput,
    TrackInput,
)
from summit.agenda.lifecycle import set_status
from summit.agenda.models import ProgrammeSession, SessionStatus, Summit
from summit.agenda.players import DEFAULT_PLAYERS, PlayerPolicy
from summit.agenda.publishing import pending_changes, publish
from summit.agenda.services import upsert_session, upsert_stream, upsert_summit, upsert_track
from summit.auth.forms import AccountInput, RoleInput
from summit.auth.models import Account
from summit.auth.passwords import verify_password
from summit.auth.services import grant_role, upsert_account
from summit.award_seed import Refs, load_award
from summit.bodies.seed import load_bodies
from summit.columns import utcnow
from summit.eventlog import record
from summit.people.forms import DelegationInput, PersonInput
from summit.people.services import upsert_delegation, upsert_person
from summit.persistence import pk
from summit.practices.seed import load_practices
from summit.seedfiles import SeedError, aware, call, read, ref, validate

DEMO_PASSWORD = "summit-demo-2021"  # noqa: S105 - documented demo credential, refused in production

SUMMIT_SECTIONS = {"themes", "streams", "demo_now"}
"""The parts of ``summit.toml`` that are not the summit's own fields."""


@dataclass
class SeedReport:
    summit_slug: str
    counts: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str]] = field(default_factory=list)
    """(e-mail, roles) of the demo accounts."""


def demo_moment(folder: Path, *, given: datetime | None = None) -> datetime:
    """Where a demo of this summit starts its clock: ``given`` (a time without an offset is
    the summit's local time), or else ``demo_now`` in ``summit.toml``."""
    raw = read(folder / "summit.toml")
    if given is None and "demo_now" not in raw:
        raise SeedError("summit.toml: no demo_now (the moment a demo starts at)")
    return aware(given or raw["demo_now"], ZoneInfo(raw["timezone"]))


def load_summit(
    db: Session,
    folder: Path,
    *,
    with_demo_accounts: bool = True,
    now: datetime | None = None,
    players: PlayerPolicy = DEFAULT_PLAYERS,
) -> SeedReport:
    """Create or update the summit described in ``folder``, brought to the moment ``now``
    when one is given; without it, live statuses and the award's publication stay as they are
    (a first load: every session scheduled, the places neither revealed nor published)."""
    summit_file = read(folder / "summit.toml")
    zone = ZoneInfo(summit_file["timezone"])
    summit = call("summit.toml", _load_summit, db=db, raw=summit_file)
    report = SeedReport(summit_slug=summit.slug)

    tracks = {}
    for index, raw in enumerate(summit_file.get("themes", [])):
        track_data = validate("summit.toml themes", TrackInput, {**raw, "position": index})
        tracks[track_data.slug] = upsert_track(db, summit=summit, data=track_data).id
    streams = {}
    for index, raw in enumerate(summit_file.get("streams", [])):
        stream_data = validate("summit.toml streams", StreamInput, {**raw, "position": index})
        streams[stream_data.slug] = upsert_stream(db, summit=summit, data=stream_data).id

    delegations = {}
    for raw in read(folder / "delegations.toml").get("delegations", []):
        delegation_data = validate("delegations.toml", DelegationInput, raw)
        delegations[delegation_data.slug] = upsert_delegation(
            db, summit=summit, data=delegation_data
        ).id

    people = {}
    for raw in read(folder / "people.toml").get("people", []):
        values = dict(raw)
        if "delegation" in values:
            values["delegation_id"] = ref("people.toml", delegations, values.pop("delegation"))
        person_data = validate("people.toml", PersonInput, values)
        people[person_data.slug] = call(
            f"people.toml {person_data.slug}", upsert_person, db=db, summit=summit, data=person_data
        ).id

    sessions: dict[str, ProgrammeSession] = {}
    for raw in read(folder / "sessions.toml").get("sessions", []):
        where = f"sessions.toml {raw.get('code')}"
        values = dict(raw)
        values["starts_at"] = aware(values.pop("starts"), zone)
        values["ends_at"] = aware(values.pop("ends"), zone)
        values["stream_id"] = ref(where, streams, values.pop("stream"))
        if "theme" in values:
            values["track_id"] = ref(where, tracks, values.pop("theme"))
        values["people"] = [
            SessionPersonInput(person_id=ref(where, people, entry["person"]), role=entry["role"])
            for entry in values.get("people", [])
        ]
        values.setdefault("is_published", True)
        # The live status is the day's (set below, or by organisers), not the files'.
        if "status" not in values:
            values.update(_live_status(db, summit=summit, code=values.get("code")))
        session_data = validate(where, SessionInput, values)
        sessions[session_data.code] = call(
            where, upsert_session, db=db, summit=summit, data=session_data, players=players
        )

    seats = 0
    bodies_path = folder / "bodies.toml"
    if bodies_path.exists():
        seats = load_bodies(db, summit=summit, raw=read(bodies_path), delegations=delegations)
    practices = 0
    practices_path = folder / "practices.toml"
    if practices_path.exists():
        practices = load_practices(
            db,
            summit=summit,
            raw=read(practices_path),
            zone=zone,
            delegations=delegations,
            tracks=tracks,
        )

    if pending_changes(db, summit=summit):
        publish(
            db, summit=summit, comment="Programme loaded from the seed files", now=now or utcnow()
        )
    if now is not None:
        _bring_sessions_to(db, summit=summit, sessions=list(sessions.values()), now=now)

    accounts: dict[str, Account] = {}
    if with_demo_accounts:
        for raw in read(folder / "accounts.toml").get("accounts", []):
            where = f"accounts.toml {raw.get('email')}"
            values = {key: value for key, value in raw.items() if key != "roles"}
            account = upsert_account(
                db, data=validate(where, AccountInput, {**values, "password": DEMO_PASSWORD})
            )
            roles = []
            for role in raw.get("roles", []):
                role_values = dict(role)
                if "delegation" in role_values:
                    role_values["delegation_id"] = ref(
                        where, delegations, role_values.pop("delegation")
                    )
                if "person" in role_values:
                    role_values["person_id"] = ref(where, people, role_values.pop("person"))
                role_data = validate(where, RoleInput, role_values)
                call(where, grant_role, db=db, summit=summit, account=account, data=role_data)
                roles.append(role_data.role.value)
            accounts[account.email] = account
            report.accounts.append((account.email, ", ".join(roles)))

    scoresheets = 0
    award_path = folder / "award.toml"
    if award_path.exists():
        refs = Refs(
            delegations=delegations,
            sessions={code: session.id for code, session in sessions.items()},
            accounts=accounts,
        )
        scoresheets = load_award(
            db, summit=summit, raw=read(award_path), zone=zone, refs=refs, now=now
        )

    report.counts = {
        "themes": len(tracks),
        "streams": len(streams),
        "delegations": len(delegations),
        "people": len(people),
        "sessions": len(sessions),
        "accounts": len(accounts),
        "scoresheets": scoresheets,
        "seats": seats,
        "practices": practices,
    }
    return report


def _bring_sessions_to(
    db: Session, *, summit: Summit, sessions: list[ProgrammeSession], now: datetime
) -> None:
    """Each published session's live status as an organiser would have set it by ``now``:
    ended at its end, live from its start; the changes are recorded at those times, in order."""
    changes: list[tuple[datetime, ProgrammeSession, SessionStatus]] = []
    for session in sessions:
        if not session.is_published or session.starts_at is None or session.ends_at is None:
            continue
        if session.ends_at <= now:
            changes.append((session.ends_at, session, SessionStatus.ENDED))
        elif session.starts_at <= now:
            changes.append((session.starts_at, session, SessionStatus.LIVE))
        else:
            changes.append((now, session, SessionStatus.SCHEDULED))
    for moment, session, status in sorted(changes, key=lambda change: change[0]):
        events = set_status(db, summit=summit, session_id=pk(session), status=status)
        record(db, events, at=moment)


def _live_status(db: Session, *, summit: Summit, code: object) -> dict[str, object]:
    found = db.exec(
        select(ProgrammeSession).where(
            ProgrammeSession.summit_id == summit.id, ProgrammeSession.code == code
        )
    ).first()
    if found is None:
        return {}
    return {"status": found.status, "delay_minutes": found.delay_minutes}


def enabled_demo_accounts(db: Session, folder: Path) -> list[str]:
    """The e-mail addresses of ``folder``'s demo accounts that are enabled and still sign in
    with the published ``DEMO_PASSWORD`` (production refuses to serve them)."""
    emails = [
        str(raw.get("email", "")).strip().lower()
        for raw in read(folder / "accounts.toml").get("accounts", [])
    ]
    accounts = db.exec(
        select(Account).where(col(Account.email).in_(emails), col(Account.is_active))
    ).all()
    return sorted(
        account.email
        for account in accounts
        if verify_password(DEMO_PASSWORD, account.password_hash)
    )


def _load_summit(*, db: Session, raw: dict[str, object]) -> Summit:
    values = {key: value for key, value in raw.items() if key not in SUMMIT_SECTIONS}
    return upsert_summit(db, data=validate("summit.toml", SummitInput, values))
