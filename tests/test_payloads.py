"""Whatever a text field holds, every page shows it as text, never as markup or code."""

from __future__ import annotations

import html

import pytest
from pydantic import ValidationError
from sqlmodel import select
from starlette.testclient import TestClient

from summit.agenda.forms import SessionInput, StreamInput, SummitInput, TrackInput
from summit.agenda.models import ProgrammeSession, Stream, Summit, Track
from summit.auth.models import Account
from summit.db import Database
from summit.people.forms import DelegationInput, PersonInput
from summit.people.models import Delegation, Person
from summit.persistence import pk
from summit.qa.models import Question, QuestionStatus
from tests.conftest import sign_in

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    '<a data-hx-get="/x" data-hx-trigger="load">',
    "{{7*7}}",
    '=HYPERLINK("http://x","y")',
    "\u202eevil\u202c",
    "🎉 Ａ\u0301 e\u0301",
]
MARKUP = PAYLOADS[:4]
PAGES = [
    "/ogp2021/",
    "/ogp2021/sessions/1/questions",
    "/ogp2021/programme",
    "/ogp2021/speakers",
    "/ogp2021/delegations",
    "/ogp2021/manage/members",
]


def _plant(database: Database) -> None:
    """Put every payload into every text a page shows, in every language."""
    joined = " | ".join(PAYLOADS)
    texts = {"en": joined, "fr": joined, "ar": joined}
    with database.write() as db:
        summit = db.exec(select(Summit)).one()
        for field in ("name", "host", "tagline", "description"):
            setattr(summit, field, texts)
        for model in (Track, Stream, Delegation):
            for row in db.exec(select(model)):
                row.name = texts
        for track in db.exec(select(Track)):
            track.description = texts
        for session in db.exec(select(ProgrammeSession)):
            session.title = texts
            session.abstract = texts
        for person in db.exec(select(Person)):
            person.full_name = joined
            person.title = texts
            person.organisation = texts
            person.bio = texts
        for account in db.exec(select(Account)):
            account.display_name = joined
        asker = db.exec(select(Account)).first()
        for session in db.exec(select(ProgrammeSession)):
            for status in (QuestionStatus.APPROVED, QuestionStatus.PENDING):
                db.add(
                    Question(
                        session_id=pk(session),
                        account_id=asker.id if asker else None,
                        body=joined[:1000],
                        status=status,
                    )
                )
        db.add(summit)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_payloads_render_as_text_on_every_page(
    client: TestClient, demo_database: Database, language: str
) -> None:
    _plant(demo_database)
    sign_in(client, "organiser@example.org")

    for path in PAGES:
        for headers in ({}, {"hx-request": "true"}):
            page = client.get(f"{path}?lang={language}", headers=headers).text
            for payload in MARKUP:
                assert payload not in page, (path, payload)
            assert html.escape(PAYLOADS[0], quote=False) in page, path
            assert "{{7*7}}" in page and ">49<" not in page, path
            assert "\u202eevil\u202c" in page and "🎉 Ａ\u0301 e\u0301" in page, path


def test_a_javascript_address_is_refused_in_a_url_field() -> None:
    with pytest.raises(ValidationError, match="http"):
        StreamInput(slug="room", name={"en": "Room"}, join_url="javascript:alert(1)")


def test_a_nul_byte_is_refused() -> None:
    with pytest.raises(ValidationError, match="NUL"):
        TrackInput(slug="theme", name={"en": "Bad\x00name"})


def test_a_hundred_kilobyte_text_is_refused_with_a_clear_error() -> None:
    with pytest.raises(ValidationError, match="at most 20000 characters"):
        SessionInput(
            code="LONG", kind="panel", title={"en": "Fine"}, abstract={"en": "x" * 100_000}
        )
    with pytest.raises(ValidationError, match="at most 300 characters"):
        SummitInput(
            slug="long",
            name={"en": "x" * 100_000},
            start_date="2021-12-15",
            end_date="2021-12-17",
            timezone="Asia/Seoul",
        )


def test_names_keep_emoji_combining_marks_and_bidi_controls() -> None:
    name = "🎉 Ａ\u0301 \u202eevil\u202c"

    assert DelegationInput(slug="d", name={"en": name}, kind="civil_society").name == {"en": name}
    assert PersonInput(slug="p", full_name=name).full_name == name
