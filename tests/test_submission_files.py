"""Submissions' attachments: checked by their content, name, size and number, removed while the call
is open, and served only as downloads to those allowed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from summit.auth.models import Account
from summit.awards.models import (
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
from tests.conftest import BASE_URL, another_browser, make_client, post_form, sign_in
from tests.submissions_support import (
    AWARD,
    DURING_THE_CALL,
    MINE,
    PDF,
    _app,
    _files,
    _mine,
    _submit,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


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
    entrant: TestClient, demo_database: Database
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
        client = another_browser(entrant)
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


def test_a_conflicted_juror_cannot_download(entrant: TestClient, demo_database: Database) -> None:
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

    client = another_browser(entrant)
    sign_in(client, "juror3@example.org")
    response = client.get(path)

    assert response.status_code == 404


def test_an_attachment_is_not_reachable_through_another_award(
    demo_database: Database, entrant: TestClient
) -> None:
    organiser = another_browser(entrant)
    sign_in(organiser, "organiser@example.org")
    _submit(entrant, [("plan.pdf", PDF)])
    attachment = _files(demo_database)[0]

    response = organiser.get(f"/ogp2021/awards/no-such-award/attachments/{attachment.id}")

    assert response.status_code == 404
