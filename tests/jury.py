"""Puts the demo award in the state judging starts from: the seeded jury's work taken away,
every submission assigned to every juror in round 1, results not decided, the clock before
scoring closes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlmodel import Session, col, delete, select

from summit.auth.forms import AccountInput, RoleInput
from summit.auth.models import Account, Role
from summit.auth.services import grant_role, upsert_account
from summit.awards.models import (
    Award,
    AwardResult,
    AwardRound,
    CardStatus,
    JuryAssignment,
    JuryMember,
    Submission,
)
from summit.awards.scoring import Assigned, CardInput, criteria_of, queue, save_card
from summit.awards.services import add_juror
from summit.persistence import pk
from tests.conftest import DEMO_PASSWORD

AWARD_SLUG = "open-gov-award-local-innovation-2021"
BEFORE_SCORING_CLOSES = datetime(2021, 11, 1, 3, 0, tzinfo=UTC)


def demo_award(db: Session) -> Award:
    return db.exec(select(Award).where(Award.slug == AWARD_SLUG)).one()


def before_judging(db: Session) -> Award:
    """The demo award before its jury began: no assignment, scoresheet or result (the seed
    loads the jury's finished work and the places it decided)."""
    award = demo_award(db)
    award.results_published_at = None
    db.exec(delete(AwardResult).where(col(AwardResult.award_id) == award.id))
    rounds = select(AwardRound.id).where(AwardRound.award_id == award.id)
    # Their scoresheets, scores and score log go with them (foreign keys cascade).
    db.exec(delete(JuryAssignment).where(col(JuryAssignment.round_id).in_(rounds)))
    db.flush()
    return award


def open_judging(db: Session) -> Award:
    """Assign every submission to every juror in round 1, with nothing scored or decided."""
    award = before_judging(db)
    round_one = db.exec(
        select(AwardRound).where(AwardRound.award_id == award.id, AwardRound.number == 1)
    ).one()
    members = db.exec(select(JuryMember).where(JuryMember.award_id == award.id)).all()
    submissions = db.exec(
        select(Submission).where(Submission.award_id == award.id).order_by(col(Submission.id))
    ).all()
    for member in members:
        for submission in submissions:
            db.add(
                JuryAssignment(
                    round_id=pk(round_one),
                    submission_id=pk(submission),
                    jury_member_id=pk(member),
                )
            )
    db.flush()
    return award


def add_jurors(db: Session, award: Award, count: int, *, first: int = 5) -> list[Account]:
    """More (fictional) jurors, each assigned every submission in round 1."""
    from summit.agenda.models import Summit

    summit = db.get(Summit, award.summit_id)
    assert summit is not None
    round_one = db.exec(
        select(AwardRound).where(AwardRound.award_id == award.id, AwardRound.number == 1)
    ).one()
    submissions = db.exec(select(Submission).where(Submission.award_id == award.id)).all()
    accounts = []
    for number in range(first, first + count):
        account = upsert_account(
            db,
            data=AccountInput(
                email=f"juror{number}@example.org",
                display_name=f"Juror {number}",
                password=DEMO_PASSWORD,
            ),
        )
        grant_role(db, summit=summit, account=account, data=RoleInput(role=Role.JUROR))
        member = add_juror(db, award=award, account=account, is_chair=False)
        for submission in submissions:
            db.add(
                JuryAssignment(
                    round_id=pk(round_one), submission_id=pk(submission), jury_member_id=pk(member)
                )
            )
        accounts.append(account)
    db.flush()
    return accounts


def account(db: Session, email: str) -> Account:
    return db.exec(select(Account).where(Account.email == email)).one()


def queue_of(db: Session, email: str) -> list[Assigned]:
    award = demo_award(db)
    return queue(db, summit_id=award.summit_id, account_id=pk(account(db, email)))


_TOKEN = re.compile(r"[0-9a-f]{64}")
_NEXT = re.compile(r"next=[^\"&]*")


def same_page(text: str) -> str:
    """A page without what differs between two requests of one client: the CSRF tokens (each
    masked afresh) and the links back to the current address (the account menu's and the
    footer's)."""
    return _NEXT.sub("next=HERE", _TOKEN.sub("TOKEN", text.split("<footer")[0]))


DEMO_SCORES = {
    "TTA-REGION": 9,
    "KE-RIVERSIDE": 8,
    "BR-PARTNERSHIP": 8,
    "CI-EXEMPLEVILLE": 7,
    "NG-EXAMPLE-CITY": 6,
    "TN-EXAMPLE-MUNICIPALITY": 5,
    "PH-BARANGAY-NETWORK": 4,
    "ZA-CIVIC-LAB": 3,
    "KR-EXAMPLE-DISTRICT": 2,
    "BF-COMMUNE-EXEMPLE": 1,
}
"""Every juror gives each criterion of a submission this score: KE and BR tie on everything."""


def score_everything(db: Session, *, now: datetime = BEFORE_SCORING_CLOSES) -> None:
    """Every juror marks every scoresheet in their queue final, with ``DEMO_SCORES``."""
    for number in range(1, 5):
        email = f"juror{number}@example.org"
        who = pk(account(db, email))
        for item in queue_of(db, email):
            value = float(DEMO_SCORES[item.submission.code])
            criteria = criteria_of(db, award_id=pk(item.award))
            data = CardInput(
                revision=0,
                save_key="seed",
                scores={pk(c): value for c in criteria},
                comment="",
                status=CardStatus.FINAL,
            )
            save_card(db, item=item, account_id=who, data=data, now=now)
