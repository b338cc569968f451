"""Submissions to an award call: entrants' own, while the call is open, and organisers' CSV
imports. Keyword-only; the caller owns the transaction."""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import EmailStr, Field, ValidationError
from sqlmodel import Session, col, select

from summit.awards.assignment import refresh_conflicts
from summit.awards.calls import is_open
from summit.awards.forms import SubmissionInput
from summit.awards.models import Attachment, Award, EntityKind, Submission, SubmissionStatus
from summit.awards.services import upsert_submission
from summit.columns import utcnow
from summit.errors import DomainError
from summit.people.models import Delegation
from summit.persistence import assign, pk
from summit.validation import CountryCode, Input, LanguageCode, RowId

MAX_IMPORT_ROWS = 2000
CSV_COLUMNS = (
    "code",
    "entity_name",
    "entity_kind",
    "country_code",
    "delegation",
    "organisation",
    "contact_name",
    "contact_email",
    "language",
    "title",
    "summary",
    "status",
)
REQUIRED_COLUMNS = {"code", "entity_name", "entity_kind", "language", "title", "summary"}


class EntryInput(Input):
    """What an entrant fills in; the code and the submitter come from the app."""

    entity_name: str = Field(min_length=1, max_length=300)
    entity_kind: EntityKind
    country_code: CountryCode | None = None
    delegation_id: RowId | None = None
    organisation: str = Field(default="", max_length=300)
    contact_name: str = Field(min_length=1, max_length=200)
    contact_email: EmailStr
    language: LanguageCode
    title: str = Field(min_length=1, max_length=300)
    summary: str = Field(min_length=1, max_length=5000)


def submission_of_account(db: Session, *, award: Award, account_id: int) -> Submission | None:
    return db.exec(
        select(Submission)
        .where(Submission.award_id == award.id, Submission.submitter_account_id == account_id)
        .order_by(col(Submission.id))
    ).first()


def submissions_of(db: Session, *, award: Award) -> list[Submission]:
    return list(
        db.exec(
            select(Submission).where(Submission.award_id == award.id).order_by(col(Submission.code))
        )
    )


def attachments_of(db: Session, *, submission: Submission) -> list[Attachment]:
    return list(
        db.exec(
            select(Attachment)
            .where(Attachment.submission_id == submission.id)
            .order_by(col(Attachment.uploaded_at), col(Attachment.id))
        )
    )


def _new_code(db: Session, award: Award) -> str:
    while True:
        code = f"S-{secrets.token_hex(4).upper()}"
        taken = db.exec(
            select(Submission.id).where(Submission.award_id == award.id, Submission.code == code)
        ).first()
        if taken is None:
            return code


def _check_delegation(db: Session, award: Award, delegation_id: int | None) -> None:
    if delegation_id is None:
        return
    delegation = db.get(Delegation, delegation_id)
    if delegation is None or delegation.summit_id != award.summit_id:
        raise DomainError("No such delegation in this summit.", field="delegation_id")


def submit_entry(
    db: Session, *, award: Award, account_id: int, data: EntryInput, now: datetime
) -> Submission:
    """Create or change the account's submission to this call, while the call is open."""
    if not is_open(award, now):
        raise DomainError("This call is not open for submissions.")
    _check_delegation(db, award, data.delegation_id)
    submission = submission_of_account(db, award=award, account_id=account_id)
    values: dict[str, Any] = data.model_dump()
    if submission is None:
        submission = Submission(
            award_id=pk(award),
            code=_new_code(db, award),
            submitter_account_id=account_id,
            status=SubmissionStatus.SUBMITTED,
            submitted_at=now,
            **values,
        )
        db.add(submission)
    elif assign(submission, values):
        submission.updated_at = utcnow()
    db.flush()
    refresh_conflicts(db, award=award, submissions=[submission], by=account_id)
    return submission


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


class ImportRefused(Exception):
    """A CSV import with errors; nothing of it was saved."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} rows refused")


def import_csv(db: Session, *, award: Award, text: str, by: int | None) -> list[Submission]:
    """Import or update submissions from CSV (header row first; see ``CSV_COLUMNS``).

    All or nothing: every line is checked, and any error refuses the whole file, listing each
    bad line. Rows are matched to existing submissions by code.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = sorted(REQUIRED_COLUMNS - set(header))
    unknown = sorted(set(header) - set(CSV_COLUMNS))
    if missing or unknown:
        message = "; ".join(
            part
            for part in (
                f"missing columns: {', '.join(missing)}" if missing else "",
                f"unknown columns: {', '.join(unknown)}" if unknown else "",
            )
            if part
        )
        raise ImportRefused([RowError(line=1, message=message)])
    delegations = {
        row.slug: row.id
        for row in db.exec(select(Delegation).where(Delegation.summit_id == award.summit_id))
    }
    parsed: list[SubmissionInput] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    try:
        for index, raw in enumerate(reader):
            line = reader.line_num
            if index >= MAX_IMPORT_ROWS:
                errors.append(RowError(line, f"at most {MAX_IMPORT_ROWS} rows a file"))
                break
            if None in raw:
                errors.append(RowError(line, "more values than columns"))
                continue
            values = {key.strip(): (value or "").strip() for key, value in raw.items()}
            data = _row_input(values, delegations, line, errors)
            if data is None:
                continue
            if data.code in seen:
                errors.append(RowError(line, f"code {data.code} already on line {seen[data.code]}"))
                continue
            seen[data.code] = line
            parsed.append(data)
    except csv.Error as error:
        errors.append(RowError(reader.line_num, f"unreadable CSV: {error}"))
    if errors:
        raise ImportRefused(errors)
    saved = [
        upsert_submission(db, award=award, data=data, submitted_at=award.closes_at)
        for data in parsed
    ]
    refresh_conflicts(db, award=award, submissions=saved, by=by)
    return saved


def _row_input(
    values: dict[str, str], delegations: dict[str, int | None], line: int, errors: list[RowError]
) -> SubmissionInput | None:
    delegation_slug = values.pop("delegation", "")
    fields: dict[str, Any] = {key: value for key, value in values.items() if value != ""}
    if delegation_slug:
        if delegation_slug not in delegations:
            errors.append(RowError(line, f"no delegation {delegation_slug!r} in this summit"))
            return None
        fields["delegation_id"] = delegations[delegation_slug]
    try:
        return SubmissionInput.model_validate(fields)
    except ValidationError as invalid:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'row'}: "
            f"{item['msg'].removeprefix('Value error, ')}"
            for item in invalid.errors()
        )
        errors.append(RowError(line, problems))
        return None
