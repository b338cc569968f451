"""The demo award's management address, the award before its jury began, and the reads of jury
members, submissions, recusals and round 1's assignments that the award management tests share."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select

from summit.auth.models import Account, AuditEntry
from summit.awards.models import AwardRound, JuryAssignment, JuryMember, Submission
from summit.db import Database
from tests.jury import before_judging

AWARD = "open-gov-award-local-innovation-2021"
BASE = f"/ogp2021/manage/awards/{AWARD}"


@pytest.fixture
def unjudged(demo_database: Database) -> Database:
    """The demo award before its jury began: the seed holds the jury's finished work, and
    these tests assign from nothing."""
    with demo_database.write() as db:
        before_judging(db)
    return demo_database


def _member(database: Database, email: str) -> JuryMember:
    with database.read() as db:
        return db.exec(
            select(JuryMember)
            .join(Account, col(Account.id) == JuryMember.account_id)
            .where(Account.email == email)
        ).one()


def _submission(database: Database, code: str) -> Submission:
    with database.read() as db:
        return db.exec(select(Submission).where(Submission.code == code)).one()


def _recusals(database: Database) -> list[dict[str, Any]]:
    with database.read() as db:
        return [
            row.detail
            for row in db.exec(
                select(AuditEntry)
                # The seed's own recusals are logged with no account: these are people's.
                .where(AuditEntry.action == "recusal", col(AuditEntry.account_id).is_not(None))
                .order_by(col(AuditEntry.id))
            )
        ]


def _round_one_assignments(database: Database) -> list[tuple[str, str]]:
    with database.read() as db:
        rows = db.exec(
            select(Account.email, Submission.code)
            .select_from(JuryAssignment)
            .join(JuryMember, col(JuryMember.id) == JuryAssignment.jury_member_id)
            .join(Account, col(Account.id) == JuryMember.account_id)
            .join(Submission, col(Submission.id) == JuryAssignment.submission_id)
            .join(AwardRound, col(AwardRound.id) == JuryAssignment.round_id)
            .where(AwardRound.number == 1)
        ).all()
    return sorted((email, code) for email, code in rows)
