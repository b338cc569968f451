"""The one-time links an account receives, and the mail that carries them.

Links are absolute, so callers pass the address they start with: a route passes
``summit.web.addresses.base_url(request)``; code with no request (a command, a job) passes
``SUMMIT_BASE_URL``. Both messages carry a one-time link: the outbox blanks them once sent.
"""

from __future__ import annotations

from sqlmodel import Session, select

from summit.agenda.models import Summit
from summit.auth.models import Account, Role
from summit.mail.compose import Recipient, compose
from summit.mail.models import MailKind
from summit.mail.outbox import queue


def invitation_link(*, base_url: str, token: str) -> str:
    return f"{base_url}/invite/{token}"


def reset_link(*, base_url: str, token: str) -> str:
    return f"{base_url}/reset/{token}"


def queue_reset_mail(
    db: Session, *, account: Account, language: str, base_url: str, token: str
) -> None:
    """The reset link, in the account's language (or the page's, where it has chosen none)."""
    recipient = Recipient(
        email=account.email,
        language=account.language or language,
        timezone=account.timezone or "UTC",
        account_id=account.id,
    )
    link = reset_link(base_url=base_url, token=token)
    queue(
        db,
        compose(kind=MailKind.RESET, recipient=recipient, context={"link": link}, sensitive=True),
    )


def queue_invitation_mail(
    db: Session, *, summit: Summit, email: str, role: Role, base_url: str, token: str
) -> None:
    """The invitation, in the language of the invitee's account if there is one, else in the
    summit's own."""
    account = db.exec(select(Account).where(Account.email == email.strip().lower())).first()
    language = (account.language if account else None) or summit.default_language
    recipient = Recipient(
        email=email.strip().lower(),
        language=language,
        timezone=(account.timezone if account else None) or summit.timezone,
        account_id=account.id if account else None,
    )
    context = {
        "link": invitation_link(base_url=base_url, token=token),
        "summit_name": summit.name,
        "role": role.value,
    }
    queue(
        db,
        compose(
            kind=MailKind.INVITATION,
            recipient=recipient,
            context=context,
            summit_id=summit.id,
            sensitive=True,
        ),
    )
