"""The speaker portal, ``/<summit>/me``: a speaker edits their own entry, answers for their
sessions and gives slides; nobody else reaches it, and no form reaches another person."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession, PublishedSession, SessionPerson, Summit
from summit.app import create_app
from summit.auth.forms import AccountInput, RoleInput
from summit.auth.models import Account, Role
from summit.auth.services import grant_role, upsert_account
from summit.auth.tokens import issue_invitation
from summit.db import Database, create_db_engine
from summit.people.models import Person, PersonAvailability, SessionSlides
from summit.settings import Settings
from tests.conftest import (
    BASE_URL,
    DEMO_PASSWORD,
    DURING_THE_SUMMIT,
    another_browser,
    csrf_token,
    make_client,
    receive_until,
    sign_in,
    sqlite_settings,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ME = "/ogp2021/me"
WS = BASE_URL.replace("http://", "ws://")


@pytest.fixture
def settings(tmp_path: Path, demo_database_file: Path) -> Settings:
    path = tmp_path / "summit.db"
    shutil.copyfile(demo_database_file, path)
    return sqlite_settings(path, upload_dir=tmp_path / "uploads")


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    found = Database(create_db_engine(settings))
    yield found
    found.dispose()


@pytest.fixture
def app(settings: Settings) -> Starlette:
    return create_app(settings, clock=lambda: DURING_THE_SUMMIT)


@pytest.fixture
def speaker(app: Starlette) -> Iterator[TestClient]:
    with make_client(app) as client:
        sign_in(client, "speaker@example.org")
        yield client


def post(client: TestClient, path: str, data: dict[str, Any], **kwargs: Any) -> Any:
    return client.post(
        path,
        data={**data, "csrf_token": csrf_token(client)},
        headers={"origin": BASE_URL},
        follow_redirects=False,
        **kwargs,
    )


def person(database: Database, slug: str) -> Person:
    with database.read() as db:
        return db.exec(select(Person).where(Person.slug == slug)).one()


def place_of(database: Database, slug: str) -> tuple[int, SessionPerson]:
    """The first session the person is on, and their place in it."""
    found = person(database, slug)
    with database.read() as db:
        link = db.exec(
            select(SessionPerson)
            .where(SessionPerson.person_id == found.id)
            .order_by(SessionPerson.session_id)  # type: ignore[arg-type]
        ).first()
        assert link is not None
        return link.session_id, link


def png(width: int = 1200, height: int = 800) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (11, 92, 173)).save(out, format="PNG")
    return out.getvalue()


def profile(**changes: str) -> dict[str, str]:
    return {"bio_en": "An example speaker.", "title_en": "Analyst", **changes}


def test_portal_lists_the_speakers_sessions(speaker: TestClient, database: Database) -> None:
    session_id, _link = place_of(database, "noor-placeholder")

    response = speaker.get(ME)

    assert response.status_code == 200
    assert f'id="place-{session_id}"' in response.text
    assert "Noor Placeholder" in response.text


def test_speaker_edits_the_arabic_biography(speaker: TestClient, database: Database) -> None:
    response = post(
        speaker, f"{ME}/profile", profile(bio_ar="سيرة تجريبية", links="https://example.org/noor")
    )

    assert response.status_code == 303
    noor = person(database, "noor-placeholder")
    assert noor.bio["ar"] == "سيرة تجريبية"
    assert noor.links == ["https://example.org/noor"]
    speaker.cookies.set("summit_lang", "ar")
    public = speaker.get("/ogp2021/speakers/noor-placeholder")
    assert "سيرة تجريبية" in public.text
    assert 'href="https://example.org/noor"' in public.text


def test_a_forged_person_id_is_ignored(speaker: TestClient, database: Database) -> None:
    before = person(database, "aziz-akhannouch")

    response = post(
        speaker,
        f"{ME}/profile",
        profile(bio_en="Forged.", person_id=str(before.id), slug="aziz-akhannouch"),
    )

    assert response.status_code == 303
    assert person(database, "aziz-akhannouch").bio == before.bio
    assert person(database, "noor-placeholder").bio["en"] == "Forged."


def test_bad_links_come_back_with_an_error(speaker: TestClient, database: Database) -> None:
    response = post(speaker, f"{ME}/profile", profile(links="http://example.org", bio_en="Kept?"))

    assert response.status_code == 422
    assert 'id="links-error"' in response.text
    assert "Kept?" in response.text
    assert person(database, "noor-placeholder").bio.get("en") != "Kept?"


def test_a_photo_is_checked_and_made_smaller(speaker: TestClient, database: Database) -> None:
    response = post(
        speaker, f"{ME}/profile", profile(), files={"photo": ("me.png", png(), "image/png")}
    )

    assert response.status_code == 303
    shown = speaker.get("/ogp2021/speakers/noor-placeholder/photo")
    assert shown.status_code == 200
    assert shown.headers["content-type"] == "image/jpeg"
    assert shown.headers["x-content-type-options"] == "nosniff"
    with Image.open(io.BytesIO(shown.content)) as image:
        assert image.format == "JPEG"
        assert max(image.size) == 480


def test_a_file_that_is_not_an_image_is_refused_as_a_photo(
    speaker: TestClient, database: Database
) -> None:
    response = post(
        speaker,
        f"{ME}/profile",
        profile(bio_en="Not saved."),
        files={"photo": ("me.png", b"<script>alert(1)</script>", "image/png")},
    )

    assert response.status_code == 422
    assert 'id="photo-error"' in response.text
    assert person(database, "noor-placeholder").photo_name is None
    assert speaker.get("/ogp2021/speakers/noor-placeholder/photo").status_code == 404


def test_availability_is_saved_in_summit_time(speaker: TestClient, database: Database) -> None:
    response = post(speaker, f"{ME}/availability", {"availability": "2021-12-15 09:00-12:30"})

    assert response.status_code == 303
    noor = person(database, "noor-placeholder")
    with database.read() as db:
        windows = list(
            db.exec(select(PersonAvailability).where(PersonAvailability.person_id == noor.id))
        )
    assert [(w.starts_at.hour, w.ends_at.hour, w.ends_at.minute) for w in windows] == [(0, 3, 30)]
    assert "2021-12-15 09:00-12:30" in speaker.get(ME).text


def test_unreadable_availability_comes_back_with_an_error(speaker: TestClient) -> None:
    response = post(speaker, f"{ME}/availability", {"availability": "soon"})

    assert response.status_code == 422
    assert 'id="availability-error"' in response.text


def test_a_confirmation_reaches_the_editor(speaker: TestClient, database: Database) -> None:
    session_id, _link = place_of(database, "noor-placeholder")

    response = post(speaker, f"{ME}/sessions/{session_id}/answer", {"answer": "confirmed"})

    assert response.status_code == 303
    _id, link = place_of(database, "noor-placeholder")
    assert link.answer == "confirmed"
    assert "You confirmed" in speaker.get(ME).text
    organiser = another_browser(speaker)
    sign_in(organiser, "organiser@example.org")
    editor = organiser.get("/ogp2021/manage/schedule?day=2021-12-15")
    form = organiser.get(f"/ogp2021/manage/sessions/{session_id}")
    assert "✓ 1 confirmed" in editor.text
    assert 'badge--confirmed">Confirmed' in form.text


def test_a_speaker_cannot_answer_for_anothers_session(
    speaker: TestClient, database: Database
) -> None:
    noor = person(database, "noor-placeholder")
    with database.read() as db:
        mine = {
            link.session_id
            for link in db.exec(select(SessionPerson).where(SessionPerson.person_id == noor.id))
        }
        other = next(
            session.id for session in db.exec(select(ProgrammeSession)) if session.id not in mine
        )

    answered = post(speaker, f"{ME}/sessions/{other}/answer", {"answer": "declined"})
    slides = post(
        speaker,
        f"{ME}/sessions/{other}/slides",
        {},
        files={"slides": ("a.pdf", PDF, "application/pdf")},
    )

    assert (answered.status_code, slides.status_code) == (404, 404)
    with database.read() as db:
        assert db.exec(select(SessionPerson).where(SessionPerson.answer != None)).all() == []  # noqa: E711
        assert db.exec(select(SessionSlides)).all() == []


def test_slides_are_a_download_from_the_session_page(
    speaker: TestClient, database: Database
) -> None:
    session_id, _link = place_of(database, "noor-placeholder")

    response = post(
        speaker,
        f"{ME}/sessions/{session_id}/slides",
        {},
        files={"slides": ("My talk.pdf", PDF, "application/pdf")},
    )

    assert response.status_code == 303
    listed = speaker.get(f"/ogp2021/sessions/{session_id}/slides", headers={"hx-request": "true"})
    assert "Slides of" in listed.text
    with database.read() as db:
        slides = db.exec(select(SessionSlides)).one()
    assert f"/ogp2021/slides/{slides.id}" in listed.text
    download = speaker.get(f"/ogp2021/slides/{slides.id}")
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["content-type"] == "application/pdf"


def test_slides_of_someone_taken_off_the_session_are_no_longer_shown(
    speaker: TestClient, database: Database
) -> None:
    session_id, _link = place_of(database, "noor-placeholder")
    noor = person(database, "noor-placeholder")
    post(
        speaker,
        f"{ME}/sessions/{session_id}/slides",
        {},
        files={"slides": ("My talk.pdf", PDF, "application/pdf")},
    )
    with database.write() as db:
        slides = db.exec(select(SessionSlides)).one()
        published = db.get(PublishedSession, session_id)
        assert published is not None
        # As a publication that took her off the session leaves it.
        published.people = [e for e in published.people if e.get("person_id") != noor.id]
        db.add(published)

    listed = speaker.get(f"/ogp2021/sessions/{session_id}/slides", headers={"hx-request": "true"})
    download = speaker.get(f"/ogp2021/slides/{slides.id}")

    assert f"/ogp2021/slides/{slides.id}" not in listed.text
    assert download.status_code == 404


def test_slides_that_are_not_a_pdf_are_refused(speaker: TestClient, database: Database) -> None:
    session_id, _link = place_of(database, "noor-placeholder")

    as_pdf = post(
        speaker,
        f"{ME}/sessions/{session_id}/slides",
        {},
        files={"slides": ("x.pdf", png(10, 10), "application/pdf")},
    )
    as_png = post(
        speaker,
        f"{ME}/sessions/{session_id}/slides",
        {},
        files={"slides": ("x.png", png(10, 10), "image/png")},
    )

    assert (as_pdf.status_code, as_png.status_code) == (422, 422)
    assert 'id="slides-error"' in as_png.text
    with database.read() as db:
        assert db.exec(select(SessionSlides)).all() == []


@pytest.mark.parametrize("email", ["delegate@example.org", "juror1@example.org"])
def test_other_roles_are_refused(app: Starlette, database: Database, email: str) -> None:
    session_id, _link = place_of(database, "noor-placeholder")
    with make_client(app) as client:
        sign_in(client, email)

        page = client.get(ME)
        saved = post(client, f"{ME}/profile", profile(bio_en="Intruder."))
        answered = post(client, f"{ME}/sessions/{session_id}/answer", {"answer": "declined"})

    assert (page.status_code, saved.status_code, answered.status_code) == (403, 403, 403)
    assert person(database, "noor-placeholder").bio.get("en") != "Intruder."
    _id, link = place_of(database, "noor-placeholder")
    assert link.answer is None


def test_anonymous_visitors_are_sent_to_sign_in(app: Starlette, database: Database) -> None:
    with make_client(app) as client:
        page = client.get(ME, follow_redirects=False)
        saved = post(client, f"{ME}/profile", profile(bio_en="Anonymous."))

    assert page.status_code == 303
    assert page.headers["location"].startswith("/signin")
    assert saved.status_code == 403
    assert person(database, "noor-placeholder").bio.get("en") != "Anonymous."


def test_another_speaker_edits_only_their_own_person(app: Starlette, database: Database) -> None:
    with database.write() as db:
        aziz = db.exec(select(Person).where(Person.slug == "aziz-akhannouch")).one()
        summit = aziz.summit_id
        from summit.agenda.models import Summit

        account = upsert_account(
            db,
            data=AccountInput(
                email="second.speaker@example.org",
                display_name="Second speaker",
                password=DEMO_PASSWORD,
            ),
        )
        grant_role(
            db,
            summit=db.get(Summit, summit),  # type: ignore[arg-type]
            account=account,
            data=RoleInput(role=Role.SPEAKER, person_id=aziz.id),
        )
    noor_before = person(database, "noor-placeholder")
    with make_client(app) as client:
        sign_in(client, "second.speaker@example.org")
        page = client.get(ME)
        saved = post(
            client, f"{ME}/profile", profile(bio_en="Mine.", person_id=str(noor_before.id))
        )

    assert page.status_code == 200
    assert "Aziz Akhannouch" in page.text
    assert saved.status_code == 303
    assert person(database, "aziz-akhannouch").bio["en"] == "Mine."
    assert person(database, "noor-placeholder").bio == noor_before.bio


def _account_cell(listed: str, person_id: int | None) -> str:
    """The "Speaker account" cell of a person's row in the people list."""
    row = listed.split(f'<tr id="people-{person_id}">', 1)[1].split("</tr>", 1)[0]
    return " ".join(row.rsplit("<td>", 1)[1].split())


def test_the_people_list_says_who_can_sign_in_and_invites_the_others(
    app: Starlette, database: Database
) -> None:
    noor = person(database, "noor-placeholder")  # speaker@example.org
    aziz = person(database, "aziz-akhannouch")
    samira = person(database, "samira-exemple")
    with database.write() as db:
        summit = db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()
        organiser_account = db.exec(
            select(Account).where(Account.email == "organiser@example.org")
        ).one()
        issue_invitation(
            db,
            summit=summit,
            email="aziz@example.org",
            role=Role.SPEAKER,
            invited_by=organiser_account,
            now=DURING_THE_SUMMIT,
            person_id=aziz.id,
        )
    with make_client(app) as organiser:
        sign_in(organiser, "organiser@example.org")
        listed = organiser.get("/ogp2021/manage/people").text
        form = organiser.get(f"/ogp2021/manage/invitations?role=speaker&person_id={samira.id}")

    assert "Can sign in" in _account_cell(listed, noor.id)
    assert "role=speaker" not in _account_cell(listed, noor.id)
    assert "Invited" in _account_cell(listed, aziz.id)
    assert f"role=speaker&amp;person_id={aziz.id}" in _account_cell(listed, aziz.id)
    assert "Invite again" in _account_cell(listed, aziz.id)
    assert "Invite as speaker" in _account_cell(listed, samira.id)
    assert f"role=speaker&amp;person_id={samira.id}" in _account_cell(listed, samira.id)
    assert f'<option value="{samira.id}" selected>' in form.text
    assert '<option value="speaker" selected>' in form.text


def test_a_speaker_edits_nothing_else(speaker: TestClient, database: Database) -> None:
    aziz = person(database, "aziz-akhannouch")

    people = speaker.get("/ogp2021/manage/people")
    edited = post(
        speaker,
        f"/ogp2021/manage/people/{aziz.id}",
        {"slug": "aziz-akhannouch", "full_name": "Someone else"},
    )
    editor = speaker.get("/ogp2021/manage/schedule")

    assert (people.status_code, edited.status_code, editor.status_code) == (403, 403, 403)
    assert person(database, "aziz-akhannouch").full_name == "Aziz Akhannouch"


def test_an_answer_reaches_the_organisers_open_editor_and_no_one_else(
    speaker: TestClient, database: Database
) -> None:
    session_id, _link = place_of(database, "noor-placeholder")
    organiser = another_browser(speaker)
    sign_in(organiser, "organiser@example.org")
    visitor = another_browser(speaker)
    editor = organiser.get("/ogp2021/manage/schedule?day=2021-12-15").text
    page = {"origin": BASE_URL}
    with (
        organiser.websocket_connect(f"{WS}/ogp2021/live?page=editor", headers=page) as socket,
        visitor.websocket_connect(f"{WS}/ogp2021/live?page=editor", headers=page) as public,
    ):
        post(speaker, f"{ME}/sessions/{session_id}/answer", {"answer": "confirmed"})
        confirmed = receive_until(socket, lambda message: "answers-" in message)
        post(speaker, f"{ME}/sessions/{session_id}/answer", {"answer": "declined"})
        declined = receive_until(socket, lambda message: "answers-" in message)
        status = organiser.post(
            f"/ogp2021/manage/sessions/{session_id}/status",
            data={"status": "live", "delay_minutes": ""},
            headers={
                **page,
                "hx-request": "true",
                "x-csrf-token": csrf_token(organiser, "/ogp2021/manage/"),
            },
        )
        # The visitor's socket is told of the status, and was told nothing before it.
        told = public.receive_text()

    assert f'<span id="answers-{session_id}" class="speaker-answers">' in editor
    assert f'id="answers-{session_id}" class="speaker-answers" data-hx-swap-oob="true"' in confirmed
    assert "✓ 1 confirmed" in confirmed
    assert ("✗ 1 declined" in declined, "confirmed" in declined) == (True, False)
    assert status.status_code == 204
    assert "answers-" not in told
