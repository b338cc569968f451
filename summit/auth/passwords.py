"""Password hashing: argon2id through pwdlib, with its recommended parameters."""

from __future__ import annotations

from functools import cache

from pwdlib import PasswordHash

MIN_PASSWORD_LENGTH = 10
# Long enough for any passphrase, short enough that hashing cannot be used to burn CPU.
MAX_PASSWORD_LENGTH = 1024


@cache
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """False for an account without a password; never raises on a malformed hash."""
    if password_hash is None:
        # Same work as a real check, so timing does not tell which accounts exist.
        _hasher().hash(password)
        return False
    try:
        return _hasher().verify(password, password_hash)
    except ValueError:
        return False
