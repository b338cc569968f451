"""The one-time links an account receives, and the mail that carries a reset link.

Links are absolute, so callers pass the address they start with: a route passes
``summit.web.addresses.base_url(request)``; code with no request (a command, a job) passes
``SUMMIT_BASE_URL``.
"""

from __future__ import annotations

from summit.mail import Mail


def invitation_link(*, base_url: str, token: str) -> str:
    return f"{base_url}/invite/{token}"


def reset_link(*, base_url: str, token: str) -> str:
    return f"{base_url}/reset/{token}"


def reset_mail(*, to: str, base_url: str, token: str) -> Mail:
    link = reset_link(base_url=base_url, token=token)
    return Mail(
        to=to,
        subject="Reset your Summit password",
        body=f"Open this link within two hours to choose a new password:\n\n{link}\n",
    )
