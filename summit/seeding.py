"""Loads a summit from a folder of TOML files, through the same services the app uses.

Loading twice leaves the same rows: every record has a natural key (slug, code, e-mail) and
the services only write what differs. Times in the files are local to the summit's zone.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError
from sqlmodel import Session, col, select

from summit.agenda.forms import (
    SessionInput,
    SessionPersonInput,
    StreamInput,
    SummitInput,
    TrackInput,
)
from summit.agenda.models import ProgrammeSession, Summit
from summit.agenda.publishing import pending_changes, publish
from summit.agenda.services import upsert_session, upsert_stream, upsert_summit, upsert_track
from summit.auth.forms import AccountInput, RoleInput
from summit.auth.models import Account
from summit.auth.passwords import verify_password
from summit.auth.services import grant_role, upsert_account
from summit.awards.forms import (
    AwardInput,
    CriterionInput,
    ResultInput,
    RoundInput,
    SubmissionInput,
)
from summit.awards.services import (
    add_juror,
    set_results,
    upsert_award,
    upsert_criterion,
    upsert_round,
    upsert_submission,
)
from summit.columns import utcnow
from summit.errors import DomainError
from summit.people.forms import DelegationInput, PersonInput
from summit.people.services import upsert_delegation, upsert_person

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

DEMO_PASSWORD = "summit-demo-2021"  # noqa: S105 - documented demo credential, refused in production


class SeedError(Exception):
    """The seed files are wrong; says which file and record."""


@dataclass
class SeedReport:
    summit_slug: str
    counts: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str]] = field(default_factory=list)
    """(e-mail, roles) of the demo accounts."""


def load_summit(db: Session, folder: Path, *, with_demo_accounts: bool = True) -> SeedReport:
    """Create or update the summit described in ``folder``."""
    summit_file = _read(folder / "summit.toml")
    zone = ZoneInfo(summit_file["timezone"])
    summit = _call("summit.toml", _load_summit, db=db, raw=summit_file)
    report = SeedReport(summit_slug=summit.slug)

    tracks = {}
    for index, raw in enumerate(summit_file.get("themes", [])):
        track_data = _validate("summit.toml themes", TrackInput, {**raw, "position": index})
        tracks[track_data.slug] = upsert_track(db, summit=summit, data=track_data).id
    streams = {}
    for index, raw in enumerate(summit_file.get("streams", [])):
        stream_data = _validate("summit.toml streams", StreamInput, {**raw, "position": index})
        streams[stream_data.slug] = upsert_stream(db, summit=summit, data=stream_data).id

    delegations = {}
    for raw in _read(folder / "delegations.toml").get("delegations", []):
        delegation_data = _validate("delegations.toml", DelegationInput, raw)
        delegations[delegation_data.slug] = upsert_delegation(
            db, summit=summit, data=delegation_data
        ).id

    people = {}
    for raw in _read(folder / "people.toml").get("people", []):
        values = dict(raw)
        if "delegation" in values:
            values["delegation_id"] = _ref("people.toml", delegations, values.pop("delegation"))
        person_data = _validate("people.toml", PersonInput, values)
        people[person_data.slug] = _call(
            f"people.toml {person_data.slug}", upsert_person, db=db, summit=summit, data=person_data
        ).id

    sessions = {}
    for raw in _read(folder / "sessions.toml").get("sessions", []):
        where = f"sessions.toml {raw.get('code')}"
        values = dict(raw)
        values["starts_at"] = _aware(values.pop("starts"), zone)
        values["ends_at"] = _aware(values.pop("ends"), zone)
        values["stream_id"] = _ref(where, streams, values.pop("stream"))
        if "theme" in values:
            values["track_id"] = _ref(where, tracks, values.pop("theme"))
        values["people"] = [
            SessionPersonInput(person_id=_ref(where, people, entry["person"]), role=entry["role"])
            for entry in values.get("people", [])
        ]
        values.setdefault("is_published", True)
        session_data = _validate(where, SessionInput, values)
        sessions[session_data.code] = _call(
            where, upsert_session, db=db, summit=summit, data=session_data
        ).id

    if pending_changes(db, summit=summit):
        publish(db, summit=summit, comment="Programme loaded from the seed files", now=utcnow())

    accounts: dict[str, Account] = {}
    if with_demo_accounts:
        for raw in _read(folder / "accounts.toml").get("accounts", []):
            where = f"accounts.toml {raw.get('email')}"
            values = {key: value for key, value in raw.items() if key != "roles"}
            account = upsert_account(
                db, data=_validate(where, AccountInput, {**values, "password": DEMO_PASSWORD})
            )
            roles = []
            for role in raw.get("roles", []):
                role_values = dict(role)
                if "delegation" in role_values:
                    role_values["delegation_id"] = _ref(
                        where, delegations, role_values.pop("delegation")
                    )
                if "person" in role_values:
                    role_values["person_id"] = _ref(where, people, role_values.pop("person"))
                role_data = _validate(where, RoleInput, role_values)
                _call(where, grant_role, db=db, summit=summit, account=account, data=role_data)
                roles.append(role_data.role.value)
            accounts[account.email] = account
            report.accounts.append((account.email, ", ".join(roles)))

    award_path = folder / "award.toml"
    if award_path.exists():
        _load_award(
            db,
            summit=summit,
            raw=_read(award_path),
            zone=zone,
            refs=_Refs(delegations=delegations, sessions=sessions, accounts=accounts),
        )

    report.counts = {
        "themes": len(tracks),
        "streams": len(streams),
        "delegations": len(delegations),
        "people": len(people),
        "sessions": len(sessions),
        "accounts": len(accounts),
    }
    return report


@dataclass
class _Refs:
    delegations: dict[str, int | None]
    sessions: dict[str, int | None]
    accounts: dict[str, Account]


def _load_summit(*, db: Session, raw: dict[str, Any]) -> Summit:
    values = {key: value for key, value in raw.items() if key not in {"themes", "streams"}}
    return upsert_summit(db, data=_validate("summit.toml", SummitInput, values))


def _load_award(
    db: Session, *, summit: Summit, raw: dict[str, Any], zone: ZoneInfo, refs: _Refs
) -> None:
    values = {
        key: value
        for key, value in raw.items()
        if key not in {"criteria", "rounds", "submissions", "jurors", "results"}
    }
    for key in ("opens_at", "closes_at", "scoring_closes_at"):
        values[key] = _aware(values[key], zone)
    if "ceremony_session" in values:
        values["ceremony_session_id"] = _ref(
            "award.toml", refs.sessions, values.pop("ceremony_session")
        )
    publish = values.pop("results_published", False)
    award_data = _validate("award.toml", AwardInput, values)
    award = _call("award.toml", upsert_award, db=db, summit=summit, data=award_data)

    for index, criterion in enumerate(raw.get("criteria", [])):
        upsert_criterion(
            db,
            award=award,
            data=_validate("award.toml criteria", CriterionInput, {**criterion, "position": index}),
        )
    for round_ in raw.get("rounds", []):
        upsert_round(db, award=award, data=_validate("award.toml rounds", RoundInput, round_))

    submissions = {}
    for entry in raw.get("submissions", []):
        where = f"award.toml submission {entry.get('code')}"
        entry_values = dict(entry)
        if "delegation" in entry_values:
            entry_values["delegation_id"] = _ref(
                where, refs.delegations, entry_values.pop("delegation")
            )
        submission_data = _validate(where, SubmissionInput, entry_values)
        submission = _call(
            where,
            upsert_submission,
            db=db,
            award=award,
            data=submission_data,
            submitted_at=award.closes_at,
        )
        submissions[submission.code] = submission.id

    for juror in raw.get("jurors", []):
        where = f"award.toml juror {juror.get('email')}"
        account = refs.accounts.get(juror["email"])
        if account is None:
            if refs.accounts:
                raise SeedError(f"{where}: no such account in accounts.toml")
            continue  # demo accounts were not loaded
        _call(
            where,
            add_juror,
            db=db,
            award=award,
            account=account,
            is_chair=juror.get("chair", False),
        )

    results = [
        _validate(
            "award.toml results",
            ResultInput,
            {
                "submission_id": _ref("award.toml results", submissions, entry["submission"]),
                "place": entry.get("place"),
                "is_mention": entry.get("mention", False),
                "reason": entry.get("reason", ""),
            },
        )
        for entry in raw.get("results", [])
    ]
    published_at = None
    if publish:
        ceremony = award.ceremony_session_id
        published_at = _ceremony_end(db, ceremony) if ceremony else award.scoring_closes_at
    _call(
        "award.toml results",
        set_results,
        db=db,
        award=award,
        results=results,
        published_at=published_at,
    )


def enabled_demo_accounts(db: Session, folder: Path) -> list[str]:
    """The e-mail addresses of ``folder``'s demo accounts that are enabled and still sign in
    with the published ``DEMO_PASSWORD`` (production refuses to serve them)."""
    emails = [
        str(raw.get("email", "")).strip().lower()
        for raw in _read(folder / "accounts.toml").get("accounts", [])
    ]
    accounts = db.exec(
        select(Account).where(col(Account.email).in_(emails), col(Account.is_active))
    ).all()
    return sorted(
        account.email
        for account in accounts
        if verify_password(DEMO_PASSWORD, account.password_hash)
    )


def _ceremony_end(db: Session, session_id: int) -> datetime | None:
    session = db.get(ProgrammeSession, session_id)
    return session.ends_at if session else None


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as error:
        raise SeedError(f"missing seed file {path}") from error
    except tomllib.TOMLDecodeError as error:
        raise SeedError(f"{path.name}: {error}") from error
    except UnicodeDecodeError as error:
        raise SeedError(
            f"{path.name} is not UTF-8 text (byte {error.start} cannot be read): save it as UTF-8"
        ) from error
    except OSError as error:
        raise SeedError(f"cannot read seed file {path}: {error.strerror}") from error


def _validate(where: str, model: type[M], values: dict[str, Any]) -> M:
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise SeedError(f"{where}: {error}") from error


def _call(where: str, action: Callable[..., T], **kwargs: Any) -> T:
    """Run a service, reporting a refusal as a seed error that names the record."""
    try:
        result = action(**kwargs)
    except DomainError as error:
        raise SeedError(f"{where}: {error.message}") from error
    return result


def _ref(where: str, known: dict[str, Any], key: str) -> Any:
    if key not in known:
        raise SeedError(f"{where}: unknown reference {key!r}")
    return known[key]


def _aware(value: datetime, zone: ZoneInfo) -> datetime:
    if not isinstance(value, datetime):
        raise SeedError(f"expected a local date-time, got {value!r}")
    if value.tzinfo is not None:
        return value
    return value.replace(tzinfo=zone)
