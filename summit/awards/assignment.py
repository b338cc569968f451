"""The jury of an award: its members and chair, conflicts of interest, and who scores what.

A conflicted juror is never assigned: adding a conflict removes the assignment it concerns, and
both the hand and the automatic assignment refuse conflicted pairs. Every recusal, found by the
rules or declared, is written to the audit log (``summit.awards.recusals``). Keyword-only; the
caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from summit.agenda.models import Summit
from summit.auth.audit import AuditAction, record
from summit.auth.forms import RoleInput
from summit.auth.models import Account, Role
from summit.auth.services import grant_role
from summit.awards.calls import submissions_in_round
from summit.awards.models import (
    Award,
    AwardRound,
    Conflict,
    ConflictSource,
    JuryAssignment,
    JuryMember,
    Submission,
)
from summit.awards.recusals import record_conflict, record_rule_conflicts
from summit.errors import DomainError, NotFound
from summit.i18n.viewer import N_plural
from summit.persistence import pk

MAX_JURORS_PER_SUBMISSION = 20


@dataclass(frozen=True)
class Juror:
    member: JuryMember
    account: Account


def jury_of(db: Session, *, award: Award) -> list[Juror]:
    """The jury, chair first, then by name."""
    rows = db.exec(
        select(JuryMember, Account)
        .join(Account, col(Account.id) == JuryMember.account_id)
        .where(JuryMember.award_id == award.id)
    ).all()
    jurors = [Juror(member=member, account=account) for member, account in rows]
    return sorted(
        jurors,
        key=lambda j: (not j.member.is_chair, j.account.display_name.casefold(), j.member.id),
    )


def member_of(db: Session, *, award: Award, member_id: int) -> JuryMember:
    found = db.get(JuryMember, member_id)
    if found is None or found.award_id != award.id:
        raise NotFound("No such juror.")
    return found


def submission_of(db: Session, *, award: Award, submission_id: int) -> Submission:
    found = db.get(Submission, submission_id)
    if found is None or found.award_id != award.id:
        raise NotFound("No such submission.")
    return found


def add_member(
    db: Session, *, summit: Summit, award: Award, email: str, is_chair: bool, by: int | None
) -> JuryMember:
    """Put the account with this e-mail on the jury, with the juror role, and find its
    conflicts. The account must exist: invite the person first."""
    account = db.exec(select(Account).where(Account.email == email.strip().lower())).first()
    if account is None or not account.is_active:
        raise DomainError(
            "No account uses this e-mail address: invite the person first.", field="email"
        )
    taken = db.exec(
        select(JuryMember.id).where(
            JuryMember.award_id == award.id, JuryMember.account_id == account.id
        )
    ).first()
    if taken is not None:
        raise DomainError("This person is already on the jury.", field="email")
    granter = db.get(Account, by) if by is not None else None
    grant_role(
        db, summit=summit, account=account, data=RoleInput(role=Role.JUROR), granted_by=granter
    )
    member = JuryMember(award_id=pk(award), account_id=pk(account))
    db.add(member)
    db.flush()
    if is_chair:
        set_chair(db, award=award, member=member)
    refresh_conflicts(db, award=award, members=[member], by=by)
    return member


def remove_member(db: Session, *, award: Award, member: JuryMember) -> None:
    """Take a juror off this jury, with their assignments and scores; the juror role stays
    (it may serve another award) until an organiser takes it away."""
    db.delete(member)
    db.flush()


def set_chair(db: Session, *, award: Award, member: JuryMember) -> None:
    for other in db.exec(
        select(JuryMember).where(JuryMember.award_id == award.id, col(JuryMember.is_chair))
    ):
        if other.id != member.id:
            other.is_chair = False
    # The partial unique index allows one chair: clear the old one before naming the new.
    db.flush()
    member.is_chair = True
    db.flush()


def refresh_conflicts(
    db: Session,
    *,
    award: Award,
    members: Iterable[JuryMember] | None = None,
    submissions: Iterable[Submission] | None = None,
    by: int | None = None,
) -> list[Conflict]:
    """Record the conflicts the rules find between these jurors and submissions (all of the
    award's when not given). Conflicts are only added: a logged recusal is withdrawn by an
    organiser, never silently."""
    members = list(members) if members is not None else _members(db, award)
    if submissions is None:
        submissions = db.exec(select(Submission).where(Submission.award_id == award.id)).all()
    submissions = list(submissions)
    if not members or not submissions:
        return []
    return record_rule_conflicts(db, award=award, members=members, submissions=submissions, by=by)


def _members(db: Session, award: Award) -> list[JuryMember]:
    return list(db.exec(select(JuryMember).where(JuryMember.award_id == award.id)))


def declare_conflict(
    db: Session, *, award: Award, member: JuryMember, submission: Submission, reason: str, by: int
) -> Conflict:
    """Record a declared conflict (by the juror, or by an organiser on their behalf)."""
    if member.award_id != award.id or submission.award_id != award.id:
        raise NotFound("No such juror.")
    taken = db.exec(
        select(Conflict.id).where(
            Conflict.jury_member_id == member.id, Conflict.submission_id == submission.id
        )
    ).first()
    if taken is not None:
        raise DomainError("This conflict is already recorded.", field="submission_id")
    conflict = record_conflict(
        db,
        award=award,
        member=member,
        submission=submission,
        source=ConflictSource.DECLARED,
        reason=reason.strip()[:1000],
        by=by,
    )
    db.flush()
    return conflict


def conflict_of(db: Session, *, award: Award, conflict_id: int) -> Conflict:
    found = db.get(Conflict, conflict_id)
    member = db.get(JuryMember, found.jury_member_id) if found is not None else None
    if found is None or member is None or member.award_id != award.id:
        raise NotFound("No such conflict.")
    return found


def withdraw_conflict(db: Session, *, award: Award, conflict: Conflict, by: int) -> None:
    """Lift a recusal (logged). A rule-based one comes back if the rule still holds."""
    submission = db.get(Submission, conflict.submission_id)
    record(
        db,
        action=AuditAction.RECUSAL_WITHDRAWN,
        summit_id=award.summit_id,
        account_id=by,
        target=f"jury_member:{conflict.jury_member_id}",
        award=award.slug,
        submission=submission.code if submission else "",
        source=conflict.source,
        reason=conflict.reason,
    )
    db.delete(conflict)
    db.flush()


def conflicts_of(db: Session, *, award: Award) -> list[Conflict]:
    return list(
        db.exec(
            select(Conflict)
            .join(JuryMember, col(JuryMember.id) == Conflict.jury_member_id)
            .where(JuryMember.award_id == award.id)
            .order_by(col(Conflict.created_at), col(Conflict.id))
        )
    )


def _conflicted(db: Session, award: Award) -> set[tuple[int, int]]:
    return {(row.jury_member_id, row.submission_id) for row in conflicts_of(db, award=award)}


def assignments_of(db: Session, *, round_: AwardRound) -> list[JuryAssignment]:
    return list(
        db.exec(
            select(JuryAssignment)
            .where(JuryAssignment.round_id == round_.id)
            .order_by(col(JuryAssignment.submission_id), col(JuryAssignment.jury_member_id))
        )
    )


def assign_by_hand(
    db: Session,
    *,
    award: Award,
    round_: AwardRound,
    member: JuryMember,
    submission: Submission,
) -> JuryAssignment:
    if round_.award_id != award.id:
        raise NotFound("No such round.")
    if submission.round_number < round_.number:
        raise DomainError("This submission has not reached this round.", field="submission_id")
    if (member.id, submission.id) in _conflicted(db, award):
        raise DomainError(
            "This juror has a conflict of interest with this submission.", field="member_id"
        )
    taken = db.exec(
        select(JuryAssignment).where(
            JuryAssignment.round_id == round_.id,
            JuryAssignment.submission_id == submission.id,
            JuryAssignment.jury_member_id == member.id,
        )
    ).first()
    if taken is not None:
        raise DomainError("This juror already scores this submission.", field="member_id")
    assignment = JuryAssignment(
        round_id=pk(round_), submission_id=pk(submission), jury_member_id=pk(member)
    )
    db.add(assignment)
    db.flush()
    return assignment


def unassign(db: Session, *, award: Award, assignment_id: int) -> None:
    found = db.get(JuryAssignment, assignment_id)
    round_ = db.get(AwardRound, found.round_id) if found is not None else None
    if found is None or round_ is None or round_.award_id != award.id:
        raise NotFound("No such assignment.")
    db.delete(found)
    db.flush()


@dataclass(frozen=True)
class Shortfall:
    """A submission that could not get as many jurors as asked: too few are free of conflict."""

    submission: Submission
    wanted: int
    got: int


@dataclass(frozen=True)
class AutoAssignment:
    added: list[JuryAssignment]
    shortfalls: list[Shortfall]


def plan(
    *,
    submissions: list[int],
    jurors: list[int],
    per_submission: int,
    existing: set[tuple[int, int]],
    conflicts: set[tuple[int, int]],
) -> tuple[list[tuple[int, int]], dict[int, int]]:
    """Pure greedy plan: (juror, submission) pairs to add, and what each submission lacks.

    Submissions with the fewest possible jurors go first (then by the order given); each takes
    the least-loaded free jurors, ties broken by the order of ``jurors``. Without conflicts the
    loads end up within one of each other.
    """
    load = dict.fromkeys(jurors, 0)
    have: dict[int, set[int]] = {submission: set() for submission in submissions}
    for juror, submission in existing:
        if juror in load and submission in have:
            load[juror] += 1
            have[submission].add(juror)
    order = {juror: index for index, juror in enumerate(jurors)}

    def free(submission: int) -> list[int]:
        return [
            juror
            for juror in jurors
            if juror not in have[submission] and (juror, submission) not in conflicts
        ]

    position = {submission: index for index, submission in enumerate(submissions)}
    queue = sorted(
        submissions,
        key=lambda s: (len(free(s)) + len(have[s]), position[s]),
    )
    added: list[tuple[int, int]] = []
    lacking: dict[int, int] = {}
    for submission in queue:
        needed = per_submission - len(have[submission])
        if needed <= 0:
            continue
        candidates = sorted(free(submission), key=lambda juror: (load[juror], order[juror]))
        chosen = candidates[:needed]
        for juror in chosen:
            load[juror] += 1
            have[submission].add(juror)
            added.append((juror, submission))
        if len(chosen) < needed:
            lacking[submission] = needed - len(chosen)
    return added, lacking


def auto_assign(
    db: Session, *, award: Award, round_: AwardRound, per_submission: int
) -> AutoAssignment:
    """Give every submission of the round ``per_submission`` jurors, loads balanced, never a
    conflicted one; keeps the assignments already made, and reports what it could not do."""
    if round_.award_id != award.id:
        raise NotFound("No such round.")
    if not 1 <= per_submission <= MAX_JURORS_PER_SUBMISSION:
        raise DomainError(
            N_plural(
                "Give between 1 and %(num)d juror a submission.",
                "Give between 1 and %(num)d jurors a submission.",
            ),
            field="per_submission",
            num=MAX_JURORS_PER_SUBMISSION,
        )
    members = sorted(_members(db, award), key=lambda member: pk(member))
    if not members:
        raise DomainError("The jury has no members yet.", field="per_submission")
    entries = submissions_in_round(db, award=award, number=round_.number)
    by_id = {pk(entry): entry for entry in entries}
    existing = {
        (row.jury_member_id, row.submission_id) for row in assignments_of(db, round_=round_)
    }
    pairs, lacking = plan(
        submissions=list(by_id),
        jurors=[pk(member) for member in members],
        per_submission=per_submission,
        existing=existing,
        conflicts=_conflicted(db, award),
    )
    added = []
    for juror, submission in pairs:
        assignment = JuryAssignment(
            round_id=pk(round_), submission_id=submission, jury_member_id=juror, automatic=True
        )
        db.add(assignment)
        added.append(assignment)
    db.flush()
    shortfalls = [
        Shortfall(submission=by_id[submission], wanted=per_submission, got=per_submission - missing)
        for submission, missing in sorted(lacking.items(), key=lambda item: by_id[item[0]].code)
    ]
    return AutoAssignment(added=added, shortfalls=shortfalls)
