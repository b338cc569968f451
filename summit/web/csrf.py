"""Cross-site request forgery: an origin check and a token on every state-changing request.

The browser holds a random value in an HttpOnly cookie; pages carry an HMAC of it (a hidden
``csrf_token`` field in forms, an ``X-CSRF-Token`` header that htmx sends on every request). A
forged request from another site has neither the value nor the secret to compute its HMAC.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from starlette.datastructures import Headers

CSRF_COOKIE = "summit_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def new_cookie_value() -> str:
    return secrets.token_urlsafe(32)


def token_for(cookie_value: str, secret_key: str) -> str:
    return hmac.new(secret_key.encode(), cookie_value.encode(), hashlib.sha256).hexdigest()


def token_matches(cookie_value: str | None, submitted: str | None, secret_key: str) -> bool:
    if not cookie_value or not submitted:
        return False
    return hmac.compare_digest(token_for(cookie_value, secret_key), submitted)


def request_origin(headers: Headers) -> str | None:
    """The origin a browser says the request comes from: ``Origin``, else ``Referer``'s."""
    origin = headers.get("origin")
    if origin and origin != "null":
        return origin.rstrip("/")
    referer = headers.get("referer")
    if referer:
        parts = urlsplit(referer)
        if parts.scheme and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}"
    return None


def origin_allowed(
    origin: str | None, *, own_origin: str, allowed: frozenset[str], required: bool
) -> bool:
    """Same-origin or listed; a request with no origin at all passes only where not required."""
    if origin is None:
        return not required
    return origin == own_origin or origin in allowed
