"""How a juror comes to be kept from a submission: the rules that find a conflict of interest
(a delegation, a country or an organisation in common), and the record of each recusal (the
conflict, the assignments it ends, and its audit entry, however it came).

Keyword-only; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from summit.auth.audit import AuditAction, record
from summit.auth.models import RoleGrant
from summit.awards.models import (
    Award,
    Conflict,
    ConflictSource,
    JuryAssignment,
    JuryMember,
    Submission,
)
from summit.errors import NotFound
from summit.people.models import Delegation, Person
from summit.persistence import pk


def affiliations(db: Session, *, award: Award, member: JuryMember) -> Affiliation:
    """What ties a juror to entrants: delegations and their countries (from the juror's
    grants and programme entries) and organisations (from programme entries)."""
    grants = db.exec(
        select(RoleGrant).where(
            RoleGrant.account_id == member.account_id, RoleGrant.summit_id == award.summit_id
        )
    ).all()
    delegation_ids = {grant.delegation_id for grant in grants if grant.delegation_id}
    person_ids = {grant.person_id for grant in grants if grant.person_id}
    organisations: set[str] = set()
    if person_ids:
        for person in db.exec(select(Person).where(col(Person.id).in_(person_ids))):
            organisations.update(name.casefold().strip() for name in person.organisation.values())
            if person.delegation_id:
                delegation_ids.add(person.delegation_id)
    countries: set[str] = set()
    if delegation_ids:
        countries = {
            code
            for code in db.exec(
                select(Delegation.country_code).where(col(Delegation.id).in_(delegation_ids))
            )
            if code
        }
    return Affiliation(
        delegation_ids=delegation_ids, countries=countries, organisations=organisations - {""}
    )


@dataclass
class Affiliation:
    """What ties a juror to entrants."""

    delegation_ids: set[int] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    organisations: set[str] = field(default_factory=set)


def rule_conflict(ties: Affiliation, submission: Submission) -> tuple[ConflictSource, str] | None:
    if submission.delegation_id is not None and submission.delegation_id in ties.delegation_ids:
        return ConflictSource.COUNTRY, "juror belongs to the submitting delegation"
    if submission.country_code and submission.country_code in ties.countries:
        return ConflictSource.COUNTRY, f"juror's delegation is from {submission.country_code}"
    organisation = submission.organisation.casefold().strip()
    if organisation and organisation in ties.organisations:
        return ConflictSource.ORGANISATION, "juror belongs to the submitting organisation"
    return None


def record_conflict(
    db: Session,
    *,
    award: Award,
    member: JuryMember,
    submission: Submission,
    source: ConflictSource,
    reason: str,
    by: int | None,
) -> Conflict:
    """Keep ``member`` from ``submission``: the conflict, the end of any assignment of the
    pair, and the audit entry."""
    conflict = Conflict(
        jury_member_id=pk(member), submission_id=pk(submission), source=source, reason=reason
    )
    db.add(conflict)
    dropped = db.exec(
        select(JuryAssignment).where(
            JuryAssignment.jury_member_id == member.id,
            JuryAssignment.submission_id == submission.id,
        )
    ).all()
    for assignment in dropped:
        db.delete(assignment)
    db.flush()
    record_recusal(db, award=award, conflict=conflict, by=by, assignments_removed=len(dropped))
    return conflict


def record_recusal(
    db: Session, *, award: Award, conflict: Conflict, by: int | None, assignments_removed: int = 0
) -> None:
    """The audit entry of a recusal, however it came: found by a rule, declared by the juror,
    or declared by an organiser for them."""
    member = db.get(JuryMember, conflict.jury_member_id)
    submission = db.get(Submission, conflict.submission_id)
    if member is None or submission is None:
        raise NotFound("No such juror.")
    record(
        db,
        action=AuditAction.RECUSAL,
        summit_id=award.summit_id,
        account_id=by,
        target=f"jury_member:{member.id}",
        award=award.slug,
        juror_account_id=member.account_id,
        submission=submission.code,
        source=ConflictSource(conflict.source).value,
        reason=conflict.reason,
        assignments_removed=assignments_removed,
    )


def record_rule_conflicts(
    db: Session,
    *,
    award: Award,
    members: list[JuryMember],
    submissions: list[Submission],
    by: int | None = None,
) -> list[Conflict]:
    """Record the conflicts the rules find between these jurors and submissions that are not
    recorded yet. Conflicts are only added: a logged recusal is withdrawn by an organiser, never
    silently."""
    existing = {
        (row.jury_member_id, row.submission_id)
        for row in db.exec(
            select(Conflict).where(col(Conflict.jury_member_id).in_([m.id for m in members]))
        )
    }
    added: list[Conflict] = []
    for member in members:
        ties = affiliations(db, award=award, member=member)
        for submission in submissions:
            if (member.id, submission.id) in existing:
                continue
            found = rule_conflict(ties, submission)
            if found is not None:
                added.append(
                    record_conflict(
                        db,
                        award=award,
                        member=member,
                        submission=submission,
                        source=found[0],
                        reason=found[1],
                        by=by,
                    )
                )
    db.flush()
    return added
