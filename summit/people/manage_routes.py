"""Organisers' pages for people (speakers, moderators) and delegations."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, SQLModel, col, select

from summit.agenda.models import Summit
from summit.auth.models import Account, Role, RoleGrant
from summit.auth.tokens import pending_invitations
from summit.errors import DomainError
from summit.i18n.formatting import pick
from summit.i18n.viewer import N_
from summit.i18n.viewer import gettext as _
from summit.parsing import calendar_day, clock_time, or_none
from summit.people.forms import DelegationInput, PersonInput
from summit.people.models import (
    Delegation,
    DelegationKind,
    DelegationRole,
    Person,
    PersonAvailability,
)
from summit.people.services import set_availability, upsert_delegation, upsert_person
from summit.web.crud import FormField, Kind, routes_for
from summit.web.labels import country_name


def _delegations(db: Session, summit: Summit) -> list[Delegation]:
    rows = list(db.exec(select(Delegation).where(Delegation.summit_id == summit.id)))
    return sorted(rows, key=lambda row: pick(row.name).casefold())


def _delegation_options(db: Session, summit: Summit) -> list[tuple[str, str]]:
    return [(str(row.id), pick(row.name)) for row in _delegations(db, summit)]


def _people(db: Session, summit: Summit) -> list[Person]:
    return list(
        db.exec(select(Person).where(Person.summit_id == summit.id).order_by(col(Person.full_name)))
    )


def _save_person(db: Session, summit: Summit, values: dict[str, Any]) -> SQLModel:
    windows = parse_windows(values.pop("availability", "") or "", ZoneInfo(summit.timezone))
    if values.get("delegation_id") and not values.get("delegation_role"):
        values["delegation_role"] = DelegationRole.MEMBER.value
    person = upsert_person(db, summit=summit, data=PersonInput.model_validate(values))
    set_availability(db, person=person, windows=windows)
    return person


WINDOW = re.compile(r"^(\S+)\s+(\S+?)\s*[-–]\s*(\S+)$")


def parse_windows(text: str, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """One window a line, ``2021-12-15 09:00-12:30``, in the summit's own time zone."""
    windows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = WINDOW.match(line.strip())
        written = match.groups() if match else (None, None, None)
        day = or_none(calendar_day, written[0], field="availability")
        start = or_none(clock_time, written[1], field="availability")
        end = or_none(clock_time, written[2], field="availability")
        if day is None or start is None or end is None:
            raise DomainError(
                "Write one window a line, like 2021-12-15 09:00-12:30.", field="availability"
            )
        starts = datetime.combine(day, start, zone).astimezone(UTC)
        ends = datetime.combine(day, end, zone).astimezone(UTC)
        windows.append((starts, ends))
    return windows


def _availability_text(db: Session, summit: Summit, person: Person) -> dict[str, str]:
    zone = ZoneInfo(summit.timezone)
    rows = db.exec(
        select(PersonAvailability)
        .where(PersonAvailability.person_id == person.id)
        .order_by(col(PersonAvailability.starts_at))
    )
    lines = [
        f"{row.starts_at.astimezone(zone):%Y-%m-%d %H:%M}-{row.ends_at.astimezone(zone):%H:%M}"
        for row in rows
    ]
    return {"availability": "\n".join(lines)}


def _save_delegation(db: Session, summit: Summit, values: dict[str, Any]) -> SQLModel:
    return upsert_delegation(db, summit=summit, data=DelegationInput.model_validate(values))


def _kinds(db: Session, summit: Summit) -> list[tuple[str, str]]:
    names = {
        DelegationKind.GOVERNMENT: _("Government"),
        DelegationKind.CIVIL_SOCIETY: _("Civil society"),
        DelegationKind.MULTILATERAL: _("Multilateral"),
    }
    return [(kind.value, names[kind]) for kind in DelegationKind]


def _roles(db: Session, summit: Summit) -> list[tuple[str, str]]:
    return [
        (DelegationRole.MEMBER.value, _("Member")),
        (DelegationRole.HEAD.value, _("Head of delegation")),
    ]


def _speaker_accounts(db: Session, summit: Summit, moment: datetime) -> dict[str, Any]:
    """The people who can sign in to their speaker page, and those whose invitation is still
    waiting to be accepted."""
    accounts = set(
        db.exec(
            select(RoleGrant.person_id)
            .join(Account, col(Account.id) == RoleGrant.account_id)
            .where(
                RoleGrant.summit_id == summit.id,
                RoleGrant.role == Role.SPEAKER,
                col(RoleGrant.person_id).is_not(None),
                col(Account.is_active),
            )
        )
    )
    invited = {
        token.person_id
        for token in pending_invitations(db, summit=summit, now=moment)
        if token.role == Role.SPEAKER
    }
    return {"speaker_accounts": accounts, "speakers_invited": invited - accounts}


PEOPLE = Kind(
    name="people",
    title=N_("People"),
    singular=N_("person"),
    fields=(
        FormField("slug", N_("Short name in addresses"), required=True, key=True),
        FormField("full_name", N_("Full name"), required=True),
        FormField("title", N_("Title or function"), widget="texts"),
        FormField("organisation", N_("Organisation"), widget="texts"),
        FormField("delegation_id", N_("Delegation"), widget="select", options=_delegation_options),
        FormField("delegation_role", N_("Role in the delegation"), widget="select", options=_roles),
        FormField("email", N_("E-mail address (organisers only)"), widget="email"),
        FormField("bio", N_("Biography"), widget="long_texts"),
        FormField(
            "availability",
            N_(
                "Available (one window a line, summit time: 2021-12-15 09:00-12:30;"
                " empty: any time)"
            ),
            widget="textarea",
        ),
    ),
    rows=_people,
    save=_save_person,
    listing=_speaker_accounts,
    label=lambda row: row.full_name,
    filters=(
        FormField("delegation", N_("Delegation"), widget="select", options=_delegation_options),
    ),
    matches=lambda row, wanted: (
        not wanted.get("delegation") or str(row.delegation_id) == wanted["delegation"]
    ),
    columns=((N_("Title or function"), lambda row: pick(row.title) or "—"),),
    extra_values=_availability_text,
)

DELEGATIONS = Kind(
    name="delegations",
    title=N_("Delegations"),
    singular=N_("delegation"),
    fields=(
        FormField("slug", N_("Short name in addresses"), required=True, key=True),
        FormField("name", N_("Name"), widget="texts", required=True),
        FormField("kind", N_("Kind"), widget="select", required=True, options=_kinds),
        FormField("country_code", N_("Country (ISO 3166 code, e.g. MA)")),
    ),
    rows=_delegations,
    save=_save_delegation,
    label=lambda row: pick(row.name),
    filters=(FormField("kind", N_("Kind"), widget="select", options=_kinds),),
    matches=lambda row, wanted: not wanted.get("kind") or row.kind == wanted["kind"],
    columns=((N_("Country"), lambda row: country_name(row.country_code) or "—"),),
)

routes = [*routes_for(PEOPLE), *routes_for(DELEGATIONS)]
