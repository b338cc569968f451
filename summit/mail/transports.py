"""Where mail goes: ``SUMMIT_MAIL_URL`` picks the log (the default), or an SMTP server.

A transport only delivers; the outbox (``summit.mail.outbox``) decides what and when, and the
sender (``summit.mail.sender``) retries what a transport reports as temporary.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib
import structlog


@dataclass(frozen=True)
class Mail:
    """One message, ready to go: a plain-text body, and an HTML one where there is one."""

    to: str
    subject: str
    body: str
    html: str | None = None
    headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    message_id: str | None = None


class TemporaryMailError(Exception):
    """The server could not be reached, or answered 4xx: worth trying again later."""


class ServerUnavailable(TemporaryMailError):
    """The server could not be reached at all: the messages after this one would fare no better."""


class PermanentMailError(Exception):
    """The server refused the message for good (5xx): trying again would not help."""


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None:
        """Deliver ``mail``; raise ``TemporaryMailError`` or ``PermanentMailError``."""

    async def close(self) -> None:
        """Let go of any connection kept between messages."""


class LogMailer:
    """Logs each message. Bodies hold one-time links, so production logs leave them out."""

    def __init__(self, *, include_body: bool) -> None:
        self.log = structlog.get_logger("summit.mail")
        self.include_body = include_body

    async def send(self, mail: Mail) -> None:
        body = mail.body if self.include_body else "(withheld)"
        await self.log.ainfo("mail", to=mail.to, subject=mail.subject, body=body)

    async def close(self) -> None:
        return None


class MemoryMailer:
    """Keeps messages in a list; for tests."""

    def __init__(self) -> None:
        self.outbox: list[Mail] = []

    async def send(self, mail: Mail) -> None:
        self.outbox.append(mail)

    async def close(self) -> None:
        return None


@dataclass(frozen=True)
class SmtpAddress:
    """An ``smtp://`` or ``smtps://`` URL taken apart. Its ``repr`` never shows the password."""

    host: str
    port: int
    implicit_tls: bool
    start_tls: bool | None
    """True: STARTTLS is required (port 587); None: used when the server offers it."""
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def safe(self) -> str:
        """The address without its credentials, for logs and pages."""
        scheme = "smtps" if self.implicit_tls else "smtp"
        return f"{scheme}://{self.host}:{self.port}"


def parse_mail_url(url: str) -> SmtpAddress | None:
    """None for ``log:``; the SMTP server's address otherwise. Raises ``ValueError`` (whose
    message never repeats the URL, which may hold a password) for anything else."""
    if url in {"log:", "log://", ""}:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ValueError("the mail URL must be log:, smtp://host:port or smtps://host:port")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("the mail URL's port must be a number from 1 to 65535") from None
    implicit = parts.scheme == "smtps"
    port = port or (465 if implicit else 25)
    return SmtpAddress(
        host=parts.hostname,
        port=port,
        implicit_tls=implicit,
        start_tls=None if implicit or port != 587 else True,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def as_email_message(mail: Mail, *, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    if mail.message_id:
        message["Message-ID"] = mail.message_id
    for name, value in mail.headers:
        message[name] = value
    message.set_content(mail.body)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    return message


class SmtpMailer:
    """Sends through one SMTP server, keeping the connection open between messages so that a
    backlog drains quickly; a failed message drops the connection and the next one reconnects."""

    def __init__(self, address: SmtpAddress, *, sender: str, timeout: float = 30) -> None:
        self.address = address
        self.sender = sender
        self.timeout = timeout
        self._client: aiosmtplib.SMTP | None = None

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is not None and self._client.is_connected:
            return self._client
        address = self.address
        client = aiosmtplib.SMTP(
            hostname=address.host,
            port=address.port,
            use_tls=address.implicit_tls,
            start_tls=address.start_tls,
            username=address.username,
            password=address.password,
            timeout=self.timeout,
            tls_context=ssl.create_default_context(),
        )
        await client.connect()
        self._client = client
        return client

    async def send(self, mail: Mail) -> None:
        try:
            client = await self._connected()
            await client.send_message(as_email_message(mail, sender=self.sender))
        except aiosmtplib.SMTPRecipientsRefused as error:
            await self.close()
            codes = [refusal.code for refusal in error.recipients]
            raise _by_code(min(codes, default=550), "recipient refused") from None
        except aiosmtplib.SMTPResponseException as error:
            await self.close()
            raise _by_code(error.code, type(error).__name__) from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            # Connection refused, reset, timed out: the server is away for now.
            await self.close()
            raise ServerUnavailable(type(error).__name__) from None

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                client.close()


def _by_code(code: int, what: str) -> Exception:
    # Only the code and the kind of error: a server's text may repeat what we sent.
    reason = f"{what} ({code})"
    return TemporaryMailError(reason) if 400 <= code < 500 else PermanentMailError(reason)


def create_mailer(url: str, *, sender: str, include_body: bool) -> Mailer:
    """The transport ``SUMMIT_MAIL_URL`` names."""
    address = parse_mail_url(url)
    if address is None:
        return LogMailer(include_body=include_body)
    return SmtpMailer(address, sender=sender)
