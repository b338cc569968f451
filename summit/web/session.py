"""The sign-in cookie: signed, holding only the account id and its session version.

Raising the account's ``session_version`` (sign-out, password change, disabling) makes every
cookie issued before invalid at once, on every device.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session, select
from starlette.requests import HTTPConnection
from starlette.responses import Response

from summit.auth.models import Account, Role, RoleGrant
from summit.auth.permissions import ANONYMOUS, Grant, Principal

SESSION_COOKIE = "summit_session"


@dataclass(frozen=True)
class SessionCodec:
    secret_key: str
    max_age_seconds: int
    secure: bool

    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret_key, salt="summit.session")

    def encode(self, *, account_id: int, version: int) -> str:
        return self._serializer().dumps([account_id, version])

    def decode(self, value: str) -> tuple[int, int] | None:
        try:
            payload = self._serializer().loads(value, max_age=self.max_age_seconds)
        except BadSignature:
            return None
        if (
            isinstance(payload, list)
            and len(payload) == 2
            and all(isinstance(item, int) and not isinstance(item, bool) for item in payload)
        ):
            return payload[0], payload[1]
        return None

    def set_cookie(self, response: Response, *, account_id: int, version: int) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            self.encode(account_id=account_id, version=version),
            max_age=self.max_age_seconds,
            httponly=True,
            samesite="lax",
            secure=self.secure,
            path="/",
        )

    def clear_cookie(self, response: Response) -> None:
        response.delete_cookie(
            SESSION_COOKIE, httponly=True, samesite="lax", secure=self.secure, path="/"
        )


def session_claim(connection: HTTPConnection, codec: SessionCodec) -> tuple[int, int] | None:
    value = connection.cookies.get(SESSION_COOKIE)
    return codec.decode(value) if value else None


def load_principal(db: Session, claim: tuple[int, int] | None) -> Principal:
    """The principal a cookie's claim stands for: anonymous unless the account is active and the
    claim's version is current."""
    if claim is None:
        return ANONYMOUS
    account_id, version = claim
    account = db.get(Account, account_id)
    if account is None or not account.is_active or account.session_version != version:
        return ANONYMOUS
    grants = tuple(
        Grant(
            summit_id=row.summit_id,
            role=Role(row.role),
            delegation_id=row.delegation_id,
            person_id=row.person_id,
        )
        for row in db.exec(select(RoleGrant).where(RoleGrant.account_id == account_id))
    )
    return Principal(
        account_id=account_id,
        display_name=account.display_name,
        session_version=account.session_version,
        grants=grants,
        language=account.language,
        timezone=account.timezone,
    )
