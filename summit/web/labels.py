"""Words for the codes the app stores, in the viewer's language: roles, audit actions, tie-break
rules, kinds of programme change, kinds of delegation, and countries.

One mapping for each, so a code never reaches a reader as it is stored: templates use these as
filters (``{{ grant.role | role_name }}``), routes call them. An unknown code (a row written by
a newer version) is shown as it is rather than hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from babel import Locale

from summit.agenda.models import SessionKind, SessionRoleKind
from summit.auth.audit import AuditAction
from summit.auth.models import Role
from summit.awards.models import ConflictSource
from summit.bodies.models import BodyKind, MemberRole, SeatKind
from summit.elections.models import TieRule, VotingMethod
from summit.i18n.formatting import language_name, pick
from summit.i18n.viewer import N_, current_viewer, gettext
from summit.mail.models import MailKind, MailStatus
from summit.people.models import DelegationKind
from summit.practices.models import PracticeStatus

ROLE_NAMES: dict[str, str] = {
    Role.ORGANISER: N_("organiser"),
    Role.JUROR: N_("juror"),
    Role.DELEGATE: N_("delegate"),
    Role.SPEAKER: N_("speaker"),
    Role.DELEGATION_HEAD: N_("head of delegation"),
}
"""An account's role in a summit."""

SESSION_ROLE_NAMES: dict[str, str] = {
    SessionRoleKind.SPEAKER: N_("speaker"),
    SessionRoleKind.MODERATOR: N_("moderator"),
    SessionRoleKind.CHAIR: N_("chair"),
}
"""What a person does in a session."""

SESSION_KIND_NAMES: dict[str, str] = {
    SessionKind.PLENARY: N_("Plenary"),
    SessionKind.HIGH_LEVEL_DIALOGUE: N_("High-level dialogue"),
    SessionKind.PANEL: N_("Panel"),
    SessionKind.WORKSHOP: N_("Workshop"),
    SessionKind.CEREMONY: N_("Ceremony"),
    SessionKind.SIDE_EVENT: N_("Side event"),
}
"""What kind of session it is: a filter rather than a macro, as every programme card shows it."""

AUDIT_ACTIONS: dict[str, str] = {
    AuditAction.SIGN_IN: N_("Signed in"),
    AuditAction.SIGN_IN_FAILED: N_("Sign-in refused"),
    AuditAction.SIGN_OUT: N_("Signed out"),
    AuditAction.PASSWORD_CHANGED: N_("Password changed"),
    AuditAction.PASSWORD_RESET_REQUESTED: N_("Password reset asked for"),
    AuditAction.PASSWORD_RESET: N_("Password reset"),
    AuditAction.ROLE_GRANTED: N_("Role given"),
    AuditAction.ROLE_REVOKED: N_("Role taken away"),
    AuditAction.INVITATION_ISSUED: N_("Invitation sent"),
    AuditAction.INVITATION_USED: N_("Invitation accepted"),
    AuditAction.ACCOUNT_DISABLED: N_("Account disabled"),
    AuditAction.PERMISSION_DENIED: N_("Access refused"),
    AuditAction.RATE_LIMITED: N_("Too many attempts"),
    AuditAction.RECUSAL: N_("Juror kept away (conflict of interest)"),
    AuditAction.RECUSAL_WITHDRAWN: N_("Conflict of interest withdrawn"),
    AuditAction.API_TOKEN_ISSUED: N_("API token created"),
    AuditAction.API_TOKEN_REVOKED: N_("API token revoked"),
    AuditAction.SCORE_CARD_REOPENED: N_("Scoresheet reopened"),
    AuditAction.AWARD_PLACES_SET: N_("Award places set"),
    AuditAction.AWARD_CASTING_VOTE: N_("Chair's casting vote"),
    AuditAction.AWARD_RESULTS_PUBLISHED: N_("Award results published"),
    AuditAction.AWARD_PLACE_REVEALED: N_("Award place revealed"),
    AuditAction.QUESTION_APPROVED: N_("Approved a question"),
    AuditAction.QUESTION_HIDDEN: N_("Hid a question"),
    AuditAction.QUESTION_UNHIDDEN: N_("Unhid a question"),
    AuditAction.QUESTION_PINNED: N_("Pinned a question"),
    AuditAction.QUESTION_UNPINNED: N_("Unpinned a question"),
    AuditAction.QUESTION_ANSWERED: N_("Marked a question answered"),
    AuditAction.QUESTION_UNANSWERED: N_("Marked a question unanswered"),
    AuditAction.QUESTIONS_PREMODERATED: N_("Made a session's new questions wait for approval"),
    AuditAction.QUESTIONS_UNMODERATED: N_("Let a session's new questions show at once"),
    AuditAction.POLL_CREATED: N_("Made a poll"),
    AuditAction.POLL_OPENED: N_("Opened a poll"),
    AuditAction.POLL_CLOSED: N_("Closed a poll"),
    AuditAction.BODY_SAVED: N_("Saved a committee or network"),
    AuditAction.BODY_MEMBER_SAVED: N_("Saved a seat on a committee or network"),
    AuditAction.BODY_MEMBER_REMOVED: N_("Removed a seat from a committee or network"),
    AuditAction.ELECTION_OPENED: N_("Opened an election"),
    AuditAction.BALLOT_CAST: N_("Cast a ballot"),
    AuditAction.ELECTION_COUNTED: N_("Counted an election"),
    AuditAction.ELECTION_PUBLISHED: N_("Published an election's results"),
    AuditAction.PRACTICE_SUBMITTED: N_("Submitted a good practice"),
    AuditAction.PRACTICE_EDITED: N_("Changed a good practice"),
    AuditAction.PRACTICE_APPROVED: N_("Published a good practice"),
    AuditAction.PRACTICE_CHANGES_REQUESTED: N_("Asked for changes to a good practice"),
    AuditAction.PRACTICE_REJECTED: N_("Rejected a good practice"),
    AuditAction.PRACTICE_SESSIONS_LINKED: N_("Linked a good practice to sessions"),
}
"""What an audit log entry records."""

TIE_BREAKS: dict[str, str] = {
    "first_places": N_("Most first places"),
    "chair": N_("The chair's casting vote"),
}
"""The tie-break rules other than a criterion's (``criterion:<slug>``)."""
CRITERION_TIE_BREAK = N_("Higher score on %(criterion)s")

CHANGE_KINDS: dict[str, str] = {
    "added": N_("added"),
    "removed": N_("removed"),
    "moved": N_("moved"),
    "retimed": N_("new time"),
    "cancelled": N_("cancelled"),
    "reinstated": N_("reinstated"),
    "speakers": N_("speakers changed"),
    "details": N_("details changed"),
}
"""What a publication changed in a session (``agenda.publishing``)."""

BODY_KINDS: dict[str, str] = {
    BodyKind.COMMITTEE: N_("Committee"),
    BodyKind.NETWORK: N_("Network"),
}

SEAT_KINDS: dict[str, str] = {
    SeatKind.GOVERNMENT: N_("Government seat"),
    SeatKind.CIVIL_SOCIETY: N_("Civil-society seat"),
    SeatKind.EXECUTIVE: N_("Executive seat"),
}

MEMBER_ROLES: dict[str, str] = {
    MemberRole.CHAIR: N_("Chair"),
    MemberRole.CO_CHAIR: N_("Co-chair"),
    MemberRole.MEMBER: N_("Member"),
}
"""A seat's role on a committee or network."""

PRACTICE_STATUSES: dict[str, str] = {
    PracticeStatus.SUBMITTED: N_("Waiting for moderation"),
    PracticeStatus.CHANGES_REQUESTED: N_("Changes asked for"),
    PracticeStatus.PUBLISHED: N_("Published"),
    PracticeStatus.REJECTED: N_("Rejected"),
}
"""Where a good practice stands in its moderation."""

VOTING_METHODS: dict[str, str] = {
    VotingMethod.PLURALITY: N_("Plurality: each ballot names up to one candidate a seat"),
    VotingMethod.APPROVAL: N_("Approval: each ballot names every candidate it approves of"),
}

TIE_RULES: dict[str, str] = {
    TieRule.DRAW: N_("Ties decided by a draw from a seed declared at the opening"),
    TieRule.NAME: N_("Ties decided by short name, A to Z"),
}

DELEGATION_KINDS: dict[str, str] = {
    DelegationKind.GOVERNMENT: N_("Government"),
    DelegationKind.CIVIL_SOCIETY: N_("Civil society"),
    DelegationKind.MULTILATERAL: N_("Multilateral"),
}


MAIL_KINDS: dict[str, str] = {
    MailKind.INVITATION: N_("invitation"),
    MailKind.RESET: N_("password reset"),
    MailKind.JUROR_ASSIGNMENT: N_("jury assignments"),
    MailKind.JUROR_DEADLINE: N_("scoring deadline reminder"),
    MailKind.ENTRANT_RECEIVED: N_("submission received"),
    MailKind.ENTRANT_RESULT: N_("award result"),
    MailKind.SPEAKER_CHANGE: N_("change to a speaker's session"),
    MailKind.SPEAKER_REMINDER: N_("speaker's reminder the day before"),
    MailKind.SESSION_REMINDER: N_("reminder before a followed session"),
    MailKind.PROGRAMME_DIGEST: N_("changes to followed sessions"),
    MailKind.SESSION_CHANGE: N_("a followed session late or cancelled, when no page is open"),
}
"""A kind of outgoing mail."""

MAIL_STATUSES: dict[str, str] = {
    MailStatus.PENDING: N_("waiting"),
    MailStatus.SENDING: N_("sending"),
    MailStatus.SENT: N_("sent"),
    MailStatus.FAILED: N_("failed"),
}
"""Where an outgoing message stands."""


AUDIT_TARGETS: dict[str, str] = {
    "account": N_("Account"),
    "api_token": N_("API token"),
    "body_member": N_("Seat"),
    "election": N_("Election"),
    "invitation": N_("Invitation"),
    "jury_member": N_("Jury member"),
    "poll": N_("Poll"),
    "practice": N_("Good practice"),
    "question": N_("Question"),
    "score_card": N_("Scoresheet"),
    "session": N_("Session"),
    "submission": N_("Submission"),
}
"""What an audit entry is about, stored as ``kind:id``."""

AUDIT_DETAILS: dict[str, str] = {
    "api_token": N_("API token"),
    "assignments_removed": N_("Assignments removed"),
    "award": N_("Award"),
    "body": N_("Committee or network"),
    "chosen": N_("Chosen"),
    "delegation": N_("Delegation"),
    "elected": N_("Elected"),
    "election": N_("Election"),
    "email": N_("Email"),
    "juror_account_id": N_("Juror's account"),
    "method": N_("Voting method"),
    "name": N_("Name"),
    "overrides": N_("Set by hand"),
    "place": N_("Place"),
    "places": N_("Places"),
    "reason": N_("Reason"),
    "role": N_("Role"),
    "scopes": N_("Scopes"),
    "seats": N_("Seats"),
    "session": N_("Session"),
    "sessions": N_("Sessions"),
    "source": N_("Why"),
    "submission": N_("Submission"),
    "tie_rule": N_("Tie rule"),
    "tied": N_("Tied"),
    "title": N_("Title"),
}
"""The names of the details audit entries keep."""

CONFLICT_SOURCES: dict[str, str] = {
    ConflictSource.COUNTRY: N_("Same country or delegation"),
    ConflictSource.ORGANISATION: N_("Same organisation"),
    ConflictSource.DECLARED: N_("Declared"),
}
"""How a conflict of interest was found."""


def _word(mapping: Mapping[str, str], code: str) -> str:
    found = mapping.get(code)
    return gettext(found) if found else code


def role_name(role: str) -> str:
    return _word(ROLE_NAMES, role)


def session_role_name(role: str) -> str:
    return _word(SESSION_ROLE_NAMES, role)


def session_kind_name(kind: str) -> str:
    return _word(SESSION_KIND_NAMES, kind)


def channel_name(channel: str) -> str:
    """A room's channel: the floor (the room's own sound), or the language of an
    interpretation, in the viewer's language."""
    if channel == "floor":
        return gettext("Floor (original sound)")
    return language_name(channel)


def audit_action(action: str) -> str:
    return _word(AUDIT_ACTIONS, action)


def conflict_source(source: str) -> str:
    return _word(CONFLICT_SOURCES, source)


def audit_target(target: str) -> str:
    """What an audit entry is about: ``jury_member:2`` reads "Jury member 2"; anything else
    (an address, a form's name) as it is."""
    kind, colon, rest = target.partition(":")
    found = AUDIT_TARGETS.get(kind) if colon else None
    return f"{gettext(found)} {rest}" if found else target


def audit_details(detail: Mapping[str, Any]) -> list[tuple[str, str]]:
    """An audit entry's details as (name, value) in words. The reason a rule gave for a
    conflict is left out: it is in English, and the conflict's source says the same."""
    found_by_rule = detail.get("source") in {ConflictSource.COUNTRY, ConflictSource.ORGANISATION}
    shown: list[tuple[str, str]] = []
    for key, value in detail.items():
        if key == "reason" and found_by_rule:
            continue
        words = {
            "role": role_name,
            "source": conflict_source,
            "method": voting_method,
            "tie_rule": tie_rule,
        }.get(key)
        shown.append((_word(AUDIT_DETAILS, key), words(str(value)) if words else str(value)))
    return shown


def tie_break_name(rule: str, criteria: Mapping[str, Mapping[str, str]]) -> str:
    """A tie-break rule in words; ``criteria`` are the rubric's names by criterion slug."""
    if rule.startswith("criterion:"):
        slug = rule.removeprefix("criterion:")
        name = pick(dict(criteria[slug])) if slug in criteria else slug
        return gettext(CRITERION_TIE_BREAK) % {"criterion": name}
    return _word(TIE_BREAKS, rule)


def change_kind(kind: str) -> str:
    return _word(CHANGE_KINDS, kind)


def delegation_kind(kind: str) -> str:
    return _word(DELEGATION_KINDS, kind)


def body_kind(kind: str) -> str:
    return _word(BODY_KINDS, kind)


def seat_kind(kind: str) -> str:
    return _word(SEAT_KINDS, kind)


def member_role(role: str) -> str:
    return _word(MEMBER_ROLES, role)


def practice_status(status: str) -> str:
    return _word(PRACTICE_STATUSES, status)


def voting_method(method: str) -> str:
    return _word(VOTING_METHODS, method)


def tie_rule(rule: str) -> str:
    return _word(TIE_RULES, rule)


def country_name(code: str | None) -> str:
    """An ISO 3166 country's name in the viewer's language, from CLDR (Babel)."""
    if not code:
        return ""
    territories = Locale.parse(current_viewer().language).territories
    return str(territories.get(code.upper(), code))


def mail_kind(kind: str) -> str:
    return _word(MAIL_KINDS, kind)


def mail_status(status: str) -> str:
    return _word(MAIL_STATUSES, status)
