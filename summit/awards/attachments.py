"""Files attached to submissions: checked by their content, stored under random names outside
the static folder, and handed only to those who may read the submission.

The name and the declared type of an upload are the sender's word; only the leading bytes
decide what a file is, and only PDF, PNG, JPEG and WebP are kept.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import puremagic
from sqlmodel import Session, col, select

from summit.auth.permissions import Principal, is_organiser
from summit.awards.models import (
    Attachment,
    Award,
    Conflict,
    JuryAssignment,
    JuryMember,
    Submission,
)
from summit.errors import DomainError, NotFound
from summit.i18n.viewer import N_plural
from summit.persistence import pk

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
MAX_FILES_ERROR = N_plural(
    "A submission holds at most %(num)d file.", "A submission holds at most %(num)d files."
)
ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
}
EXTENSIONS = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}
MAX_SHOWN_NAME = 200
"""How much of a file's name a refusal repeats."""
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


def sniff(data: bytes) -> str | None:
    """The allowed content type these bytes are, by their magic numbers; None for others."""
    if not data:
        return None
    try:
        found = puremagic.from_string(data[:8192], mime=True)
    except puremagic.PureError:
        return None
    # A PDF may carry a few bytes of junk before its header; puremagic accepts that too.
    return found if found in ALLOWED_TYPES else None


def visible_name(name: str) -> str:
    """The name as it reads: without control characters nor invisible formatting ones (bidi
    overrides and isolates, zero-width spaces and joiners), which can make ``exe.pdf`` show
    as ``fdp.exe``."""
    normal = unicodedata.normalize("NFC", name)
    return "".join(char for char in normal if unicodedata.category(char) not in {"Cc", "Cf"})


def clean_name(name: str, content_type: str) -> str:
    """A file name safe to show and to offer for download, with the extension of its type."""
    base = visible_name(name).rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    base = _UNSAFE_NAME.sub("_", base).strip(" .") or "attachment"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem[:200]}{ALLOWED_TYPES[content_type]}"


def check_upload(name: str, data: bytes) -> str:
    """The content type of an acceptable upload, or a refusal naming the file."""
    name = visible_name(name)
    shown = name if len(name) <= MAX_SHOWN_NAME else name[: MAX_SHOWN_NAME - 1] + "…"
    if len(data) > MAX_FILE_BYTES:
        raise DomainError(
            "%(name)s is larger than %(size)d MB.",
            field="attachments",
            name=shown,
            size=MAX_FILE_BYTES // (1024 * 1024),
        )
    content_type = sniff(data)
    named = EXTENSIONS.get(Path(name).suffix.lower())
    if content_type is None or named != content_type:
        # A name that says one thing and content that is another is refused outright.
        raise DomainError(
            "%(name)s is not a PDF, PNG, JPEG or WebP file.", field="attachments", name=shown
        )
    return content_type


@dataclass(frozen=True)
class StoredFile:
    """A checked upload, written under a name of ours: where it went (to remove should the
    transaction fail), and what the row that records it holds."""

    path: Path
    original_name: str
    stored_name: str
    content_type: str
    size_bytes: int
    sha256: str

    def columns(self) -> dict[str, Any]:
        return {
            "original_name": self.original_name,
            "stored_name": self.stored_name,
            "content_type": self.content_type,
            "size_bytes": self.size_bytes,
            "sha256": self.sha256,
        }


def store_file(folder: Path, *, name: str, data: bytes, content_type: str) -> StoredFile:
    """Write an upload that ``check_upload`` accepted as ``content_type``, under a random name
    (never the sender's, so no path can leave ``folder``), kept with a clean original name."""
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(24)
    path = folder / stored_name
    with path.open("xb") as handle:
        handle.write(data)
    return StoredFile(
        path=path,
        original_name=clean_name(name, content_type),
        stored_name=stored_name,
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def add_attachment(
    db: Session, *, submission: Submission, folder: Path, name: str, data: bytes
) -> tuple[Attachment, Path]:
    """Check and store one file; returns the row and where the file went (for clean-up should
    the transaction fail)."""
    content_type = check_upload(name, data)
    count = len(
        db.exec(select(Attachment.id).where(Attachment.submission_id == submission.id)).all()
    )
    if count >= MAX_FILES:
        raise DomainError(MAX_FILES_ERROR, field="attachments", num=MAX_FILES)
    stored = store_file(folder, name=name, data=data, content_type=content_type)
    attachment = Attachment(submission_id=pk(submission), **stored.columns())
    db.add(attachment)
    db.flush()
    return attachment, stored.path


def attachments_of_submissions(
    db: Session, *, submission_ids: list[int]
) -> dict[int, list[Attachment]]:
    """Each submission's files, in one query."""
    found: dict[int, list[Attachment]] = {}
    if not submission_ids:
        return found
    for row in db.exec(
        select(Attachment)
        .where(col(Attachment.submission_id).in_(submission_ids))
        .order_by(col(Attachment.id))
    ):
        found.setdefault(row.submission_id, []).append(row)
    return found


def stored_path(folder: Path, attachment: Attachment) -> Path:
    # Stored names are ours (hex), never the sender's, so this cannot leave the folder.
    return folder / attachment.stored_name


def may_read(db: Session, *, principal: Principal, award: Award, submission: Submission) -> bool:
    """Organisers, the submitter, and jurors assigned to the submission without a conflict."""
    if principal.account_id is None or submission.award_id != award.id:
        return False
    if is_organiser(principal, award.summit_id):
        return True
    if submission.submitter_account_id == principal.account_id:
        return True
    member = db.exec(
        select(JuryMember).where(
            JuryMember.award_id == award.id, JuryMember.account_id == principal.account_id
        )
    ).first()
    if member is None:
        return False
    conflicted = db.exec(
        select(Conflict.id).where(
            Conflict.jury_member_id == member.id, Conflict.submission_id == submission.id
        )
    ).first()
    if conflicted is not None:
        return False
    assigned = db.exec(
        select(JuryAssignment.id).where(
            JuryAssignment.jury_member_id == member.id,
            JuryAssignment.submission_id == submission.id,
        )
    ).first()
    return assigned is not None


def readable_attachment(
    db: Session, *, principal: Principal, award: Award, attachment_id: int
) -> Attachment:
    """The attachment, if ``principal`` may read it; otherwise it answers like a missing one."""
    found = db.exec(
        select(Attachment, Submission)
        .join(Submission, col(Submission.id) == Attachment.submission_id)
        .where(Attachment.id == attachment_id, Submission.award_id == award.id)
    ).first()
    if found is None or not may_read(db, principal=principal, award=award, submission=found[1]):
        raise NotFound("No such file.")
    return found[0]


def remove_attachment(db: Session, *, submission: Submission, attachment_id: int) -> Attachment:
    found = db.get(Attachment, attachment_id)
    if found is None or found.submission_id != submission.id:
        raise NotFound("No such file.")
    db.delete(found)
    db.flush()
    return found
