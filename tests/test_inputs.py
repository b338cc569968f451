"""Numbers, days and times from forms, query strings and sockets: each value that once answered
500 now answers with an error beside its field (or is ignored, where a filter makes no sense)."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from summit.agenda.models import ProgrammeSession, Stream
from summit.db import Database
from summit.errors import DomainError
from summit.parsing import (
    calendar_day,
    clock_time,
    local_datetime,
    or_none,
    row_id,
    whole_number,
)
from tests.api_support import _token as api_token
from tests.conftest import BASE_URL, make_client, post_form
from tests.test_live import _set_status as set_status

AWARD = "/ogp2021/manage/awards/open-gov-award-local-innovation-2021"
HUGE = str(2**64)
SUPERSCRIPT_TWO = "²"  # str.isdigit() says yes, int() says no
WS = BASE_URL.replace("http://", "ws://")


@pytest.mark.parametrize(
    "text",
    [SUPERSCRIPT_TWO, "٣", "1_000", "１", HUGE, "-" + HUGE, "", " ", "1.0", "0x10", "1e3", "\x00"],
)
def test_a_whole_number_is_ascii_digits_within_bounds(text: str) -> None:
    with pytest.raises(DomainError) as refused:
        whole_number(text, field="position", low=-(2**31), high=2**31 - 1)

    assert refused.value.field == "position"


def test_a_whole_number_may_carry_a_sign_and_spaces() -> None:
    assert [whole_number(text, field="n", low=-10, high=10) for text in ("-3", " +4 ", "007")] == [
        -3,
        4,
        7,
    ]


@pytest.mark.parametrize("text", ["0", "-1", SUPERSCRIPT_TWO, str(2**31)])
def test_a_row_id_is_one_of_the_choices(text: str) -> None:
    with pytest.raises(DomainError) as refused:
        row_id(text, field="stream_id")

    assert (refused.value.field, refused.value.template) == ("stream_id", "Choose from the list.")


@pytest.mark.parametrize(
    "text",
    ["0001-01-01", "9999-12-31", "20211215", "2021-W50-3", "٢٠٢١-١٢-١٥", "2021-02-30", "2021-1-5"],
)
def test_a_day_is_written_in_full_and_not_near_the_ends_of_the_calendar(text: str) -> None:
    with pytest.raises(DomainError):
        calendar_day(text, field="day")


def test_days_times_and_moments_read_what_browsers_send() -> None:
    assert calendar_day("2021-12-15", field="day") == date(2021, 12, 15)
    assert clock_time("9:05", field="start_time") == time(9, 5)
    assert local_datetime("2021-06-01T09:00", field="opens_at").isoformat() == "2021-06-01T09:00:00"
    assert or_none(calendar_day, "9999-12-31", field="day") is None


@pytest.mark.parametrize("text", ["24:00", "9:60", "²:00", "9", "0001-01-01T00:00"])
def test_a_bad_time_is_refused(text: str) -> None:
    with pytest.raises(DomainError):
        clock_time(text, field="start_time")


def _ids(database: Database) -> dict[str, int]:
    with database.read() as db:
        opening = db.exec(select(ProgrammeSession).where(ProgrammeSession.code == "OPENING")).one()
        stream = db.exec(select(Stream).where(Stream.slug == "plenary")).one()
    assert opening.id is not None and stream.id is not None
    return {"opening": opening.id, "stream": stream.id}


_SESSION = {"code": "FUZZ-1", "kind": "panel", "title_en": "A session", "start_time": "09:00"}
_CRITERION = {"slug": "reach", "name_en": "Reach", "weight": "1"}
_CALL = {
    "category": "local",
    "name_en": "Award",
    "opens_at": "2021-06-01T09:00",
    "closes_at": "2021-09-30T18:00",
    "scoring_closes_at": "2021-11-15T18:00",
}

# (path, form, the field whose error the answer shows)
REFUSED_FORMS = {
    "session day in year 1": (
        "/ogp2021/manage/sessions/new",
        _SESSION | {"day": "0001-01-01", "duration": "60"},
        "day",
    ),
    "edited session day in year 1": (
        "/ogp2021/manage/sessions/{opening}",
        _SESSION | {"day": "0001-01-01", "duration": "60"},
        "day",
    ),
    "session day in year 9999 with a huge duration": (
        "/ogp2021/manage/sessions/new",
        _SESSION | {"day": "9999-12-31", "start_time": "23:00", "duration": "999999999"},
        "day",
    ),
    "session with a huge duration": (
        "/ogp2021/manage/sessions/new",
        _SESSION | {"day": "2021-12-15", "duration": HUGE},
        "duration",
    ),
    "session stream id ²": (
        "/ogp2021/manage/sessions/new",
        _SESSION | {"day": "2021-12-15", "duration": "60", "stream_id": SUPERSCRIPT_TWO},
        "stream_id",
    ),
    "award opening in year 1": (AWARD, _CALL | {"opens_at": "0001-01-01T00:00"}, "opens_at"),
    "new award opening in year 1": (
        "/ogp2021/manage/awards/new",
        _CALL | {"slug": "another", "opens_at": "0001-01-01T00:00"},
        "opens_at",
    ),
    "stream position": (
        "/ogp2021/manage/streams/new",
        {"slug": "side", "name_en": "Side room", "position": HUGE},
        "position",
    ),
    "theme position": (
        "/ogp2021/manage/themes/new",
        {"slug": "side", "name_en": "Side theme", "position": HUGE},
        "position",
    ),
    "criterion position": (f"{AWARD}/rubric", _CRITERION | {"position": HUGE}, "position"),
    "criterion scale_min": (f"{AWARD}/rubric", _CRITERION | {"scale_min": "-" + HUGE}, "scale_min"),
    "criterion scale_max": (f"{AWARD}/rubric", _CRITERION | {"scale_max": HUGE}, "scale_max"),
    "criterion id ²": (
        f"{AWARD}/rubric",
        _CRITERION | {"criterion_id": SUPERSCRIPT_TWO},
        "criterion",
    ),
    "round number ²": (f"{AWARD}/rounds", {"number": SUPERSCRIPT_TWO, "name_en": "R"}, "number"),
    "shortlist size ²": (
        f"{AWARD}/rounds",
        {"number": "3", "name_en": "R", "shortlist_size": SUPERSCRIPT_TWO},
        "shortlist_size",
    ),
    "assignment round ²": (
        f"{AWARD}/assignments",
        {"round": SUPERSCRIPT_TWO, "member_id": "1", "submission_id": "1"},
        "round",
    ),
    "assignment member ²": (
        f"{AWARD}/assignments",
        {"round": "1", "member_id": SUPERSCRIPT_TWO, "submission_id": "1"},
        "member_id",
    ),
    "assignment submission ²": (
        f"{AWARD}/assignments",
        {"round": "1", "member_id": "1", "submission_id": SUPERSCRIPT_TWO},
        "submission_id",
    ),
    "automatic assignment count ²": (
        f"{AWARD}/assignments/auto",
        {"round": "1", "per_submission": SUPERSCRIPT_TWO},
        "per_submission",
    ),
    "conflict member ²": (
        f"{AWARD}/conflicts",
        {"member_id": SUPERSCRIPT_TWO, "submission_id": "1"},
        "member_id",
    ),
    "place ²": (f"{AWARD}/results/places", {"place-1": SUPERSCRIPT_TWO}, "place-1"),
    "mention ²": (f"{AWARD}/results/places", {"mention": SUPERSCRIPT_TWO}, "mention"),
    "invitation delegation ²": (
        "/ogp2021/manage/invitations",
        {"email": "guest@example.org", "role": "delegate", "delegation_id": SUPERSCRIPT_TWO},
        "delegation_id",
    ),
    "invitation person ²": (
        "/ogp2021/manage/invitations",
        {"email": "guest@example.org", "role": "speaker", "person_id": SUPERSCRIPT_TWO},
        "person_id",
    ),
    "token days ²": (
        "/ogp2021/manage/tokens",
        {"name": "feed", "scope": "programme:write", "days": SUPERSCRIPT_TWO},
        "days",
    ),
}


def _post(client: TestClient, database: Database, path: str, form: dict[str, str]) -> Any:
    """Post ``form`` to ``path``, their ``{opening}`` and ``{stream}`` filled in."""
    ids = _ids(database)
    data = {name: value.format(**ids) for name, value in form.items()}
    return post_form(client, path.format(**ids), data, token_from="/ogp2021/manage/")


# The schedule editor's drags and the live console: one message for the whole form.
REFUSED_EDITS = {
    "move to stream ²": (
        "/ogp2021/manage/sessions/{opening}/move",
        {"stream_id": SUPERSCRIPT_TWO, "start_time": "09:00", "day": "2021-12-15"},
        "Choose from the list.",
    ),
    "move with duration ²": (
        "/ogp2021/manage/sessions/{opening}/move",
        {
            "stream_id": "{stream}",
            "start_time": "09:00",
            "day": "2021-12-15",
            "duration": SUPERSCRIPT_TWO,
        },
        "Give a whole number from 1 to 1440.",
    ),
    "resize by ²": (
        "/ogp2021/manage/sessions/{opening}/resize",
        {"delta": SUPERSCRIPT_TWO},
        "Give a whole number from -1440 to 1440.",
    ),
    "resize by a huge delta": (
        "/ogp2021/manage/sessions/{opening}/resize",
        {"delta": HUGE},
        "Give a whole number from -1440 to 1440.",
    ),
    "delay ²": (
        "/ogp2021/manage/sessions/{opening}/status",
        {"status": "late", "delay_minutes": SUPERSCRIPT_TWO},
        "Give a whole number from 0 to 1440.",
    ),
}


@pytest.mark.parametrize(("path", "form", "message"), REFUSED_EDITS.values(), ids=REFUSED_EDITS)
def test_a_bad_number_in_an_edit_is_refused_with_its_message(
    organiser: TestClient, demo_database: Database, path: str, form: dict[str, str], message: str
) -> None:
    response = _post(organiser, demo_database, path, form)

    assert response.status_code == 422
    assert f'<p class="form-error" role="alert">{message}</p>' in response.text


@pytest.mark.parametrize(("path", "form", "field"), REFUSED_FORMS.values(), ids=REFUSED_FORMS)
def test_a_bad_number_or_day_comes_back_beside_its_field(
    organiser: TestClient, demo_database: Database, path: str, form: dict[str, str], field: str
) -> None:
    response = _post(organiser, demo_database, path, form)

    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/ogp2021/programme/grid?day=9999-12-31",
        "/ogp2021/programme/grid?day=0001-01-01",
        "/ogp2021/programme?day=9999-12-31",
        "/ogp2021/manage/schedule?day=9999-12-31",
        f"{AWARD}/jury?round={SUPERSCRIPT_TWO}",
        f"{AWARD}/progress?round={SUPERSCRIPT_TWO}",
        f"{AWARD}/jury?round={HUGE}",
    ],
)
def test_a_query_value_that_makes_no_sense_is_ignored(organiser: TestClient, path: str) -> None:
    assert organiser.get(path).status_code == 200


def test_the_public_grid_of_a_far_day_shows_the_first_day(client: TestClient) -> None:
    far = client.get("/ogp2021/programme/grid?day=9999-12-31")
    first = client.get("/ogp2021/programme/grid")

    assert far.status_code == 200
    assert far.text == first.text


@pytest.mark.parametrize(
    "path",
    [
        f"{AWARD}/rubric/{HUGE}/delete",
        f"{AWARD}/jury/{HUGE}/remove",
        "/ogp2021/manage/sessions/" + HUGE + "/resize",
    ],
)
def test_an_id_in_the_path_too_large_for_any_row_is_not_found(
    organiser: TestClient, path: str
) -> None:
    response = post_form(organiser, path, {"delta": "5"}, token_from="/ogp2021/manage/")

    assert response.status_code == 404


@pytest.mark.parametrize("query", [f"last={SUPERSCRIPT_TWO}", f"last={HUGE}", "last=-1"])
def test_a_socket_with_an_unreadable_last_event_opens_without_a_replay(
    organiser: TestClient, demo_database: Database, query: str
) -> None:
    opening = _ids(demo_database)["opening"]
    with organiser.websocket_connect(
        f"{WS}/ogp2021/live?page=session&session={opening}&{query}",
        headers={"origin": BASE_URL},
    ) as socket:
        changed = set_status(organiser, opening, "live")
        message = socket.receive_text()

    assert changed == 204
    assert '<article id="session-page"' in message


@pytest.mark.parametrize("session", [SUPERSCRIPT_TWO, HUGE])
def test_a_socket_for_an_unreadable_session_follows_no_session(
    client: TestClient, session: str
) -> None:
    with client.websocket_connect(
        f"{WS}/ogp2021/live?page=session&session={session}", headers={"origin": BASE_URL}
    ) as socket:
        socket.send_text("x" * 5000)
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_text()

    # The socket was open, served as a page of no session, until it broke the size rule.
    assert closed.value.code == 1009


@pytest.mark.parametrize("day", ["9999-12-31", "20211215", "2021-W50-3", SUPERSCRIPT_TWO])
def test_the_api_reads_days_as_the_pages_do(client: TestClient, day: str) -> None:
    response = client.get(f"/api/v1/summits/ogp2021/sessions?day={day}")

    assert response.status_code == 422
    assert response.json()["fields"] == {"day": "Give a date: YYYY-MM-DD."}


@pytest.mark.parametrize(
    "starts_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00+00:00", "1899-12-31T09:00:00Z"]
)
def test_the_api_refuses_to_move_a_session_to_the_ends_of_the_calendar(
    demo_app: Starlette, demo_database: Database, starts_at: str
) -> None:
    token = api_token(demo_database)
    with make_client(demo_app) as api:
        moved = api.post(
            f"/api/v1/summits/ogp2021/sessions/{_ids(demo_database)['opening']}/move",
            json={"stream_id": _ids(demo_database)["stream"], "starts_at": starts_at},
            headers={"authorization": f"Bearer {token}"},
        )

    assert moved.status_code == 422
    assert list(moved.json()["fields"]) == ["starts_at"]
    assert "between the years 1970 and 2999" in moved.json()["fields"]["starts_at"]


def test_the_api_refuses_a_session_at_the_ends_of_the_calendar(
    demo_app: Starlette, demo_database: Database
) -> None:
    token = api_token(demo_database)
    with make_client(demo_app) as api:
        created = api.post(
            "/api/v1/summits/ogp2021/sessions",
            json={
                "code": "FAR-1",
                "kind": "panel",
                "title": {"en": "Far"},
                "starts_at": "9999-12-31T23:00:00+00:00",
                "ends_at": "9999-12-31T23:30:00+00:00",
            },
            headers={"authorization": f"Bearer {token}"},
        )

    assert created.status_code == 422
    assert set(created.json()["fields"]) == {"starts_at", "ends_at"}
