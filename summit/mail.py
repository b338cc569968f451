"""Outgoing mail behind a small interface, so a deployment can wire SMTP without code changes
elsewhere. The default writes each message to the structured log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import structlog


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None: ...


class LogMailer:
    """Logs each message. Bodies hold one-time links, so production logs leave them out."""

    def __init__(self, *, include_body: bool) -> None:
        self.log = structlog.get_logger("summit.mail")
        self.include_body = include_body

    async def send(self, mail: Mail) -> None:
        body = mail.body if self.include_body else "(withheld)"
        await self.log.ainfo("mail", to=mail.to, subject=mail.subject, body=body)


class MemoryMailer:
    """Keeps messages in a list; for tests and for the demo."""

    def __init__(self) -> None:
        self.outbox: list[Mail] = []

    async def send(self, mail: Mail) -> None:
        self.outbox.append(mail)
