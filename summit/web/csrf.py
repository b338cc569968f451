"""Cross-site request forgery: an origin check and a token on every state-changing request.

The browser holds a random value in an HttpOnly cookie; pages carry an HMAC of it and of the
sign-in session (a hidden ``csrf_token`` field in forms, an ``X-CSRF-Token`` header that htmx
sends on every request). A forged request from another site has neither the value nor the
secret to compute its HMAC; and a cookie planted in the victim's browser (from a sibling
subdomain, say) with a token its planter obtained is worth nothing once the victim is signed
in, since the token also names the session. Under https the cookie is ``__Host-`` prefixed:
browsers then accept it only from this very host, over https, for the whole site.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from starlette.datastructures import Headers

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# What a sandboxed frame, a data: URL or a privacy-minded redirect sends: never our own site.
OPAQUE_ORIGIN = "null"


def cookie_name(*, https: bool) -> str:
    return "__Host-summit_csrf" if https else "summit_csrf"


def new_cookie_value() -> str:
    return secrets.token_urlsafe(32)


def session_binding(claim: tuple[int, int] | None) -> str:
    """What ties a token to a sign-in: the account and its session version ("" signed out)."""
    return f"{claim[0]}:{claim[1]}" if claim is not None else ""


def token_for(cookie_value: str, secret_key: str, *, binding: str) -> str:
    message = f"{cookie_value}|{binding}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def token_matches(
    cookie_value: str | None, submitted: str | None, secret_key: str, *, binding: str
) -> bool:
    if not cookie_value or not submitted:
        return False
    return hmac.compare_digest(token_for(cookie_value, secret_key, binding=binding), submitted)


def request_origin(headers: Headers) -> str | None:
    """The origin a browser says the request comes from: ``Origin``, else ``Referer``'s."""
    origin = headers.get("origin")
    if origin:
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
    """Same-origin or listed; a request with no origin at all passes only where not required;
    an opaque origin (``null``) is another site's."""
    if origin is None:
        return not required
    if origin == OPAQUE_ORIGIN:
        return False
    return origin == own_origin or origin in allowed
