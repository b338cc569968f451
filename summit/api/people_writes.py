"""Organisers' writes to people and delegations, through the services the organiser pages use."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select
from starlette.responses import Response

from summit.agenda import queries
from summit.api.declare import PREFIX, ApiCall, documented
from summit.api.inputs import (
    DelegationIn,
    DelegationPatch,
    PersonIn,
    PersonPatch,
    WindowIn,
)
from summit.api.reads import SUMMIT, delegation_out
from summit.api.rules import sent
from summit.api.schemas import DelegationOut, PersonDetailOut, WindowOut
from summit.api.writing import merged, own_row, short_name_taken, write_call
from summit.auth.api_tokens import ApiScope
from summit.people.forms import DelegationInput, PersonInput
from summit.people.models import Delegation, Person, PersonAvailability
from summit.people.portal import files_of
from summit.people.services import (
    delete_delegation,
    delete_person,
    set_availability,
    upsert_delegation,
    upsert_person,
)
from summit.persistence import pk

PEOPLE = ApiScope.PEOPLE_WRITE
_PERSON_FIELDS = (
    *("slug", "full_name", "title", "organisation", "bio"),
    *("delegation_id", "delegation_role", "email"),
)


def _detail(db: Session, person: Person) -> PersonDetailOut:
    windows = db.exec(
        select(PersonAvailability)
        .where(PersonAvailability.person_id == person.id)
        .order_by(col(PersonAvailability.starts_at))
    )
    return PersonDetailOut(
        **{name: getattr(person, name) for name in _PERSON_FIELDS},
        id=pk(person),
        availability=[WindowOut(starts_at=w.starts_at, ends_at=w.ends_at) for w in windows],
    )


def _save_person(
    db: Session, call: ApiCall, data: PersonInput, windows: list[WindowIn] | None
) -> PersonDetailOut:
    """Create or change the person ``data`` describes; ``windows``, when given, replace their
    availability."""
    person = upsert_person(db, summit=call.the_summit, data=data)
    if windows is not None:
        set_availability(
            db, person=person, windows=[(window.starts_at, window.ends_at) for window in windows]
        )
    return _detail(db, person)


def _slug_taken(
    db: Session, table: type[Person] | type[Delegation], call: ApiCall, slug: str
) -> bool:
    found = select(table.id).where(table.summit_id == call.the_summit.id, table.slug == slug)
    return db.exec(found).first() is not None


def _located(call: ApiCall, kind: str) -> Callable[[Any], str]:
    return lambda saved: f"{PREFIX}/summits/{call.the_summit.slug}/{kind}/{saved.id}"


async def create_person(call: ApiCall) -> Response:
    """Create a person

    409 when the short name is taken, or when the delegation is not in this summit or already
    has a head."""
    body = await call.body(PersonIn)

    def run(db: Session) -> PersonDetailOut:
        if _slug_taken(db, Person, call, body.slug):
            raise short_name_taken()
        data = PersonInput.model_validate(body.model_dump(exclude={"availability"}))
        return _save_person(db, call, data, body.availability)

    return await write_call(call, run, status=201, location=_located(call, "people"))


async def update_person(call: ApiCall) -> Response:
    """Change a person's details

    409 when the delegation is not in this summit or already has a head, or when a delegation
    or role sent alone does not fit the person's other one."""
    patch = await call.body(PersonPatch)
    changes = sent(patch)

    def run(db: Session) -> PersonDetailOut:
        person = own_row(db, call, Person, "person_id")
        values = {name: getattr(person, name) for name in _PERSON_FIELDS}
        if changes.get("delegation_id", 0) is None:
            values["delegation_role"] = None  # out of the delegation, out of its role
        values.update({name: value for name, value in changes.items() if name != "availability"})
        return _save_person(db, call, merged(PersonInput, values), patch.availability)

    return await write_call(call, run)


async def remove_person(call: ApiCall) -> Response:
    """Delete a person who is on no session

    409 while the person is on a session of the draft or of the published programme."""

    folder: Path = call.request.app.state.settings.upload_dir
    files: list[Path] = []

    def run(db: Session) -> None:
        person = own_row(db, call, Person, "person_id")
        files.extend(files_of(db, folder, person))
        delete_person(db, summit=call.the_summit, person=person)

    answer = await write_call(call, run)
    # Once the row is gone (a refused deletion raised above, and keeps them).
    for path in files:
        path.unlink(missing_ok=True)
    return answer


def _delegation_out(db: Session, call: ApiCall, delegation_id: int) -> DelegationOut:
    entries = queries.delegations(db, summit=call.the_summit)
    return delegation_out(next(e for e in entries if e.delegation.id == delegation_id))


def _save_delegation(db: Session, call: ApiCall, data: DelegationInput) -> DelegationOut:
    return _delegation_out(db, call, pk(upsert_delegation(db, summit=call.the_summit, data=data)))


async def create_delegation(call: ApiCall) -> Response:
    """Create a delegation

    409 when the short name is taken."""
    body = await call.body(DelegationIn)

    def run(db: Session) -> DelegationOut:
        if _slug_taken(db, Delegation, call, body.slug):
            raise short_name_taken()
        return _save_delegation(db, call, DelegationInput.model_validate(body.model_dump()))

    return await write_call(call, run, status=201, location=_located(call, "delegations"))


async def update_delegation(call: ApiCall) -> Response:
    """Change a delegation

    409 when it becomes a government delegation without a country code."""
    changes = sent(await call.body(DelegationPatch))

    def run(db: Session) -> DelegationOut:
        delegation = own_row(db, call, Delegation, "delegation_id")
        current = {name: getattr(delegation, name) for name in ("slug", "name", "kind")}
        values = {**current, "country_code": delegation.country_code, **changes}
        return _save_delegation(db, call, merged(DelegationInput, values))

    return await write_call(call, run)


async def remove_delegation(call: ApiCall) -> Response:
    """Delete a delegation that has no members

    409 while the delegation has members."""

    def run(db: Session) -> None:
        delete_delegation(db, delegation=own_row(db, call, Delegation, "delegation_id"))

    return await write_call(call, run)


PEOPLE_PATH = f"{SUMMIT}/people"
PERSON = f"{PEOPLE_PATH}/{{person_id:int}}"
DELEGATIONS = f"{SUMMIT}/delegations"
DELEGATION = f"{DELEGATIONS}/{{delegation_id:int}}"
_write = partial(documented, scope=PEOPLE, tags=("people (organisers)",), errors=(409,))
_created = partial(_write, status=201, located=True)
OPERATIONS = [
    _created("POST", PEOPLE_PATH, create_person, body=PersonIn, response=PersonDetailOut),
    _write("PATCH", PERSON, update_person, body=PersonPatch, response=PersonDetailOut),
    _write("DELETE", PERSON, remove_person, status=204),
    _created("POST", DELEGATIONS, create_delegation, body=DelegationIn, response=DelegationOut),
    _write("PATCH", DELEGATION, update_delegation, body=DelegationPatch, response=DelegationOut),
    _write("DELETE", DELEGATION, remove_delegation, status=204),
]
