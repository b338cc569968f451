"""The good-practice library: who may submit and moderate, what the public, the feed, the API
and the search see (only published practices), and the demo's seed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession
from summit.auth.models import AuditEntry
from summit.bodies.models import Body, BodyMember, MemberRole
from summit.db import Database
from summit.people.models import Delegation
from summit.practices.models import Practice, PracticeFile, PracticeSession, PracticeStatus
from tests.conftest import BASE_URL, choose_english, csrf_token, sign_in
from tests.test_queries import count_queries

LIBRARY = "/ogp2021/bodies/african-open-government-network/practices"
API = "/api/v1/summits/ogp2021/bodies/african-open-government-network/practices"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ARABIC_TITLE = "منصة إلكترونية لتتبع وتقييم برامج التنمية الجهوية"


def _practices(database: Database) -> list[Practice]:
    with database.read() as db:
        return list(db.exec(select(Practice).order_by(col(Practice.id))))


def _waiting(database: Database) -> Practice:
    """The demo's practice that waits for moderation (Côte d'Ivoire's)."""
    return next(p for p in _practices(database) if p.status == PracticeStatus.SUBMITTED)


def _post(
    client: TestClient, path: str, data: dict[str, Any], files: list[Any] | None = None
) -> Any:
    token = csrf_token(client, "/ogp2021/")
    return client.post(
        path,
        data={**data, "csrf_token": token},
        files=files,
        headers={"origin": BASE_URL},
        follow_redirects=False,
    )


def _actions(database: Database, target: str) -> list[str]:
    with database.read() as db:
        rows = db.exec(
            select(AuditEntry.action)
            .where(AuditEntry.target == target)
            .order_by(col(AuditEntry.id))
        )
        return list(rows)


def _submit(client: TestClient, **fields: Any) -> Any:
    data: dict[str, Any] = {
        "title_en": "Open procurement dashboards",
        "summary_en": "Every contract a ministry signs is published within a week.",
        "country_code": "MA",
        "links": "https://example.org/procurement",
    }
    data.update(fields)
    return _post(client, f"{LIBRARY}/new", data)


# --- The seed ------------------------------------------------------------------------------


def test_demo_seeds_five_practices_one_waiting_and_one_titled_in_arabic_only_or_first(
    demo_database: Database,
) -> None:
    practices = _practices(demo_database)
    with demo_database.read() as db:
        launch = db.exec(
            select(ProgrammeSession.id).where(ProgrammeSession.code == "AFRICAN-OGN-LAUNCH")
        ).one()
        at_launch = db.exec(
            select(PracticeSession.practice_id).where(PracticeSession.session_id == launch)
        ).all()

    assert len(practices) == 5
    assert [p.status for p in practices].count(PracticeStatus.PUBLISHED) == 4
    assert practices[0].title["ar"] == ARABIC_TITLE
    assert len(at_launch) == 3


# --- What the public sees --------------------------------------------------------------------


def test_catalogue_lists_only_the_published_practices(
    client: TestClient, demo_database: Database
) -> None:
    choose_english(client)
    waiting = _waiting(demo_database)

    page = client.get(LIBRARY)

    assert page.status_code == 200
    assert page.text.count('class="session-card practice-card"') == 4
    assert f'id="practice-{waiting.id}"' not in page.text
    assert "Des forums citoyens" not in page.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=KE", 1),
        ("theme=integrity", 1),
        ("language=ar", 3),
        ("language=fr&country=MA", 2),
        # The programme's normaliser: article, accents, case, harakat.
        ("q=المنصة", 1),
        ("q=مِنَصَّة", 1),
        ("q=ELECTRONIQUE", 1),
        ("q=régional", 1),
        ("q=forums", 0),
        ("q=%21%21", 0),
    ],
)
def test_catalogue_filters_and_searches(client: TestClient, query: str, expected: int) -> None:
    page = client.get(f"{LIBRARY}?{query}")

    assert page.status_code == 200
    assert page.text.count('class="session-card practice-card"') == expected


def test_unpublished_practice_is_unseen_by_the_public_everywhere(
    client: TestClient, demo_database: Database
) -> None:
    waiting = _waiting(demo_database)

    page = client.get(f"{LIBRARY}/{waiting.id}")
    api_one = client.get(f"{API}/{waiting.id}")
    api_all = client.get(API).json()
    feed = client.get(f"{LIBRARY}.atom").text
    found = client.get(f"{LIBRARY}?q=forums+citoyens").text

    assert page.status_code == 404
    assert api_one.status_code == 404
    assert waiting.id not in [item["id"] for item in api_all]
    assert "forums" not in feed
    assert 'class="session-card practice-card"' not in found


def test_a_committee_keeps_no_library(client: TestClient) -> None:
    assert client.get("/ogp2021/bodies/steering-committee/practices").status_code == 404
    assert (
        client.get("/api/v1/summits/ogp2021/bodies/steering-committee/practices").status_code == 404
    )


def test_practice_page_shows_its_texts_and_the_launch_session(client: TestClient) -> None:
    choose_english(client)

    page = client.get(f"{LIBRARY}/1")

    assert page.status_code == 200
    assert ARABIC_TITLE in page.text
    assert "Launch of the African Open Government Network" in page.text


def test_session_page_lists_the_practices_presented_there(
    client: TestClient, demo_database: Database
) -> None:
    choose_english(client)
    with demo_database.read() as db:
        launch = db.exec(
            select(ProgrammeSession.id).where(ProgrammeSession.code == "AFRICAN-OGN-LAUNCH")
        ).one()

    page = client.get(f"/ogp2021/sessions/{launch}").text

    assert "Good practices presented" in page
    assert f'href="{LIBRARY}/1"' in page
    assert "Des forums citoyens" not in page


def test_feed_is_atom_with_the_published_practices(client: TestClient) -> None:
    response = client.get(f"{LIBRARY}.atom")

    feed = ET.fromstring(response.content)  # noqa: S314 - our own answer
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert len(entries) == 4


def test_api_lists_and_reads_published_practices(client: TestClient) -> None:
    listed = client.get(API)
    one = client.get(f"{API}/1")
    found = client.get(API, params={"q": "منصة"})

    assert listed.status_code == 200
    assert len(listed.json()) == 4
    assert one.json()["title"]["ar"] == ARABIC_TITLE
    assert one.json()["theme_slugs"] == ["civic-space", "digital-innovation"]
    assert len(one.json()["session_ids"]) == 2
    assert [item["id"] for item in found.json()] == [1]


def test_openapi_document_describes_the_library(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()

    paths = document["paths"]
    assert "/api/v1/summits/{slug}/bodies/{body_slug}/practices" in paths
    assert "/api/v1/summits/{slug}/bodies/{body_slug}/practices/{practice_id}" in paths
    assert "PracticeOut" in document["components"]["schemas"]


# --- Submitting ------------------------------------------------------------------------------


def test_a_non_member_cannot_submit(client: TestClient, demo_database: Database) -> None:
    sign_in(client, "juror1@example.org")
    before = len(_practices(demo_database))

    form = client.get(f"{LIBRARY}/new")
    posted = _submit(client)

    assert form.status_code == 403
    assert posted.status_code == 403
    assert len(_practices(demo_database)) == before


def test_a_member_submits_and_it_waits_unseen(client: TestClient, demo_database: Database) -> None:
    sign_in(client, "delegate@example.org")
    choose_english(client)

    posted = _submit(client, track_ids="1")
    created = _practices(demo_database)[-1]
    mine = client.get(f"{LIBRARY}/mine").text
    client.cookies.clear()
    public = client.get(f"{LIBRARY}/{created.id}")

    assert posted.status_code == 303
    assert posted.headers["location"].endswith(f"{LIBRARY}/mine")
    assert created.status == PracticeStatus.SUBMITTED
    assert created.links == ["https://example.org/procurement"]
    with demo_database.read() as db:
        morocco = db.exec(select(Delegation).where(Delegation.slug == "morocco")).one()
    assert created.delegation_id == morocco.id
    assert "Open procurement dashboards" in mine
    assert "Waiting for moderation" in mine
    assert public.status_code == 404
    assert _actions(demo_database, f"practice:{created.id}") == ["practice_submitted"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title_en": "", "summary_en": ""}, "title"),
        ({"summary_en": ""}, "summary"),
        ({"links": "javascript:alert(1)"}, "links"),
        ({"country_code": "XX"}, "country_code"),
        ({"track_ids": "999999"}, "track_ids"),
        ({"track_ids": "abc"}, "track_ids"),
    ],
)
def test_a_refused_form_comes_back_with_its_error_and_keeps_nothing(
    client: TestClient, demo_database: Database, fields: dict[str, str], field: str
) -> None:
    sign_in(client, "delegate@example.org")
    before = len(_practices(demo_database))

    posted = _submit(client, **fields)

    assert posted.status_code == 422
    assert f'id="{field}-error"' in posted.text
    assert len(_practices(demo_database)) == before


def test_attachments_follow_the_award_upload_rules(
    client: TestClient, demo_database: Database, tmp_path: Any
) -> None:
    sign_in(client, "delegate@example.org")

    refused = _post(
        client,
        f"{LIBRARY}/new",
        {"title_en": "With a file", "summary_en": "See the file."},
        files=[("attachments", ("report.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"))],
    )
    accepted = _post(
        client,
        f"{LIBRARY}/new",
        {"title_en": "With a file", "summary_en": "See the file."},
        files=[("attachments", ("report.pdf", PDF, "application/pdf"))],
    )
    with demo_database.read() as db:
        files = list(db.exec(select(PracticeFile)))
    practice_id = files[0].practice_id
    download = client.get(f"{LIBRARY}/{practice_id}/attachments/{files[0].id}")
    client.cookies.clear()
    anonymous = client.get(f"{LIBRARY}/{practice_id}/attachments/{files[0].id}")

    assert refused.status_code == 422
    assert accepted.status_code == 303
    assert len(files) == 1
    assert download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment")
    assert anonymous.status_code == 404


# --- Moderating ------------------------------------------------------------------------------


def test_a_non_coordinator_cannot_moderate(client: TestClient, demo_database: Database) -> None:
    waiting = _waiting(demo_database)
    sign_in(client, "delegate2@example.org")  # Kenya: a member, not a chair

    queue = client.get(f"{LIBRARY}/moderation")
    posted = _post(client, f"{LIBRARY}/{waiting.id}/decision", {"decision": "approve", "note": ""})

    assert queue.status_code == 403
    assert posted.status_code == 403
    assert _waiting(demo_database).status == PracticeStatus.SUBMITTED


def test_a_coordinator_approves_and_the_practice_is_published(
    organiser: TestClient, demo_database: Database
) -> None:
    waiting = _waiting(demo_database)

    posted = _post(
        organiser, f"{LIBRARY}/{waiting.id}/decision", {"decision": "approve", "note": ""}
    )
    organiser.cookies.clear()
    found = organiser.get(f"{LIBRARY}?q=forums").text

    with demo_database.read() as db:
        approved = db.get(Practice, waiting.id)
    assert posted.status_code == 303
    assert approved is not None
    assert approved.status == PracticeStatus.PUBLISHED
    assert approved.published_at is not None
    assert f'id="practice-{waiting.id}"' in found
    assert organiser.get(f"{API}/{waiting.id}").status_code == 200
    assert _actions(demo_database, f"practice:{waiting.id}") == ["practice_approved"]


def test_a_co_chair_moderates_its_network(client: TestClient, demo_database: Database) -> None:
    with demo_database.write() as db:
        kenya = db.exec(select(Delegation).where(Delegation.slug == "kenya")).one()
        seat = db.exec(select(BodyMember).where(BodyMember.delegation_id == kenya.id)).first()
        assert seat is not None
        body = db.get(Body, seat.body_id)
        assert body is not None and body.slug == "african-open-government-network"
        seat.role = MemberRole.CO_CHAIR
        db.add(seat)
    waiting = _waiting(demo_database)
    sign_in(client, "delegate2@example.org")

    posted = _post(
        client, f"{LIBRARY}/{waiting.id}/decision", {"decision": "reject", "note": "Duplicate."}
    )

    assert posted.status_code == 303
    with demo_database.read() as db:
        rejected = db.get(Practice, waiting.id)
    assert rejected is not None and rejected.status == PracticeStatus.REJECTED


def test_changes_asked_need_a_note_and_the_submitter_answers_by_editing(
    client: TestClient, demo_database: Database
) -> None:
    sign_in(client, "delegate@example.org")
    choose_english(client)
    _submit(client)
    created = _practices(demo_database)[-1]
    client.cookies.clear()
    sign_in(client, "organiser@example.org")
    choose_english(client)

    without_note = _post(
        client, f"{LIBRARY}/{created.id}/decision", {"decision": "request_changes", "note": " "}
    )
    with_note = _post(
        client,
        f"{LIBRARY}/{created.id}/decision",
        {"decision": "request_changes", "note": "Name the ministry, please."},
    )
    client.cookies.clear()
    sign_in(client, "delegate@example.org")
    choose_english(client)
    mine = client.get(f"{LIBRARY}/mine").text
    edited = _post(
        client,
        f"{LIBRARY}/{created.id}/edit",
        {"title_en": "Open procurement dashboards", "summary_en": "The finance ministry does."},
    )

    assert without_note.status_code == 422
    assert 'id="note-error"' in without_note.text
    assert with_note.status_code == 303
    assert "Name the ministry, please." in mine
    assert edited.status_code == 303
    with demo_database.read() as db:
        again = db.get(Practice, created.id)
    assert again is not None
    assert again.status == PracticeStatus.SUBMITTED
    assert again.summary == {"en": "The finance ministry does."}
    assert _actions(demo_database, f"practice:{created.id}") == [
        "practice_submitted",
        "practice_changes_requested",
        "practice_edited",
    ]


def test_a_published_practice_can_no_longer_be_edited_by_its_submitter(
    client: TestClient, demo_database: Database
) -> None:
    sign_in(client, "delegate@example.org")
    _submit(client)
    created = _practices(demo_database)[-1]
    with demo_database.write() as db:
        row = db.get(Practice, created.id)
        assert row is not None
        row.status = PracticeStatus.PUBLISHED
        db.add(row)

    response = _post(client, f"{LIBRARY}/{created.id}/edit", {"title_en": "Changed"})

    assert response.status_code == 404


def test_a_coordinator_links_sessions_and_unknown_codes_are_refused(
    organiser: TestClient, demo_database: Database
) -> None:
    choose_english(organiser)

    unknown = _post(organiser, f"{LIBRARY}/1/sessions", {"sessions": "NO-SUCH-SESSION"})
    linked = _post(organiser, f"{LIBRARY}/1/sessions", {"sessions": "opening"})
    page = organiser.get(f"{LIBRARY}/1").text

    assert unknown.status_code == 422
    assert 'id="sessions-error"' in unknown.text
    assert linked.status_code == 303
    assert "Launch of the African Open Government Network" not in page
    assert _actions(demo_database, "practice:1") == ["practice_sessions_linked"]


def test_a_hostile_decision_is_refused(organiser: TestClient, demo_database: Database) -> None:
    waiting = _waiting(demo_database)

    posted = _post(
        organiser, f"{LIBRARY}/{waiting.id}/decision", {"decision": "publish!", "note": "x" * 5000}
    )

    assert posted.status_code == 422
    assert _waiting(demo_database).id == waiting.id


def _catalogue_queries(client: TestClient, demo_database: Database, published: int) -> int:
    """Queries for the catalogue with ``published`` practices published (of the demo's five)."""
    with demo_database.write() as db:
        for index, row in enumerate(db.exec(select(Practice).order_by(col(Practice.id)))):
            row.status = PracticeStatus.PUBLISHED if index < published else PracticeStatus.REJECTED
            db.add(row)
    client.get(LIBRARY)  # templates and catalogs loaded once
    with count_queries(demo_database.engine) as statements:
        assert client.get(LIBRARY).status_code == 200
    return len(statements)


def test_catalogue_runs_the_same_queries_for_one_practice_or_three(
    client: TestClient, demo_app: Any
) -> None:
    database = demo_app.state.db

    one = _catalogue_queries(client, database, 1)
    three = _catalogue_queries(client, database, 3)

    assert one == three
