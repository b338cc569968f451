"""Rows of the access table for accounts and the organisers' pages: signing in, passwords and
invitations, the manage pages, mail, sessions, tokens, exports and the jury."""

from __future__ import annotations

from tests.access_rules import (
    AWARD,
    JUROR_ONLY,
    JUROR_ONLY_POST,
    ORGANISER_ONLY,
    ORGANISER_ONLY_POST,
    RESULTS,
    SIGNED_IN,
    Expectation,
    everyone,
)

MANAGE: dict[tuple[str, str], Expectation] = {
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
}
