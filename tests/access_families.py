"""Rows of the access table for whole families of routes: each organiser list-and-form page,
the award pages (calls, submissions, jury, results) and the JSON API."""

from __future__ import annotations

from tests.access_rules import (
    _NETWORK,
    ORGANISER_ONLY,
    ORGANISER_ONLY_POST,
    SIGNED_IN,
    Expectation,
    everyone,
)


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
