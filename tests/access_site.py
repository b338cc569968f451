"""Rows of the access table for the summit's own site: the public pages, a member's own pages,
sessions with their questions and polls, the exports and feeds, speakers, bodies and elections."""

from __future__ import annotations

from tests.access_rules import (
    _ELECTIONS,
    _LIBRARY,
    _OURS,
    _SEATS,
    MEMBER_PAGE,
    MEMBER_POST,
    NETWORK_MEMBER_PAGE,
    ORGANISER_ONLY,
    ORGANISER_ONLY_POST,
    SIGNED_IN,
    SPEAKER_ONLY,
    Expectation,
    everyone,
)

SITE: dict[tuple[str, str], Expectation] = {
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
}
