"""The audit log: what happened, to whom, by whom. Rows are only ever added."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlmodel import Session

from summit.auth.models import AuditEntry


class AuditAction(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - an action name, not a secret
    PASSWORD_RESET_REQUESTED = "password_reset_requested"  # noqa: S105
    PASSWORD_RESET = "password_reset"  # noqa: S105
    ROLE_GRANTED = "role_granted"
    ROLE_REVOKED = "role_revoked"
    INVITATION_ISSUED = "invitation_issued"
    INVITATION_USED = "invitation_used"
    ACCOUNT_DISABLED = "account_disabled"
    PERMISSION_DENIED = "permission_denied"
    RATE_LIMITED = "rate_limited"
    RECUSAL = "recusal"
    """A juror is kept away from a submission: a conflict of interest found by a rule, or
    declared by the juror or by an organiser for them (``source`` in the detail says which)."""
    RECUSAL_WITHDRAWN = "recusal_withdrawn"
    API_TOKEN_ISSUED = "api_token_issued"  # noqa: S105 - an action name, not a secret
    API_TOKEN_REVOKED = "api_token_revoked"  # noqa: S105
    SCORE_CARD_REOPENED = "score_card_reopened"
    AWARD_PLACES_SET = "award_places_set"
    AWARD_CASTING_VOTE = "award_casting_vote"
    AWARD_RESULTS_PUBLISHED = "award_results_published"
    AWARD_PLACE_REVEALED = "award_place_revealed"
    QUESTION_APPROVED = "question_approved"
    QUESTION_HIDDEN = "question_hidden"
    QUESTION_UNHIDDEN = "question_unhidden"
    QUESTION_PINNED = "question_pinned"
    QUESTION_UNPINNED = "question_unpinned"
    QUESTION_ANSWERED = "question_answered"
    QUESTION_UNANSWERED = "question_unanswered"
    QUESTIONS_PREMODERATED = "questions_premoderated"
    """A session's new questions wait for a moderator's approval from now on."""
    QUESTIONS_UNMODERATED = "questions_unmoderated"
    """A session's new questions show at once from now on."""
    POLL_CREATED = "poll_created"
    POLL_OPENED = "poll_opened"
    POLL_CLOSED = "poll_closed"
    BODY_SAVED = "body_saved"
    BODY_MEMBER_SAVED = "body_member_saved"
    BODY_MEMBER_REMOVED = "body_member_removed"
    ELECTION_OPENED = "election_opened"
    BALLOT_CAST = "ballot_cast"
    """A delegation voted: who, in which election; never what the ballot says."""
    ELECTION_COUNTED = "election_counted"
    ELECTION_PUBLISHED = "election_published"
    PRACTICE_SUBMITTED = "practice_submitted"
    PRACTICE_EDITED = "practice_edited"
    """Its submitter changed a practice, which goes back to the coordinators."""
    PRACTICE_APPROVED = "practice_approved"
    PRACTICE_CHANGES_REQUESTED = "practice_changes_requested"
    PRACTICE_REJECTED = "practice_rejected"
    PRACTICE_SESSIONS_LINKED = "practice_sessions_linked"


MERGED_ACTIONS = {"conflict_declared": AuditAction.RECUSAL}
"""Stored actions since merged into another. Entries are never rewritten: one written under
an old name keeps it in the database and reads as the merged action."""


def action_of(entry: AuditEntry) -> AuditAction | str:
    """What ``entry`` records, reading a merged action's old name as the merged one."""
    stored = entry.action
    if stored in MERGED_ACTIONS:
        return MERGED_ACTIONS[stored]
    try:
        return AuditAction(stored)
    except ValueError:
        return stored  # written by a newer version than this one


def record(
    db: Session,
    *,
    action: AuditAction,
    summit_id: int | None = None,
    account_id: int | None = None,
    target: str = "",
    client_ip: str | None = None,
    **detail: Any,
) -> AuditEntry:
    entry = AuditEntry(
        summit_id=summit_id,
        account_id=account_id,
        action=action.value,
        target=target[:200],
        client_ip=client_ip,
        detail=detail,
    )
    db.add(entry)
    return entry
