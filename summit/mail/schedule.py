"""The mail schedule: run by each process's sender every half minute on the summit's clock, it
queues whatever mail has come due (reminders, assignments, receipts, publications' digests).

Every message it writes has a once-only key, (recipient, kind, subject), so running it again,
or in several processes at once, queues nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from summit.columns import utcnow
from summit.mail.award_mail import queue_award_mail
from summit.mail.mailing import Mailing
from summit.mail.programme_mail import queue_programme_mail
from summit.mail.speaker_mail import queue_speaker_reminders
from summit.mail.status_mail import queue_status_mail

DEFAULT_MAIL_BASE_URL = "http://localhost:8000"
"""Links in scheduled mail when ``SUMMIT_BASE_URL`` is unset (a demo on this machine)."""
KEYS_KEPT = timedelta(days=30)
"""Keys looked up in memory before composing; older ones are still refused by the database."""


@dataclass(frozen=True)
class MailSchedule:
    base_url: str
    """Where the links in scheduled mail point: ``SUMMIT_BASE_URL``."""
    secret_key: str

    def __call__(self, db: Session, now: datetime) -> None:
        mailing = Mailing(db=db, base_url=self.base_url, secret_key=self.secret_key)
        mailing.remember_recent(since=utcnow() - KEYS_KEPT)
        queue_award_mail(mailing, now=now)
        queue_programme_mail(mailing, now=now)
        queue_status_mail(mailing, now=now)
        queue_speaker_reminders(mailing, now=now)
        mailing.flush()
