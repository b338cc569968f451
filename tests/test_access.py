"""Every route declares who may use it, and answers each kind of caller as the table says."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession, Summit
from summit.auth.forms import AccountInput, RoleInput
from summit.auth.models import Account, Role, RoleGrant
from summit.auth.services import grant_role, upsert_account
from summit.awards.assignment import unassign
from summit.awards.models import Award, JuryAssignment, JuryMember
from summit.db import Database
from summit.people.models import Delegation, Person
from summit.persistence import pk
from summit.web.access import access_of
from tests.conftest import BASE_URL, DEMO_PASSWORD, csrf_token, make_client, sign_in
from tests.factories import make_summit

CALLERS = ["anonymous", "delegate", "juror", "organiser", "other_organiser"]
EMAILS = {
    "delegate": "delegate@example.org",
    "juror": "juror1@example.org",
    "organiser": "organiser@example.org",
    "other_organiser": "other.organiser@example.org",
}
SIGNED_IN = {"delegate": 200, "juror": 200, "organiser": 200, "other_organiser": 200}
ORGANISER_ONLY = {
    "anonymous": 303,
    "delegate": 403,
    "juror": 403,
    "organiser": 200,
    "other_organiser": 403,
}
ORGANISER_ONLY_POST = {**ORGANISER_ONLY, "anonymous": 403}
MEMBER_POST = {**ORGANISER_ONLY_POST, "organiser": 403}
"""Refused to everyone by default: each entry says what members of the summit get."""
AWARD = "open-gov-award-local-innovation-2021"
RESULTS = f"/ogp2021/manage/awards/{AWARD}/results"
JUROR_ONLY = {**ORGANISER_ONLY, "juror": 200, "organiser": 403}
JUROR_ONLY_POST = {**JUROR_ONLY, "anonymous": 403}
SPEAKER_ONLY = {**ORGANISER_ONLY, "organiser": 403}


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(CALLERS, status)


Expectation = tuple[str, dict[str, str], dict[str, int]]


def _crud_routes() -> dict[tuple[str, str], Expectation]:
    """The five routes of each organiser list-and-form page (see summit/web/crud.py)."""
    found: dict[tuple[str, str], Expectation] = {}
    for kind in ("streams", "themes", "people", "delegations", "bodies"):
        found[("GET", f"/{{slug}}/manage/{kind}")] = (f"/ogp2021/manage/{kind}", {}, ORGANISER_ONLY)
        found[("GET", f"/{{slug}}/manage/{kind}/new")] = (
            f"/ogp2021/manage/{kind}/new",
            {},
            ORGANISER_ONLY,
        )
        found[("POST", f"/{{slug}}/manage/{kind}/new")] = (
            f"/ogp2021/manage/{kind}/new",
            {},
            ORGANISER_ONLY_POST | {"organiser": 422},
        )
        found[("GET", f"/{{slug}}/manage/{kind}/{{row_id}}")] = (
            f"/ogp2021/manage/{kind}/1",
            {},
            ORGANISER_ONLY,
        )
        found[("POST", f"/{{slug}}/manage/{kind}/{{row_id}}")] = (
            f"/ogp2021/manage/{kind}/1",
            {},
            ORGANISER_ONLY_POST | {"organiser": 422},
        )
    return found


_CRUD = _crud_routes()
_SEATS = "/{slug}/manage/bodies/{row_id}/members"
_NETWORK = "african-open-government-network"
_LIBRARY = "/{slug}/bodies/{body_slug}/practices"
_OURS = f"/ogp2021/bodies/{_NETWORK}/practices"
MEMBER_PAGE = {**ORGANISER_ONLY, "delegate": 200, "juror": 200}
"""A page for anyone with a role in the summit (anonymous callers are sent to sign in)."""
NETWORK_MEMBER_PAGE = {**ORGANISER_ONLY, "delegate": 200, "organiser": 403}
"""The delegate's delegation (Morocco) holds a seat on the network; the organiser's none."""
_ELECTIONS = "/{slug}/manage/elections"

_AWARD = "/ogp2021/manage/awards/open-gov-award-local-innovation-2021"
_ONE = "/{slug}/manage/awards/{award_slug}"
_SUBMIT = "/ogp2021/awards/open-gov-award-local-innovation-2021"
_SIGNED_IN_POST = {"anonymous": 403}
# Organisers post forms that are refused (422) or name rows that do not exist (404), so that
# the table can run every route in turn without changing what the next one sees.
_AWARDS: dict[tuple[str, str], Expectation] = {
    ("GET", "/{slug}/manage/awards"): ("/ogp2021/manage/awards", {}, ORGANISER_ONLY),
    ("GET", "/{slug}/manage/awards/new"): ("/ogp2021/manage/awards/new", {}, ORGANISER_ONLY),
    ("POST", "/{slug}/manage/awards/new"): (
        "/ogp2021/manage/awards/new",
        {"slug": "x"},
        ORGANISER_ONLY_POST | {"organiser": 422},
    ),
    ("GET", _ONE): (_AWARD, {}, ORGANISER_ONLY),
    ("POST", _ONE): (_AWARD, {"category": "x"}, ORGANISER_ONLY_POST | {"organiser": 422}),
    ("GET", f"{_ONE}/rubric"): (f"{_AWARD}/rubric", {}, ORGANISER_ONLY),
    ("POST", f"{_ONE}/rubric"): (
        f"{_AWARD}/rubric",
        {"slug": "x"},
        ORGANISER_ONLY_POST | {"organiser": 422},
    ),
    ("POST", f"{_ONE}/rubric/{{criterion_id}}/delete"): (
        f"{_AWARD}/rubric/999999/delete",
        {},
        ORGANISER_ONLY_POST | {"organiser": 404},
    ),
    ("GET", f"{_ONE}/rounds"): (f"{_AWARD}/rounds", {}, ORGANISER_ONLY),
    ("POST", f"{_ONE}/rounds"): (
        f"{_AWARD}/rounds",
        {"number": "0"},
        ORGANISER_ONLY_POST | {"organiser": 422},
    ),
    ("POST", f"{_ONE}/rounds/{{number}}/delete"): (
        f"{_AWARD}/rounds/9/delete",
        {},
        ORGANISER_ONLY_POST | {"organiser": 422},
    ),
    ("POST", f"{_ONE}/rounds/{{number}}/advance"): (
        f"{_AWARD}/rounds/1/advance",
        {},
        ORGANISER_ONLY_POST | {"organiser": 422},
    ),
    ("GET", f"{_ONE}/submissions"): (f"{_AWARD}/submissions", {}, ORGANISER_ONLY),
    ("POST", f"{_ONE}/submissions/import"): (
        f"{_AWARD}/submissions/import",
        {"csv": "code\n"},
        ORGANISER_ONLY_POST | {"organiser": 422},
    ),
    ("GET", f"{_ONE}/submissions/{{submission_id}}"): (
        f"{_AWARD}/submissions/999999",
        {},
        ORGANISER_ONLY | {"organiser": 404},
    ),
    ("GET", f"{_ONE}/jury"): (f"{_AWARD}/jury", {}, ORGANISER_ONLY),
    ("POST", f"{_ONE}/jury"): (
        f"{_AWARD}/jury",
        {"email": "nobody@example.org"},
        ORGANISER_ONLY_POST | {"organiser": 422},
    ),
    ("POST", f"{_ONE}/jury/{{member_id}}/remove"): (
        f"{_AWARD}/jury/999999/remove",
        {},
        ORGANISER_ONLY_POST | {"organiser": 404},
    ),
    ("POST", f"{_ONE}/jury/{{member_id}}/chair"): (
        f"{_AWARD}/jury/999999/chair",
        {},
        ORGANISER_ONLY_POST | {"organiser": 404},
    ),
    ("POST", f"{_ONE}/assignments"): (
        f"{_AWARD}/assignments",
        {"round": "1"},
        ORGANISER_ONLY_POST | {"organiser": 422},
    ),
    ("POST", f"{_ONE}/assignments/auto"): (
        f"{_AWARD}/assignments/auto",
        {"round": "1", "per_submission": "0"},
        ORGANISER_ONLY_POST | {"organiser": 422},
    ),
    ("POST", f"{_ONE}/assignments/{{assignment_id}}/remove"): (
        f"{_AWARD}/assignments/999999/remove",
        {},
        ORGANISER_ONLY_POST | {"organiser": 404},
    ),
    ("POST", f"{_ONE}/conflicts"): (
        f"{_AWARD}/conflicts",
        {"member_id": "x"},
        ORGANISER_ONLY_POST | {"organiser": 422},
    ),
    ("POST", f"{_ONE}/conflicts/refresh"): (
        f"{_AWARD}/conflicts/refresh",
        {},
        ORGANISER_ONLY_POST,
    ),
    ("POST", f"{_ONE}/conflicts/{{conflict_id}}/withdraw"): (
        f"{_AWARD}/conflicts/999999/withdraw",
        {},
        ORGANISER_ONLY_POST | {"organiser": 404},
    ),
    ("GET", f"{_ONE}/progress"): (f"{_AWARD}/progress", {}, ORGANISER_ONLY),
    # Entrants: any signed-in account; the demo's call closed before the summit.
    ("GET", "/{slug}/awards/{award_slug}/submit"): (
        f"{_SUBMIT}/submit",
        {},
        {"anonymous": 303, **SIGNED_IN},
    ),
    ("POST", "/{slug}/awards/{award_slug}/submit"): (
        f"{_SUBMIT}/submit",
        {"title": "x"},
        {"anonymous": 403, **dict.fromkeys(SIGNED_IN, 422)},
    ),
    ("GET", "/{slug}/awards/{award_slug}/my"): (
        f"{_SUBMIT}/my",
        {},
        {"anonymous": 303, **SIGNED_IN},
    ),
    ("POST", "/{slug}/awards/{award_slug}/my/attachments/{attachment_id}/delete"): (
        f"{_SUBMIT}/my/attachments/999999/delete",
        {},
        {"anonymous": 403, **dict.fromkeys(SIGNED_IN, 404)},
    ),
    ("GET", "/{slug}/awards/{award_slug}/attachments/{attachment_id}"): (
        f"{_SUBMIT}/attachments/999999",
        {},
        {"anonymous": 303, **dict.fromkeys(SIGNED_IN, 404)},
    ),
}


def _api_routes() -> dict[tuple[str, str], Expectation]:
    """The JSON API: reads for everyone; writes only with a bearer token, which no browser
    caller of this table has (cookies never authorise a write there), so 401 for all."""
    summit = "/api/v1/summits/{slug}"
    concrete = "/api/v1/summits/ogp2021"
    reads = {
        "/api/v1/summits": "/api/v1/summits",
        "/api/v1/openapi.json": "/api/v1/openapi.json",
        summit: concrete,
        f"{summit}/sessions": f"{concrete}/sessions",
        # Not the opening: the organiser's row of this table unschedules and publishes it.
        f"{summit}/sessions/{{session_id}}": f"{concrete}/sessions/{{closing}}",
        f"{summit}/people": f"{concrete}/people",
        f"{summit}/people/{{person_id}}": f"{concrete}/people/{{speaker}}",
        f"{summit}/delegations": f"{concrete}/delegations",
        f"{summit}/delegations/{{delegation_id}}": f"{concrete}/delegations/{{delegation}}",
        f"{summit}/awards": f"{concrete}/awards",
        f"{summit}/sessions/{{session_id}}/polls": f"{concrete}/sessions/{{closing}}/polls",
        f"{summit}/bodies": f"{concrete}/bodies",
        f"{summit}/bodies/{{body_slug}}": f"{concrete}/bodies/steering-committee",
        f"{summit}/bodies/{{body_slug}}/practices": f"{concrete}/bodies/{_NETWORK}/practices",
        f"{summit}/bodies/{{body_slug}}/practices/{{practice_id}}": (
            f"{concrete}/bodies/{_NETWORK}/practices/1"
        ),
    }
    bearer = {
        ("GET", "/draft/sessions"): "/draft/sessions",
        ("GET", "/draft/sessions/{session_id}"): "/draft/sessions/{opening}",
        ("GET", "/draft/conflicts"): "/draft/conflicts",
        ("GET", "/draft/changes"): "/draft/changes",
        ("POST", "/draft/conflicts/accept"): "/draft/conflicts/accept",
        ("POST", "/sessions"): "/sessions",
        ("PATCH", "/sessions/{session_id}"): "/sessions/{opening}",
        ("POST", "/sessions/{session_id}/move"): "/sessions/{opening}/move",
        ("POST", "/sessions/{session_id}/retime"): "/sessions/{opening}/retime",
        ("POST", "/sessions/{session_id}/unschedule"): "/sessions/{opening}/unschedule",
        ("POST", "/sessions/{session_id}/status"): "/sessions/{opening}/status",
        ("POST", "/publish"): "/publish",
        ("POST", "/streams"): "/streams",
        ("PATCH", "/streams/{stream_id}"): "/streams/1",
        ("POST", "/themes"): "/themes",
        ("PATCH", "/themes/{theme_id}"): "/themes/1",
        ("POST", "/people"): "/people",
        ("PATCH", "/people/{person_id}"): "/people/{speaker}",
        ("DELETE", "/people/{person_id}"): "/people/{speaker}",
        ("POST", "/delegations"): "/delegations",
        ("PATCH", "/delegations/{delegation_id}"): "/delegations/{delegation}",
        ("DELETE", "/delegations/{delegation_id}"): "/delegations/{delegation}",
        ("POST", "/sessions/{session_id}/polls"): "/sessions/{opening}/polls",
        (
            "POST",
            "/sessions/{session_id}/polls/{poll_id}/state",
        ): "/sessions/{opening}/polls/1/state",
    }
    found: dict[tuple[str, str], Expectation] = {
        ("GET", declared): (path, {}, everyone(200)) for declared, path in reads.items()
    }
    found[("GET", f"{summit}/elections/{{election_slug}}")] = (
        f"{concrete}/elections/no-such-election",
        {},
        everyone(404),
    )
    for (method, declared), path in bearer.items():
        found[(method, summit + declared)] = (concrete + path, {"status": "live"}, everyone(401))
    return found


_API = _api_routes()


# (method, path as declared) -> (concrete path, form data, expected status per caller)
MATRIX: dict[tuple[str, str], Expectation] = {
    ("GET", "/healthz"): ("/healthz", {}, everyone(200)),
    ("GET", "/readyz"): ("/readyz", {}, everyone(200)),
    # Two summits (the demo and the other one): the start page lists them.
    ("GET", "/"): ("/", {}, everyone(200)),
    ("GET", "/{slug}/"): ("/ogp2021/", {}, everyone(200)),
    ("GET", "/{slug}/programme"): ("/ogp2021/programme", {}, everyone(200)),
    ("GET", "/{slug}/themes.css"): ("/ogp2021/themes.css", {}, everyone(200)),
    ("GET", "/grid.css"): ("/grid.css", {}, everyone(200)),
    ("GET", "/preferences"): ("/preferences", {}, everyone(200)),
    # Visitors save in the browser, accounts on the account too; a wrong value comes back.
    ("POST", "/preferences"): ("/preferences", {"language": "xx"}, everyone(422)),
    ("GET", "/{slug}/programme/grid"): ("/ogp2021/programme/grid", {}, everyone(200)),
    ("GET", "/{slug}/now"): ("/ogp2021/now", {}, everyone(200)),
    ("GET", "/{slug}/sessions/{session_id}"): ("/ogp2021/sessions/{opening}", {}, everyone(200)),
    # The speaker portal: only the demo's speaker (not among these callers) reaches it;
    # tests/test_speaker_portal.py drives it as that speaker.
    ("GET", "/{slug}/me"): ("/ogp2021/me", {}, SPEAKER_ONLY),
    ("POST", "/{slug}/me/profile"): ("/ogp2021/me/profile", {}, MEMBER_POST),
    ("POST", "/{slug}/me/availability"): ("/ogp2021/me/availability", {}, MEMBER_POST),
    ("POST", "/{slug}/me/sessions/{session_id}/answer"): (
        "/ogp2021/me/sessions/{opening}/answer",
        {"answer": "confirmed"},
        MEMBER_POST,
    ),
    ("POST", "/{slug}/me/sessions/{session_id}/slides"): (
        "/ogp2021/me/sessions/{opening}/slides",
        {},
        MEMBER_POST,
    ),
    ("GET", "/{slug}/sessions/{session_id}/slides"): (
        "/ogp2021/sessions/{opening}/slides",
        {},
        everyone(200),
    ),
    ("GET", "/{slug}/slides/{slides_id}"): ("/ogp2021/slides/999999", {}, everyone(404)),
    ("GET", "/{slug}/speakers/{person_slug}/photo"): (
        "/ogp2021/speakers/aziz-akhannouch/photo",
        {},
        everyone(404),
    ),
    ("GET", "/{slug}/changes"): ("/ogp2021/changes", {}, everyone(200)),
    ("GET", "/{slug}/agenda"): ("/ogp2021/agenda", {}, {"anonymous": 303, **SIGNED_IN}),
    ("POST", "/{slug}/sessions/{session_id}/follow"): (
        "/ogp2021/sessions/{opening}/follow",
        {"follow": "1"},
        {"anonymous": 403, **dict.fromkeys(SIGNED_IN, 303)},
    ),
    # Before the organiser unschedules the opening (further down), which ends its questions.
    ("GET", "/{slug}/sessions/{session_id}/questions"): (
        "/ogp2021/sessions/{opening}/questions",
        {},
        everyone(200),
    ),
    # Members of the summit ask and vote; a question too short comes back with its error.
    ("POST", "/{slug}/sessions/{session_id}/questions"): (
        "/ogp2021/sessions/{opening}/questions",
        {"body": "x"},
        {**MEMBER_POST, "delegate": 422, "juror": 422, "organiser": 422},
    ),
    ("POST", "/{slug}/sessions/{session_id}/questions/{question_id}/vote"): (
        "/ogp2021/sessions/{opening}/questions/999999/vote",
        {"vote": "1"},
        {**MEMBER_POST, "delegate": 404, "juror": 404, "organiser": 404},
    ),
    # Only organisers (and the session's moderator) moderate.
    ("POST", "/{slug}/sessions/{session_id}/questions/{question_id}/moderate"): (
        "/ogp2021/sessions/{opening}/questions/999999/moderate",
        {"action": "pin"},
        {**MEMBER_POST, "organiser": 404},
    ),
    ("POST", "/{slug}/sessions/{session_id}/questions/premoderation"): (
        "/ogp2021/sessions/{opening}/questions/premoderation",
        {"on": "0"},
        {**MEMBER_POST, "organiser": 303},
    ),
    ("GET", "/{slug}/sessions/{session_id}/present"): (
        "/ogp2021/sessions/{opening}/present",
        {},
        everyone(200),
    ),
    ("GET", "/{slug}/sessions/{session_id}/polls"): (
        "/ogp2021/sessions/{opening}/polls",
        {},
        everyone(200),
    ),
    # Only organisers (and the session's moderator) make, open and close polls; a poll with
    # no question comes back with its error.
    ("POST", "/{slug}/sessions/{session_id}/polls"): (
        "/ogp2021/sessions/{opening}/polls",
        {},
        {**MEMBER_POST, "organiser": 422},
    ),
    ("POST", "/{slug}/sessions/{session_id}/polls/{poll_id}/state"): (
        "/ogp2021/sessions/{opening}/polls/999999/state",
        {"status": "open"},
        {**MEMBER_POST, "organiser": 404},
    ),
    ("POST", "/{slug}/sessions/{session_id}/polls/{poll_id}/vote"): (
        "/ogp2021/sessions/{opening}/polls/999999/vote",
        {"option": "1"},
        {**MEMBER_POST, "delegate": 404, "juror": 404, "organiser": 404},
    ),
    ("GET", "/{slug}/sessions/{session_id}/polls/{poll_id}/results.csv"): (
        "/ogp2021/sessions/{opening}/polls/999999/results.csv",
        {},
        {**ORGANISER_ONLY, "organiser": 404},
    ),
    ("GET", "/{slug}/changes.atom"): ("/ogp2021/changes.atom", {}, everyone(200)),
    ("POST", "/{slug}/agenda/calendar"): (
        "/ogp2021/agenda/calendar",
        {},
        {"anonymous": 403, **SIGNED_IN},
    ),
    ("GET", "/{slug}/schedule/export/schedule.xml"): (
        "/ogp2021/schedule/export/schedule.xml",
        {},
        everyone(200),
    ),
    ("GET", "/{slug}/schedule/export/schedule.json"): (
        "/ogp2021/schedule/export/schedule.json",
        {},
        everyone(200),
    ),
    ("GET", "/{slug}/schedule/export/schedule.ics"): (
        "/ogp2021/schedule/export/schedule.ics",
        {},
        everyone(200),
    ),
    ("GET", "/{slug}/schedule/export/streams/{stream_slug}.ics"): (
        "/ogp2021/schedule/export/streams/plenary.ics",
        {},
        everyone(200),
    ),
    ("GET", "/{slug}/schedule/export/sessions/{session_id}.ics"): (
        "/ogp2021/schedule/export/sessions/{opening}.ics",
        {},
        everyone(200),
    ),
    ("GET", "/{slug}/schedule/export/speakers/{person_slug}.ics"): (
        "/ogp2021/schedule/export/speakers/aziz-akhannouch.ics",
        {},
        everyone(200),
    ),
    # Other sites' pages may poll the public exports: their CORS preflight is answered.
    **{
        ("OPTIONS", f"/{{slug}}/schedule/export/{name}"): (
            f"/ogp2021/schedule/export/{concrete}",
            {},
            everyone(204),
        )
        for name, concrete in (
            ("schedule.xml", "schedule.xml"),
            ("schedule.json", "schedule.json"),
            ("schedule.ics", "schedule.ics"),
            ("streams/{stream_slug}.ics", "streams/plenary.ics"),
            ("sessions/{session_id}.ics", "sessions/{opening}.ics"),
            ("speakers/{person_slug}.ics", "speakers/aziz-akhannouch.ics"),
        )
    },
    # A feed opens with its secret only; a made-up one answers like a missing page.
    ("GET", "/{slug}/schedule/export/agenda/{token}.ics"): (
        "/ogp2021/schedule/export/agenda/not-a-token.ics",
        {},
        everyone(404),
    ),
    ("GET", "/{slug}/speakers/{person_slug}"): (
        "/ogp2021/speakers/aziz-akhannouch",
        {},
        everyone(200),
    ),
    ("GET", "/{slug}/delegations/{delegation_slug}"): (
        "/ogp2021/delegations/morocco",
        {},
        everyone(200),
    ),
    ("GET", "/{slug}/speakers"): ("/ogp2021/speakers", {}, everyone(200)),
    ("GET", "/{slug}/delegations"): ("/ogp2021/delegations", {}, everyone(200)),
    ("GET", "/{slug}/bodies"): ("/ogp2021/bodies", {}, everyone(200)),
    ("GET", "/{slug}/bodies/{body_slug}"): (
        "/ogp2021/bodies/steering-committee",
        {},
        everyone(200),
    ),
    ("GET", _SEATS): ("/ogp2021/manage/bodies/1/members", {}, ORGANISER_ONLY),
    ("GET", "/{slug}/elections/{election_slug}"): (
        "/ogp2021/elections/no-such-election",
        {},
        everyone(404),
    ),
    ("POST", "/{slug}/elections/{election_slug}/vote"): (
        "/ogp2021/elections/no-such-election/vote",
        {},
        {**everyone(404), "anonymous": 403, "other_organiser": 403},
    ),
    ("GET", _ELECTIONS): ("/ogp2021/manage/elections", {}, ORGANISER_ONLY),
    ("GET", "/{slug}/elections"): ("/ogp2021/elections", {}, everyone(200)),
    ("GET", _LIBRARY): (_OURS, {}, everyone(200)),
    ("GET", "/{slug}/bodies/{body_slug}/practices.atom"): (f"{_OURS}.atom", {}, everyone(200)),
    ("GET", f"{_LIBRARY}/{{practice_id}}"): (f"{_OURS}/1", {}, everyone(200)),
    ("GET", f"{_LIBRARY}/{{practice_id}}/attachments/{{file_id}}"): (
        f"{_OURS}/1/attachments/999999",
        {},
        everyone(404),
    ),
    ("GET", f"{_LIBRARY}/new"): (f"{_OURS}/new", {}, NETWORK_MEMBER_PAGE),
    ("POST", f"{_LIBRARY}/new"): (
        f"{_OURS}/new",
        {},
        {**MEMBER_POST, "delegate": 422},
    ),
    ("GET", f"{_LIBRARY}/mine"): (f"{_OURS}/mine", {}, MEMBER_PAGE),
    ("GET", f"{_LIBRARY}/{{practice_id}}/edit"): (
        f"{_OURS}/1/edit",
        {},
        {**MEMBER_PAGE, "delegate": 404, "juror": 404, "organiser": 404},
    ),
    ("POST", f"{_LIBRARY}/{{practice_id}}/edit"): (
        f"{_OURS}/1/edit",
        {},
        {**MEMBER_POST, "delegate": 404},
    ),
    ("GET", f"{_LIBRARY}/moderation"): (f"{_OURS}/moderation", {}, ORGANISER_ONLY),
    ("GET", f"{_LIBRARY}/{{practice_id}}/moderation"): (
        f"{_OURS}/1/moderation",
        {},
        ORGANISER_ONLY,
    ),
    ("POST", f"{_LIBRARY}/{{practice_id}}/decision"): (
        f"{_OURS}/1/decision",
        {},
        {**ORGANISER_ONLY_POST, "organiser": 422},
    ),
    ("POST", f"{_LIBRARY}/{{practice_id}}/sessions"): (
        f"{_OURS}/1/sessions",
        {"sessions": "NO-SUCH-SESSION"},
        {**ORGANISER_ONLY_POST, "organiser": 422},
    ),
    ("POST", _ELECTIONS): (
        "/ogp2021/manage/elections",
        {},
        ORGANISER_ONLY_POST | {"organiser": 422},
    ),
    ("GET", f"{_ELECTIONS}/{{election_id}}"): (
        "/ogp2021/manage/elections/999999",
        {},
        ORGANISER_ONLY | {"organiser": 404},
    ),
    ("POST", f"{_ELECTIONS}/{{election_id}}/count"): (
        "/ogp2021/manage/elections/999999/count",
        {},
        ORGANISER_ONLY_POST | {"organiser": 404},
    ),
    ("POST", f"{_ELECTIONS}/{{election_id}}/publish"): (
        "/ogp2021/manage/elections/999999/publish",
        {},
        ORGANISER_ONLY_POST | {"organiser": 404},
    ),
    ("POST", _SEATS): (
        "/ogp2021/manage/bodies/1/members",
        {},
        ORGANISER_ONLY_POST | {"organiser": 422},
    ),
    ("GET", f"{_SEATS}/{{member_id}}"): (
        "/ogp2021/manage/bodies/1/members/999999",
        {},
        ORGANISER_ONLY | {"organiser": 404},
    ),
    ("POST", f"{_SEATS}/{{member_id}}"): (
        "/ogp2021/manage/bodies/1/members/999999",
        {},
        ORGANISER_ONLY_POST | {"organiser": 404},
    ),
    ("POST", f"{_SEATS}/{{member_id}}/remove"): (
        "/ogp2021/manage/bodies/1/members/999999/remove",
        {},
        ORGANISER_ONLY_POST | {"organiser": 404},
    ),
    ("GET", "/signin"): ("/signin", {}, everyone(200)),
    ("POST", "/signin"): (
        "/signin",
        {"email": "x@example.org", "password": "wrong one"},
        everyone(422),
    ),
    ("GET", "/account/password"): ("/account/password", {}, {"anonymous": 303, **SIGNED_IN}),
    ("POST", "/account/password"): (
        "/account/password",
        {"current_password": "wrong", "new_password": "x" * 12, "confirm": "x" * 12},
        {"anonymous": 403, **dict.fromkeys(SIGNED_IN, 422)},
    ),
    ("GET", "/reset"): ("/reset", {}, everyone(200)),
    ("POST", "/reset"): ("/reset", {"email": "nobody@example.org"}, everyone(200)),
    ("GET", "/reset/{token}"): ("/reset/not-a-token", {}, everyone(404)),
    ("POST", "/reset/{token}"): (
        "/reset/not-a-token",
        {"new_password": "y" * 12, "confirm": "y" * 12},
        everyone(404),
    ),
    ("GET", "/invite/{token}"): ("/invite/not-a-token", {}, everyone(404)),
    ("POST", "/invite/{token}"): ("/invite/not-a-token", {}, everyone(404)),
    ("GET", "/{slug}/manage/"): ("/ogp2021/manage/", {}, ORGANISER_ONLY),
    ("GET", "/{slug}/_design"): ("/ogp2021/_design", {}, ORGANISER_ONLY),
    ("GET", "/{slug}/manage/invitations"): ("/ogp2021/manage/invitations", {}, ORGANISER_ONLY),
    ("POST", "/{slug}/manage/invitations"): (
        "/ogp2021/manage/invitations",
        {"email": "guest@example.org", "role": "juror"},
        ORGANISER_ONLY_POST,
    ),
    ("GET", "/{slug}/manage/members"): ("/ogp2021/manage/members", {}, ORGANISER_ONLY),
    ("GET", "/{slug}/manage/audit"): ("/ogp2021/manage/audit", {}, ORGANISER_ONLY),
    ("GET", "/{slug}/manage/mail"): ("/ogp2021/manage/mail", {}, ORGANISER_ONLY),
    ("GET", "/account/mail"): ("/account/mail", {}, {"anonymous": 303, **SIGNED_IN}),
    ("POST", "/account/mail"): (
        "/account/mail",
        {"reminder_minutes": "7"},
        {"anonymous": 403, **dict.fromkeys(SIGNED_IN, 422)},
    ),
    ("GET", "/mail/unsubscribe/{token}"): ("/mail/unsubscribe/not-a-token", {}, everyone(404)),
    ("POST", "/mail/unsubscribe/{token}"): ("/mail/unsubscribe/not-a-token", {}, everyone(404)),
    ("GET", "/mail/unsubscribe/{token}/one-click"): (
        "/mail/unsubscribe/not-a-token/one-click",
        {},
        everyone(404),
    ),
    ("POST", "/mail/unsubscribe/{token}/one-click"): (
        "/mail/unsubscribe/not-a-token/one-click",
        {"List-Unsubscribe": "One-Click"},
        everyone(404),
    ),
    ("POST", "/{slug}/manage/mail/{message_id}/resend"): (
        "/ogp2021/manage/mail/999999/resend",
        {},
        ORGANISER_ONLY_POST | {"organiser": 404},
    ),
    ("GET", "/{slug}/manage/schedule"): ("/ogp2021/manage/schedule", {}, ORGANISER_ONLY),
    ("GET", "/{slug}/manage/sessions/new"): ("/ogp2021/manage/sessions/new", {}, ORGANISER_ONLY),
    ("POST", "/{slug}/manage/sessions/new"): (
        "/ogp2021/manage/sessions/new",
        {"code": "X", "kind": "panel"},
        {**ORGANISER_ONLY_POST, "organiser": 422},
    ),
    ("GET", "/{slug}/manage/sessions/{session_id}"): (
        "/ogp2021/manage/sessions/{opening}",
        {},
        ORGANISER_ONLY,
    ),
    ("POST", "/{slug}/manage/sessions/{session_id}"): (
        "/ogp2021/manage/sessions/{opening}",
        {"kind": "panel"},
        {**ORGANISER_ONLY_POST, "organiser": 422},
    ),
    ("POST", "/{slug}/manage/sessions/{session_id}/move"): (
        "/ogp2021/manage/sessions/{opening}/move",
        {"stream_id": "1", "start_time": "09:00", "day": "2021-12-15"},
        ORGANISER_ONLY_POST | {"organiser": 303},
    ),
    ("POST", "/{slug}/manage/sessions/{session_id}/resize"): (
        "/ogp2021/manage/sessions/{opening}/resize",
        {"delta": "5"},
        ORGANISER_ONLY_POST | {"organiser": 303},
    ),
    ("POST", "/{slug}/manage/sessions/{session_id}/unschedule"): (
        "/ogp2021/manage/sessions/{opening}/unschedule",
        {},
        ORGANISER_ONLY_POST | {"organiser": 303},
    ),
    ("POST", "/{slug}/manage/conflicts/accept"): (
        "/ogp2021/manage/conflicts/accept",
        {"key": "no-such-conflict"},
        ORGANISER_ONLY_POST | {"organiser": 422},
    ),
    ("GET", "/{slug}/manage/publish"): ("/ogp2021/manage/publish", {}, ORGANISER_ONLY),
    ("POST", "/{slug}/manage/sessions/{session_id}/status"): (
        "/ogp2021/manage/sessions/{opening}/status",
        {"status": "live"},
        ORGANISER_ONLY_POST | {"organiser": 303},
    ),
    ("POST", "/{slug}/manage/publish"): (
        "/ogp2021/manage/publish",
        {"comment": "x"},
        ORGANISER_ONLY_POST | {"organiser": 303},
    ),
    ("POST", "/{slug}/manage/members/{grant_id}/revoke"): (
        "/ogp2021/manage/members/{juror4_grant}/revoke",
        {},
        {**ORGANISER_ONLY_POST, "organiser": 303},
    ),
    ("GET", "/{slug}/manage/tokens"): ("/ogp2021/manage/tokens", {}, ORGANISER_ONLY),
    ("POST", "/{slug}/manage/tokens"): (
        "/ogp2021/manage/tokens",
        {"name": "matrix", "scope": "programme:write"},
        ORGANISER_ONLY_POST,
    ),
    ("POST", "/{slug}/manage/tokens/{token_id}/revoke"): (
        "/ogp2021/manage/tokens/999999/revoke",
        {},
        ORGANISER_ONLY_POST | {"organiser": 404},
    ),
    ("GET", "/{slug}/manage/exports/sessions.csv"): (
        "/ogp2021/manage/exports/sessions.csv",
        {},
        ORGANISER_ONLY,
    ),
    ("GET", "/{slug}/manage/exports/people.csv"): (
        "/ogp2021/manage/exports/people.csv",
        {},
        ORGANISER_ONLY,
    ),
    ("GET", "/{slug}/manage/exports/delegations.csv"): (
        "/ogp2021/manage/exports/delegations.csv",
        {},
        ORGANISER_ONLY,
    ),
    # Jurors: submission 1 is not given to the juror (``matrix_app`` takes it off them), so
    # its scoresheet answers like a missing one.
    ("GET", "/{slug}/jury"): ("/ogp2021/jury", {}, JUROR_ONLY),
    ("GET", "/{slug}/jury/{submission_id}"): ("/ogp2021/jury/1", {}, JUROR_ONLY | {"juror": 404}),
    ("POST", "/{slug}/jury/{submission_id}"): (
        "/ogp2021/jury/1",
        {"revision": "0"},
        JUROR_ONLY_POST | {"juror": 404},
    ),
    ("POST", "/{slug}/jury/{submission_id}/conflict"): (
        "/ogp2021/jury/1/conflict",
        {"reason": "x"},
        JUROR_ONLY_POST | {"juror": 404},
    ),
    ("GET", "/{slug}/awards/{award_slug}"): (f"/ogp2021/awards/{AWARD}", {}, everyone(200)),
    ("GET", "/{slug}/manage/awards/{award_slug}/results"): (RESULTS, {}, ORGANISER_ONLY),
    ("GET", "/{slug}/manage/awards/{award_slug}/results.csv"): (
        f"{RESULTS}.csv",
        {},
        ORGANISER_ONLY,
    ),
    ("POST", "/{slug}/manage/awards/{award_slug}/results/places"): (
        f"{RESULTS}/places",
        {"place-1": "not-a-submission"},
        ORGANISER_ONLY_POST | {"organiser": 422},
    ),
    ("POST", "/{slug}/manage/awards/{award_slug}/results/casting-vote"): (
        f"{RESULTS}/casting-vote",
        {"tied": "1,2", "submission_id": "1"},
        ORGANISER_ONLY_POST | {"organiser": 422},
    ),
    ("POST", "/{slug}/manage/awards/{award_slug}/results/publish"): (
        f"{RESULTS}/publish",
        {},
        ORGANISER_ONLY_POST | {"organiser": 303},
    ),
    ("POST", "/{slug}/manage/awards/{award_slug}/results/reveal"): (
        f"{RESULTS}/reveal",
        {},
        ORGANISER_ONLY_POST | {"organiser": 303},
    ),
    ("POST", "/{slug}/manage/awards/{award_slug}/results/cards/{card_id}/reopen"): (
        f"{RESULTS}/cards/999999/reopen",
        {},
        ORGANISER_ONLY_POST | {"organiser": 404},
    ),
    **_CRUD,
    **_AWARDS,
    **_API,
    # Last, because it ends the session.
    ("POST", "/signout"): ("/signout", {}, {"anonymous": 403, **dict.fromkeys(SIGNED_IN, 303)}),
}
SOCKETS = {"/{slug}/live"}


def _declared(app: Starlette) -> tuple[set[tuple[str, str]], set[str]]:
    pages: set[tuple[str, str]] = set()
    sockets: set[str] = set()
    for route in app.routes:
        if isinstance(route, Route):
            for method in route.methods or ():
                if method != "HEAD":
                    pages.add((method, route.path.replace(":str", "").replace(":int", "")))
        elif isinstance(route, WebSocketRoute):
            sockets.add(route.path.replace(":str", ""))
    return pages, sockets


def test_every_route_declares_who_may_use_it(demo_app: Starlette) -> None:
    undeclared = [
        getattr(route, "path", route)
        for route in demo_app.routes
        if isinstance(route, Route | WebSocketRoute) and access_of(route.endpoint) is None
    ]
    mounts = [route.name for route in demo_app.routes if isinstance(route, Mount)]

    assert undeclared == []
    assert mounts == ["static"]  # public files, nothing else mounted


def test_the_access_table_lists_every_route(demo_app: Starlette) -> None:
    pages, sockets = _declared(demo_app)

    assert sorted(pages - set(MATRIX)) == []
    assert sorted(set(MATRIX) - pages) == []
    assert sockets == SOCKETS


@pytest.fixture
def matrix_app(demo_app: Starlette, demo_database: Database) -> Starlette:
    """The demo, plus a second summit whose organiser must get nothing in the first."""
    with demo_database.write() as db:
        other = make_summit(db, slug="other", days=1, streams=1, sessions_per_stream_per_day=1)
        account = upsert_account(
            db,
            data=AccountInput(
                email=EMAILS["other_organiser"],
                display_name="Other Organiser",
                password=DEMO_PASSWORD,
            ),
        )
        grant_role(db, summit=other, account=account, data=RoleInput(role=Role.ORGANISER))
        juror = db.exec(select(Account).where(Account.email == EMAILS["juror"])).one()
        given = db.exec(
            select(JuryAssignment)
            .join(JuryMember, col(JuryMember.id) == JuryAssignment.jury_member_id)
            .where(JuryAssignment.submission_id == 1, JuryMember.account_id == juror.id)
        ).all()
        award = db.exec(select(Award)).one()
        for assignment in given:
            unassign(db, award=award, assignment_id=pk(assignment))
    return demo_app


def _juror4_grant(database: Database) -> int:
    with database.read() as db:
        summit = db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()
        grant = db.exec(
            select(RoleGrant)
            .join(Account)
            .where(Account.email == "juror4@example.org", RoleGrant.summit_id == summit.id)
        ).one()
    assert grant.id is not None
    return grant.id


@pytest.fixture
def caller_client(
    request: pytest.FixtureRequest, matrix_app: Starlette
) -> Iterator[tuple[str, TestClient]]:
    caller: str = request.param
    with make_client(matrix_app) as client:
        if caller != "anonymous":
            sign_in(client, EMAILS[caller])
        yield caller, client


@pytest.mark.parametrize("caller_client", CALLERS, indirect=True)
def test_each_caller_gets_what_the_table_says(
    caller_client: tuple[str, TestClient], demo_database: Database
) -> None:
    caller, client = caller_client
    grant = _juror4_grant(demo_database)
    with demo_database.read() as db:
        opening = db.exec(
            select(ProgrammeSession.id).where(ProgrammeSession.code == "OPENING")
        ).one()
        closing = db.exec(
            select(ProgrammeSession.id).where(ProgrammeSession.code == "CLOSING")
        ).one()
        speaker = db.exec(select(Person.id).where(Person.slug == "aziz-akhannouch")).one()
        delegation = db.exec(select(Delegation.id).where(Delegation.slug == "morocco")).one()
    answers: dict[tuple[str, str], int] = {}
    expected: dict[tuple[str, str], int] = {}

    for (method, declared), (path, data, statuses) in MATRIX.items():
        concrete = path.format(
            juror4_grant=grant,
            opening=opening,
            closing=closing,
            speaker=speaker,
            delegation=delegation,
        )
        if method == "GET":
            response = client.get(concrete, follow_redirects=False)
        else:
            response = client.request(
                method,
                concrete,
                data={**data, "csrf_token": csrf_token(client, "/signin")},
                headers={"origin": BASE_URL},
                follow_redirects=False,
            )
        answers[(method, declared)] = response.status_code
        expected[(method, declared)] = statuses[caller]

    assert answers == expected


def test_anonymous_callers_of_a_private_page_are_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/ogp2021/manage/audit?x=1", follow_redirects=False)

    assert response.headers["location"] == "/signin?next=/ogp2021/manage/audit%3Fx%3D1"


def test_a_grant_of_another_summit_answers_like_a_missing_one(
    matrix_app: Starlette, demo_database: Database
) -> None:
    with demo_database.read() as db:
        other = db.exec(select(Summit).where(Summit.slug == "other")).one()
        foreign = db.exec(select(RoleGrant).where(RoleGrant.summit_id == other.id)).one()
    with make_client(matrix_app) as client:
        sign_in(client, EMAILS["organiser"])
        token = csrf_token(client, "/signin")
        headers = {"origin": BASE_URL}

        foreign_answer = client.post(
            f"/ogp2021/manage/members/{foreign.id}/revoke",
            data={"csrf_token": token},
            headers=headers,
        )
        missing_answer = client.post(
            "/ogp2021/manage/members/999999/revoke", data={"csrf_token": token}, headers=headers
        )

    assert (foreign_answer.status_code, missing_answer.status_code) == (404, 404)
    # The same page; only the links back to the current address (preferences) differ.
    foreign_page = foreign_answer.text.replace(f"/members/{foreign.id}/revoke", "/members/X/revoke")
    missing_page = missing_answer.text.replace("/members/999999/revoke", "/members/X/revoke")
    assert foreign_page == missing_page


def test_refusals_of_signed_in_callers_are_audited(
    matrix_app: Starlette, demo_database: Database
) -> None:
    with make_client(matrix_app) as client:
        sign_in(client, EMAILS["delegate"])
        client.get("/ogp2021/manage/audit")

    with demo_database.read() as db:
        from summit.auth.models import AuditEntry

        last = db.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()  # type: ignore[union-attr]
    assert last is not None
    assert (last.action, last.target) == ("permission_denied", "GET /ogp2021/manage/audit")
