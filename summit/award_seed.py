"""Loads a summit's award from ``award.toml`` through the awards services: the call, its rubric,
rounds and submissions, the jury, the jury's scoresheets and the places it decided.

Whether the places have been revealed and published follows the moment the seed is loaded
at: after the ceremony's end they were published then; before, the ceremony is still to come.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from summit.agenda.models import ProgrammeSession, Summit
from summit.auth.models import Account
from summit.awards.assignment import assign_by_hand
from summit.awards.forms import (
    AwardInput,
    CriterionInput,
    ResultInput,
    RoundInput,
    SubmissionInput,
)
from summit.awards.models import (
    Award,
    AwardRound,
    CardStatus,
    JuryAssignment,
    JuryMember,
    ScoreCard,
    Submission,
)
from summit.awards.scoring import Assigned, CardInput, criteria_of, save_card
from summit.awards.services import (
    add_juror,
    set_results,
    upsert_award,
    upsert_criterion,
    upsert_round,
    upsert_submission,
    withdraw_reveals,
)
from summit.persistence import pk
from summit.seedfiles import SeedError, aware, call, ref, validate

SECTIONS = {"criteria", "rounds", "submissions", "jurors", "judging", "scoresheets", "results"}
"""The parts of ``award.toml`` that are not the award's own fields."""


@dataclass
class Refs:
    """What the award's records point to, by the names the seed files give them."""

    delegations: dict[str, int | None]
    sessions: dict[str, int | None]
    accounts: dict[str, Account]


def load_award(
    db: Session,
    *,
    summit: Summit,
    raw: dict[str, Any],
    zone: ZoneInfo,
    refs: Refs,
    now: datetime | None,
) -> int:
    """Create or update the award; returns how many scoresheets the seed holds."""
    values = {key: value for key, value in raw.items() if key not in SECTIONS}
    for key in ("opens_at", "closes_at", "scoring_closes_at"):
        values[key] = aware(values[key], zone)
    if "ceremony_session" in values:
        values["ceremony_session_id"] = ref(
            "award.toml", refs.sessions, values.pop("ceremony_session")
        )
    award_data = validate("award.toml", AwardInput, values)
    award = call("award.toml", upsert_award, db=db, summit=summit, data=award_data)

    for index, criterion in enumerate(raw.get("criteria", [])):
        upsert_criterion(
            db,
            award=award,
            data=validate("award.toml criteria", CriterionInput, {**criterion, "position": index}),
        )
    for round_ in raw.get("rounds", []):
        upsert_round(db, award=award, data=validate("award.toml rounds", RoundInput, round_))

    submissions = {}
    for entry in raw.get("submissions", []):
        where = f"award.toml submission {entry.get('code')}"
        entry_values = dict(entry)
        if "delegation" in entry_values:
            entry_values["delegation_id"] = ref(
                where, refs.delegations, entry_values.pop("delegation")
            )
        submission_data = validate(where, SubmissionInput, entry_values)
        submission = call(
            where,
            upsert_submission,
            db=db,
            award=award,
            data=submission_data,
            submitted_at=award.closes_at,
        )
        submissions[submission.code] = submission

    for juror in raw.get("jurors", []):
        where = f"award.toml juror {juror.get('email')}"
        account = refs.accounts.get(juror["email"])
        if account is None:
            if refs.accounts:
                raise SeedError(f"{where}: no such account in accounts.toml")
            continue  # demo accounts were not loaded
        call(
            where,
            add_juror,
            db=db,
            award=award,
            account=account,
            is_chair=juror.get("chair", False),
        )

    sheets = 0
    if refs.accounts and "judging" in raw:
        sheets = _load_judging(db, award=award, raw=raw, zone=zone, refs=refs, known=submissions)
    _load_results(db, award=award, raw=raw, known=submissions, now=now)
    return sheets


def _load_judging(
    db: Session,
    *,
    award: Award,
    raw: dict[str, Any],
    zone: ZoneInfo,
    refs: Refs,
    known: dict[str, Submission],
) -> int:
    """Each scoresheet assigned by hand to its juror in the judging round, then saved final at
    ``scored_at`` as the juror would save it."""
    judging = raw["judging"]
    number = judging.get("round")
    round_ = db.exec(
        select(AwardRound).where(AwardRound.award_id == award.id, AwardRound.number == number)
    ).first()
    if round_ is None:
        raise SeedError(f"award.toml judging: no round {number!r}")
    scored_at = aware(judging["scored_at"], zone)
    criteria = {criterion.slug: pk(criterion) for criterion in criteria_of(db, award_id=pk(award))}
    sheets = 0
    for sheet in raw.get("scoresheets", []):
        email = sheet.get("juror")
        account = ref(f"award.toml scoresheets {email}", refs.accounts, email)
        member = db.exec(
            select(JuryMember).where(
                JuryMember.award_id == award.id, JuryMember.account_id == account.id
            )
        ).first()
        if member is None:
            raise SeedError(f"award.toml scoresheets {email}: not on the jury")
        for code, scores in sheet.get("scores", {}).items():
            where = f"award.toml scoresheet of {email} for {code}"
            submission = ref(where, known, code)
            unknown = sorted(set(scores) - set(criteria))
            if unknown:
                raise SeedError(f"{where}: no criterion {', '.join(unknown)}")
            item = _assigned(db, award=award, round_=round_, member=member, submission=submission)
            revision = item.card.revision if item.card else 0
            data = CardInput(
                revision=revision,
                save_key=f"seed:{revision}",
                scores={criteria[slug]: float(value) for slug, value in scores.items()},
                comment=None,
                status=CardStatus.FINAL,
            )
            call(
                where,
                save_card,
                db=db,
                item=item,
                account_id=pk(account),
                data=data,
                now=scored_at,
            )
            sheets += 1
    return sheets


def _assigned(
    db: Session, *, award: Award, round_: AwardRound, member: JuryMember, submission: Submission
) -> Assigned:
    """The juror's assignment to the submission in this round, made by hand if it is not yet."""
    assignment = db.exec(
        select(JuryAssignment).where(
            JuryAssignment.round_id == round_.id,
            JuryAssignment.submission_id == submission.id,
            JuryAssignment.jury_member_id == member.id,
        )
    ).first()
    if assignment is None:
        assignment = call(
            f"award.toml scoresheet for {submission.code}",
            assign_by_hand,
            db=db,
            award=award,
            round_=round_,
            member=member,
            submission=submission,
        )
    card = db.exec(select(ScoreCard).where(ScoreCard.assignment_id == assignment.id)).first()
    return Assigned(award, member, assignment, submission, card)


def _load_results(
    db: Session,
    *,
    award: Award,
    raw: dict[str, Any],
    known: dict[str, Submission],
    now: datetime | None,
) -> None:
    results = [
        validate(
            "award.toml results",
            ResultInput,
            {
                "submission_id": pk(ref("award.toml results", known, entry["submission"])),
                "place": entry.get("place"),
                "is_mention": entry.get("mention", False),
                "reason": entry.get("reason", ""),
            },
        )
        for entry in raw.get("results", [])
    ]
    published_at = award.results_published_at
    if now is not None:
        ceremony = award.ceremony_session_id
        ends = _ceremony_end(db, ceremony) if ceremony else award.scoring_closes_at
        published_at = ends if ends is not None and ends <= now else None
    call(
        "award.toml results",
        set_results,
        db=db,
        award=award,
        results=results,
        published_at=published_at,
    )
    if now is not None and published_at is None:
        withdraw_reveals(db, award=award)


def _ceremony_end(db: Session, session_id: int) -> datetime | None:
    session = db.get(ProgrammeSession, session_id)
    return session.ends_at if session else None
