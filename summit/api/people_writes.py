"""Organisers' writes to people and delegations, through the services the organiser pages use."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select
from starlette.responses import Response

from summit.agenda import queries
from summit.api.declare import PREFIX, ApiCall, ApiError, Operation, json_out, not_found
from summit.api.reads import SUMMIT, delegation_out
from summit.api.schemas import (
    DelegationIn,
    DelegationOut,
    DelegationPatch,
    PersonDetailOut,
    PersonIn,
    PersonPatch,
    WindowIn,
    WindowOut,
    present,
)
from summit.auth.api_tokens import ApiScope
from summit.i18n.viewer import gettext as _
from summit.people.forms import DelegationInput, PersonInput
from summit.people.models import Delegation, Person, PersonAvailability
from summit.people.services import (
    delete_delegation,
    delete_person,
    set_availability,
    upsert_delegation,
    upsert_person,
)
from summit.persistence import pk
from summit.web.context import database

PEOPLE = ApiScope.PEOPLE_WRITE


def _person(db: Session, call: ApiCall, person_id: int) -> Person:
    person = db.get(Person, person_id)
    if person is None or person.summit_id != call.the_summit.id:
        raise not_found()
    return person


def _delegation(db: Session, call: ApiCall, delegation_id: int) -> Delegation:
    delegation = db.get(Delegation, delegation_id)
    if delegation is None or delegation.summit_id != call.the_summit.id:
        raise not_found()
    return delegation


def _detail(db: Session, person: Person) -> PersonDetailOut:
    windows = db.exec(
        select(PersonAvailability)
        .where(PersonAvailability.person_id == person.id)
        .order_by(col(PersonAvailability.starts_at))
    )
    return PersonDetailOut(
        id=pk(person),
        slug=person.slug,
        full_name=person.full_name,
        title=person.title,
        organisation=person.organisation,
        bio=person.bio,
        delegation_id=person.delegation_id,
        delegation_role=person.delegation_role,
        email=person.email,
        availability=[WindowOut(starts_at=w.starts_at, ends_at=w.ends_at) for w in windows],
    )


def _windows(windows: list[WindowIn]) -> list[Any]:
    return [(window.starts_at, window.ends_at) for window in windows]


def _taken(field: str) -> ApiError:
    message = _("This short name is taken.")
    return ApiError(409, message, fields={field: message})


async def create_person(call: ApiCall) -> Response:
    body = await call.body(PersonIn)
    summit = call.the_summit
    data = PersonInput.model_validate(body.model_dump(exclude={"availability"}))

    def run(db: Session) -> PersonDetailOut:
        if db.exec(
            select(Person.id).where(Person.summit_id == summit.id, Person.slug == data.slug)
        ).first():
            raise _taken("slug")
        person = upsert_person(db, summit=summit, data=data)
        set_availability(db, person=person, windows=_windows(body.availability))
        return _detail(db, person)

    saved = await database(call.request).run_write(run)
    location = f"{PREFIX}/summits/{summit.slug}/people/{saved.id}"
    return json_out(saved, status_code=201, headers={"location": location})


async def update_person(call: ApiCall) -> Response:
    person_id = call.path_id("person_id")
    patch = await call.body(PersonPatch)
    summit = call.the_summit
    sent = present(patch)

    def run(db: Session) -> PersonDetailOut:
        person = _person(db, call, person_id)
        values = {
            name: getattr(person, name)
            for name in (
                "slug",
                "full_name",
                "title",
                "organisation",
                "bio",
                "delegation_id",
                "delegation_role",
                "email",
            )
        }
        values.update({name: value for name, value in sent.items() if name != "availability"})
        for name in ("full_name", "title", "organisation", "bio"):
            if values[name] is None:
                raise ApiError(
                    422,
                    _("Some fields need attention."),
                    fields={name: _("This field is required.")},
                )
        saved = upsert_person(db, summit=summit, data=PersonInput.model_validate(values))
        if patch.availability is not None:
            set_availability(db, person=saved, windows=_windows(patch.availability))
        return _detail(db, saved)

    return json_out(await database(call.request).run_write(run))


async def remove_person(call: ApiCall) -> Response:
    person_id = call.path_id("person_id")
    summit = call.the_summit

    def run(db: Session) -> None:
        delete_person(db, summit=summit, person=_person(db, call, person_id))

    await database(call.request).run_write(run)
    return Response(status_code=204)


def _delegation_out(db: Session, call: ApiCall, delegation_id: int) -> DelegationOut:
    entries = queries.delegations(db, summit=call.the_summit)
    return delegation_out(next(e for e in entries if e.delegation.id == delegation_id))


async def create_delegation(call: ApiCall) -> Response:
    body = await call.body(DelegationIn)
    summit = call.the_summit
    data = DelegationInput.model_validate(body.model_dump())

    def run(db: Session) -> DelegationOut:
        if db.exec(
            select(Delegation.id).where(
                Delegation.summit_id == summit.id, Delegation.slug == data.slug
            )
        ).first():
            raise _taken("slug")
        delegation = upsert_delegation(db, summit=summit, data=data)
        return _delegation_out(db, call, pk(delegation))

    saved = await database(call.request).run_write(run)
    location = f"{PREFIX}/summits/{summit.slug}/delegations/{saved.id}"
    return json_out(saved, status_code=201, headers={"location": location})


async def update_delegation(call: ApiCall) -> Response:
    delegation_id = call.path_id("delegation_id")
    patch = await call.body(DelegationPatch)
    summit = call.the_summit
    sent = present(patch)

    def run(db: Session) -> DelegationOut:
        delegation = _delegation(db, call, delegation_id)
        values: dict[str, Any] = {
            "slug": delegation.slug,
            "name": delegation.name,
            "kind": delegation.kind,
            "country_code": delegation.country_code,
        }
        values.update(sent)
        if values["name"] is None or values["kind"] is None:
            field = "name" if values["name"] is None else "kind"
            raise ApiError(
                422, _("Some fields need attention."), fields={field: _("This field is required.")}
            )
        upsert_delegation(db, summit=summit, data=DelegationInput.model_validate(values))
        return _delegation_out(db, call, delegation_id)

    return json_out(await database(call.request).run_write(run))


async def remove_delegation(call: ApiCall) -> Response:
    delegation_id = call.path_id("delegation_id")

    def run(db: Session) -> None:
        delete_delegation(db, delegation=_delegation(db, call, delegation_id))

    await database(call.request).run_write(run)
    return Response(status_code=204)


_TAGS = ("people (organisers)",)
PERSON = f"{SUMMIT}/people/{{person_id:int}}"
DELEGATION = f"{SUMMIT}/delegations/{{delegation_id:int}}"
OPERATIONS = [
    Operation(
        "POST",
        f"{SUMMIT}/people",
        create_person,
        "Create a person",
        scope=PEOPLE,
        body=PersonIn,
        response=PersonDetailOut,
        status=201,
        located=True,
        errors=(409, 422),
        tags=_TAGS,
    ),
    Operation(
        "PATCH",
        PERSON,
        update_person,
        "Change a person's details",
        scope=PEOPLE,
        body=PersonPatch,
        response=PersonDetailOut,
        errors=(422,),
        tags=_TAGS,
    ),
    Operation(
        "DELETE",
        PERSON,
        remove_person,
        "Delete a person who is on no session",
        scope=PEOPLE,
        status=204,
        errors=(422,),
        tags=_TAGS,
    ),
    Operation(
        "POST",
        f"{SUMMIT}/delegations",
        create_delegation,
        "Create a delegation",
        scope=PEOPLE,
        body=DelegationIn,
        response=DelegationOut,
        status=201,
        located=True,
        errors=(409, 422),
        tags=_TAGS,
    ),
    Operation(
        "PATCH",
        DELEGATION,
        update_delegation,
        "Change a delegation",
        scope=PEOPLE,
        body=DelegationPatch,
        response=DelegationOut,
        errors=(422,),
        tags=_TAGS,
    ),
    Operation(
        "DELETE",
        DELEGATION,
        remove_delegation,
        "Delete a delegation that has no members",
        scope=PEOPLE,
        status=204,
        errors=(422,),
        tags=_TAGS,
    ),
]
