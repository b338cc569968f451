"""Entrants' submissions: the form while the call is open, attachments checked by their content
and served only as downloads to those allowed, and organisers' CSV imports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from summit.app import create_app
from summit.auth.models import Account, AuditEntry
from summit.awards.models import (
    Attachment,
    AwardRound,
    Conflict,
    ConflictSource,
    JuryAssignment,
    JuryMember,
    Submission,
)
from summit.db import Database
from summit.persistence import pk
from summit.settings import Settings
from tests.conftest import BASE_URL, csrf_token, make_client, post_form, sign_in

AWARD = "open-gov-award-local-innovation-2021"
SUBMIT = f"/ogp2021/awards/{AWARD}/submit"
MINE = f"/ogp2021/awards/{AWARD}/my"
DURING_THE_CALL = datetime(2021, 7, 1, 3, 0, tzinfo=UTC)
AFTER_THE_CALL = datetime(2021, 10, 1, 3, 0, tzinfo=UTC)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    return tmp_path / "uploads"


def _app(settings: Settings, uploads: Path, moment: datetime, **overrides: Any) -> Starlette:
    changed = settings.model_copy(update={"upload_dir": uploads, **overrides})
    return create_app(changed, clock=lambda: moment)


@pytest.fixture
def open_app(demo_settings: Settings, uploads: Path) -> Starlette:
    return _app(demo_settings, uploads, DURING_THE_CALL)


@pytest.fixture
def entrant(open_app: Starlette) -> Iterator[TestClient]:
    with make_client(open_app) as client:
        sign_in(client, "delegate2@example.org")
        yield client


def _entry(**overrides: str) -> dict[str, str]:
    return {
        "entity_name": "Lakeside Example Town (fictional)",
        "entity_kind": "local_government",
        "country_code": "GH",
        "organisation": "Lakeside Example Town Council",
        "contact_name": "Ama Sample",
        "contact_email": "lakeside@example.org",
        "language": "en",
        "title": "Open contracting for market stalls",
        "summary": "Stall holders see and comment on every contract. Fictional.",
    } | overrides


def _submit(
    client: TestClient, files: list[tuple[str, bytes]] | None = None, **overrides: str
) -> Any:
    return client.post(
        SUBMIT,
        data={**_entry(**overrides), "csrf_token": csrf_token(client, SUBMIT)},
        files=[("attachments", (name, data, "application/octet-stream")) for name, data in files]
        if files
        else None,
        headers={"origin": BASE_URL},
        follow_redirects=False,
    )


def _mine(database: Database, email: str = "delegate2@example.org") -> Submission | None:
    with database.read() as db:
        return db.exec(
            select(Submission)
            .join(Account, col(Account.id) == Submission.submitter_account_id)
            .where(Account.email == email)
        ).first()


def _files(database: Database) -> list[Attachment]:
    with database.read() as db:
        return list(db.exec(select(Attachment).order_by(col(Attachment.id))))


def test_a_signed_in_entrant_submits_with_files_stored_under_random_names(
    entrant: TestClient, demo_database: Database, uploads: Path
) -> None:
    response = _submit(entrant, [("plan.pdf", PDF), ("Photo.PNG", PNG)])

    assert response.status_code == 303
    assert response.headers["location"].endswith(MINE)
    mine = _mine(demo_database)
    assert mine is not None
    assert (mine.title, mine.country_code, mine.status) == (
        "Open contracting for market stalls",
        "GH",
        "submitted",
    )
    files = _files(demo_database)
    assert [(f.original_name, f.content_type, f.size_bytes) for f in files] == [
        ("plan.pdf", "application/pdf", len(PDF)),
        ("Photo.png", "image/png", len(PNG)),
    ]
    assert sorted(path.name for path in uploads.iterdir()) == sorted(f.stored_name for f in files)
    assert (uploads / files[0].stored_name).read_bytes() == PDF
    page = entrant.get(MINE).text
    assert "Open contracting for market stalls" in page and "plan.pdf" in page


@pytest.mark.parametrize(
    ("name", "data"),
    [("report.pdf", PNG), ("report.pdf", EXE), ("setup.exe", EXE), ("notes.txt", b"hello")],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(
    entrant: TestClient, demo_database: Database, uploads: Path, name: str, data: bytes
) -> None:
    response = _submit(entrant, [("fine.pdf", PDF), (name, data)])

    assert response.status_code == 422
    assert f"{name} is not a PDF, PNG, JPEG or WebP file." in response.text
    assert (_mine(demo_database), _files(demo_database)) == (None, [])
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_a_file_over_ten_megabytes_is_refused(entrant: TestClient, demo_database: Database) -> None:
    big = PDF + b"0" * (10 * 1024 * 1024)

    response = _submit(entrant, [("big.pdf", big)])

    assert response.status_code == 422
    assert "big.pdf is larger than 10 MB." in response.text
    assert _files(demo_database) == []


def test_a_very_long_file_name_comes_back_on_the_form(
    entrant: TestClient, demo_database: Database
) -> None:
    response = _submit(entrant, [("x" * 5000 + ".pdf", PDF)])

    assert response.status_code == 422
    assert 'id="attachments-error"' in response.text
    assert 'id="title"' in response.text  # the form, not a bare error page
    assert (_mine(demo_database), _files(demo_database)) == (None, [])


def test_a_file_name_loses_its_direction_and_invisible_characters(
    entrant: TestClient, demo_database: Database
) -> None:
    response = _submit(entrant, [("invoice\u202efdp.exe\u200b.pdf", PDF)])

    assert response.status_code == 303
    assert [f.original_name for f in _files(demo_database)] == ["invoicefdp.exe.pdf"]


def test_more_than_five_files_are_refused(entrant: TestClient, demo_database: Database) -> None:
    response = _submit(entrant, [(f"page{n}.png", PNG) for n in range(6)])

    assert response.status_code == 422
    assert "A submission holds at most 5 files." in response.text
    assert _files(demo_database) == []


def test_a_body_over_the_upload_limit_is_refused_before_it_is_read(
    demo_settings: Settings, uploads: Path
) -> None:
    app = _app(demo_settings, uploads, DURING_THE_CALL, max_upload_bytes=64 * 1024)
    with make_client(app) as client:
        sign_in(client, "delegate2@example.org")
        response = _submit(client, [("plan.pdf", PDF + b"0" * 100_000)])
        small = _submit(client, [("plan.pdf", PDF)])

    assert (response.status_code, small.status_code) == (413, 303)


def test_the_upload_route_may_take_more_than_other_routes(
    demo_settings: Settings, uploads: Path
) -> None:
    app = _app(demo_settings, uploads, DURING_THE_CALL, max_request_bytes=32 * 1024)
    with make_client(app) as client:
        sign_in(client, "delegate2@example.org")
        upload = _submit(client, [("plan.pdf", PDF + b"0" * 100_000)])
        elsewhere = client.post(
            "/signin", data={"email": "x" * 40_000}, headers={"origin": BASE_URL}
        )

    assert (upload.status_code, elsewhere.status_code) == (303, 413)


def test_an_entrant_changes_their_submission_while_the_call_is_open(
    entrant: TestClient, demo_database: Database
) -> None:
    _submit(entrant, [("plan.pdf", PDF)])
    form = entrant.get(SUBMIT).text
    assert 'value="Open contracting for market stalls"' in form

    response = _submit(entrant, title="Open contracting, second edition")

    assert response.status_code == 303
    with demo_database.read() as db:
        mine = db.exec(select(Submission).where(col(Submission.code).startswith("S-"))).all()
    assert [row.title for row in mine] == ["Open contracting, second edition"]
    assert len(_files(demo_database)) == 1


def test_an_entrant_removes_a_file_while_the_call_is_open(
    entrant: TestClient, demo_database: Database, uploads: Path
) -> None:
    _submit(entrant, [("plan.pdf", PDF)])
    attachment = _files(demo_database)[0]

    response = post_form(
        entrant,
        f"/ogp2021/awards/{AWARD}/my/attachments/{attachment.id}/delete",
        {},
        token_from=MINE,
    )

    assert response.status_code == 303
    assert (_files(demo_database), list(uploads.iterdir())) == ([], [])


def test_invalid_fields_come_back_inline(entrant: TestClient, demo_database: Database) -> None:
    response = _submit(entrant, contact_email="not an address", country_code="QQ")

    assert response.status_code == 422
    assert 'id="contact_email-error"' in response.text
    assert 'id="country_code-error"' in response.text
    assert _mine(demo_database) is None


def test_another_summits_delegation_is_refused(
    entrant: TestClient, demo_database: Database
) -> None:
    response = _submit(entrant, delegation_id="999999")

    assert response.status_code == 422
    assert "No such delegation in this summit." in response.text


def test_a_closed_call_refuses_new_submissions_and_changes(
    demo_settings: Settings, demo_database: Database, uploads: Path, entrant: TestClient
) -> None:
    _submit(entrant, [("plan.pdf", PDF)])
    attachment = _files(demo_database)[0]
    closed = _app(demo_settings, uploads, AFTER_THE_CALL)
    with make_client(closed) as client:
        sign_in(client, "delegate2@example.org")
        page = client.get(SUBMIT)
        changed = _submit(client, title="Too late")
        removed = post_form(
            client,
            f"/ogp2021/awards/{AWARD}/my/attachments/{attachment.id}/delete",
            {},
            token_from=MINE,
        )
        mine = client.get(MINE)
        sign_in(client, "delegate@example.org")
        newcomer = _submit(client)

    assert page.status_code == 200
    assert "This call is not open for submissions." in page.text
    assert 'id="submission-form"' not in page.text
    assert (changed.status_code, removed.status_code, newcomer.status_code) == (422, 422, 422)
    stored = _mine(demo_database)
    assert stored is not None and stored.title == "Open contracting for market stalls"
    assert len(_files(demo_database)) == 1
    assert _mine(demo_database, "delegate@example.org") is None
    assert "The call has closed" in mine.text


def test_anonymous_visitors_are_sent_to_sign_in(open_app: Starlette) -> None:
    with make_client(open_app) as client:
        response = client.get(SUBMIT, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin?next=")


def _assign(database: Database, email: str, submission: Submission) -> None:
    with database.write() as db:
        member = db.exec(
            select(JuryMember)
            .join(Account, col(Account.id) == JuryMember.account_id)
            .where(Account.email == email)
        ).one()
        round_one = db.exec(select(AwardRound).where(AwardRound.number == 1)).one()
        db.add(
            JuryAssignment(
                round_id=pk(round_one), submission_id=pk(submission), jury_member_id=pk(member)
            )
        )


def test_files_download_with_safe_headers_only_for_those_allowed(
    open_app: Starlette, entrant: TestClient, demo_database: Database
) -> None:
    _submit(entrant, [("plan.pdf", PDF)])
    mine = _mine(demo_database)
    assert mine is not None
    _assign(demo_database, "juror3@example.org", mine)
    path = f"/ogp2021/awards/{AWARD}/attachments/{_files(demo_database)[0].id}"

    own = entrant.get(path)
    answers = {}
    for email in (
        "organiser@example.org",
        "juror3@example.org",
        "juror4@example.org",
        "delegate@example.org",
    ):
        with make_client(open_app) as client:
            sign_in(client, email)
            answers[email] = client.get(path).status_code

    assert own.status_code == 200
    assert own.content == PDF
    assert own.headers["content-type"] == "application/pdf"
    assert own.headers["content-disposition"] == 'attachment; filename="plan.pdf"'
    assert own.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in own.headers["content-security-policy"]
    assert answers == {
        "organiser@example.org": 200,
        "juror3@example.org": 200,  # assigned
        "juror4@example.org": 404,  # on the jury, not assigned
        "delegate@example.org": 404,
    }


def test_a_conflicted_juror_cannot_download(
    open_app: Starlette, entrant: TestClient, demo_database: Database
) -> None:
    _submit(entrant, [("plan.pdf", PDF)])
    mine = _mine(demo_database)
    assert mine is not None
    _assign(demo_database, "juror3@example.org", mine)
    with demo_database.write() as db:
        member = db.exec(
            select(JuryMember)
            .join(Account, col(Account.id) == JuryMember.account_id)
            .where(Account.email == "juror3@example.org")
        ).one()
        db.add(
            Conflict(
                jury_member_id=pk(member), submission_id=pk(mine), source=ConflictSource.DECLARED
            )
        )
    path = f"/ogp2021/awards/{AWARD}/attachments/{_files(demo_database)[0].id}"

    with make_client(open_app) as client:
        sign_in(client, "juror3@example.org")
        response = client.get(path)

    assert response.status_code == 404


def test_an_attachment_is_not_reachable_through_another_award(
    organiser_open: TestClient, demo_database: Database, entrant: TestClient
) -> None:
    _submit(entrant, [("plan.pdf", PDF)])
    attachment = _files(demo_database)[0]

    response = organiser_open.get(f"/ogp2021/awards/no-such-award/attachments/{attachment.id}")

    assert response.status_code == 404


@pytest.fixture
def organiser_open(open_app: Starlette) -> Iterator[TestClient]:
    with make_client(open_app) as client:
        sign_in(client, "organiser@example.org")
        yield client


def test_a_new_submission_from_a_jurors_country_is_a_logged_conflict(
    entrant: TestClient, demo_database: Database
) -> None:
    # juror2 is a delegate of Nigeria.
    response = _submit(entrant, country_code="NG")

    assert response.status_code == 303
    mine = _mine(demo_database)
    assert mine is not None
    with demo_database.read() as db:
        conflicts = db.exec(select(Conflict).where(Conflict.submission_id == pk(mine))).all()
        juror2 = db.exec(select(Account).where(Account.email == "juror2@example.org")).one()
        logged = [
            entry  # the seeded jurors' own recusals are logged too
            for entry in db.exec(select(AuditEntry).where(AuditEntry.action == "recusal"))
            if entry.detail["submission"] == mine.code
        ]
        members = {m.id: m.account_id for m in db.exec(select(JuryMember))}
    assert [(members[c.jury_member_id], c.source) for c in conflicts] == [(juror2.id, "country")]
    assert [entry.detail["juror_account_id"] for entry in logged] == [juror2.id]


CSV_HEADER = "code,entity_name,entity_kind,country_code,delegation,language,title,summary\n"


def _import(client: TestClient, text: str) -> Any:
    path = f"/ogp2021/manage/awards/{AWARD}/submissions/import"
    return client.post(
        path,
        data={"csrf_token": csrf_token(client, "/signin")},
        files={"file": ("entries.csv", text.encode(), "text/csv")},
        headers={"origin": BASE_URL},
        follow_redirects=False,
    )


def test_a_csv_import_adds_and_updates_by_code(
    organiser_open: TestClient, demo_database: Database
) -> None:
    text = CSV_HEADER + (
        "GH-LAKESIDE,Lakeside (fictional),local_government,GH,,en,Market stalls,Fictional.\n"
        "KE-RIVERSIDE,Riverside Example County Council (fictional),local_government,KE,kenya,"
        'en,"SMS budgets, again",Changed.\n'
    )

    response = _import(organiser_open, text)

    assert response.status_code == 200
    assert "2 submissions imported." in response.text
    with demo_database.read() as db:
        rows = {
            row.code: row
            for row in db.exec(
                select(Submission).where(col(Submission.code).in_(["GH-LAKESIDE", "KE-RIVERSIDE"]))
            )
        }
    assert (rows["GH-LAKESIDE"].country_code, rows["KE-RIVERSIDE"].title) == (
        "GH",
        "SMS budgets, again",
    )


def test_a_csv_import_with_bad_lines_saves_nothing_and_names_each_line(
    organiser_open: TestClient, demo_database: Database
) -> None:
    with demo_database.read() as db:
        before = len(db.exec(select(Submission)).all())
    text = CSV_HEADER + (
        "GH-LAKESIDE,Lakeside (fictional),local_government,GH,,en,Market stalls,Fictional.\n"
        "bad code,Somewhere,local_government,GH,,en,Title,Summary\n"
        "GH-TWO,Somewhere,spaceship,GH,,en,Title,Summary\n"
        "GH-THREE,Somewhere,local_government,GH,atlantis,en,Title,Summary\n"
        "GH-LAKESIDE,Again,local_government,GH,,en,Title,Summary\n"
    )

    response = _import(organiser_open, text)

    assert response.status_code == 422
    assert "Nothing was imported" in response.text
    assert "Line 3: code: use upper-case letters" in response.text
    assert "Line 4: entity_kind:" in response.text
    assert "Line 5: no delegation &#39;atlantis&#39; in this summit" in response.text
    assert "Line 6: code GH-LAKESIDE already on line 2" in response.text
    assert "Line 2:" not in response.text
    with demo_database.read() as db:
        assert len(db.exec(select(Submission)).all()) == before


def test_a_csv_without_the_required_columns_is_refused(organiser_open: TestClient) -> None:
    response = _import(organiser_open, "code,title,colour\nX,Y,red\n")

    assert response.status_code == 422
    assert "Line 1: missing columns: entity_kind, entity_name, language, summary" in response.text
    assert "unknown columns: colour" in response.text
