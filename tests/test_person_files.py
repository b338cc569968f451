"""Deleting a person deletes their files (photo, slides) once the row is gone; a refused
deletion keeps them."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import SessionPerson, SessionRoleKind
from summit.db import Database
from summit.people import photos
from summit.people.models import Person
from summit.people.portal import add_slides
from tests.api_support import API, _bearer, _session_id
from tests.submissions_support import PDF


def test_a_deleted_persons_photo_and_slides_go_with_them(
    demo_app: Starlette, api: TestClient, token: str, demo_database: Database
) -> None:
    folder: Path = demo_app.state.settings.upload_dir
    created = api.post(
        f"{API}/people", json={"slug": "pat", "full_name": "Pat Speaker"}, headers=_bearer(token)
    )
    assert created.status_code == 201
    person_id = created.json()["id"]
    session_id = _session_id(demo_database, "OPENING")
    with demo_database.write() as db:
        db.add(
            SessionPerson(session_id=session_id, person_id=person_id, role=SessionRoleKind.SPEAKER)
        )
        db.flush()
        slides, _ = add_slides(
            db, person_id=person_id, session_id=session_id, folder=folder, name="s.pdf", data=PDF
        )
        person = db.get(Person, person_id)
        assert person is not None
        person.photo_name = photos.store_photo(folder, b"a photo")
        db.add(person)
        photo = photos.photo_path(folder, person.photo_name)

    refused = api.delete(f"{API}/people/{person_id}", headers=_bearer(token))
    kept = (slides.exists(), photo.exists())
    with demo_database.write() as db:
        for row in db.exec(select(SessionPerson).where(SessionPerson.person_id == person_id)):
            db.delete(row)
    deleted = api.delete(f"{API}/people/{person_id}", headers=_bearer(token))

    assert (refused.status_code, kept) == (409, (True, True))
    assert deleted.status_code == 204
    assert (slides.exists(), photo.exists()) == (False, False)
