"""Who the access table's callers are, and the answers each kind of route gives them."""

from __future__ import annotations

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


_SEATS = "/{slug}/manage/bodies/{row_id}/members"
_NETWORK = "african-open-government-network"
_LIBRARY = "/{slug}/bodies/{body_slug}/practices"
_OURS = f"/ogp2021/bodies/{_NETWORK}/practices"
MEMBER_PAGE = {**ORGANISER_ONLY, "delegate": 200, "juror": 200}
"""A page for anyone with a role in the summit (anonymous callers are sent to sign in)."""
NETWORK_MEMBER_PAGE = {**ORGANISER_ONLY, "delegate": 200, "organiser": 403}
"""The delegate's delegation (Morocco) holds a seat on the network; the organiser's none."""
_ELECTIONS = "/{slug}/manage/elections"
