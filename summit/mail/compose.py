"""Messages written from templates, in the recipient's language and time zone.

Each kind of message is two templates, ``templates/mail/<kind>.txt`` and ``.html``. The text
one sets the subject (``{% set subject = ... %}``) and is the plain-text body; the HTML one
extends ``mail/_layout.html``, which says the language and the direction (Arabic is ``rtl``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from summit.i18n import formatting
from summit.i18n.viewer import (
    Viewer,
    current_viewer,
    gettext,
    ngettext,
    npgettext,
    pgettext,
    viewing_as,
)
from summit.mail.models import MailKind
from summit.mail.outbox import Draft
from summit.paths import data_dir
from summit.settings import LANGUAGES
from summit.web import labels

ONE_CLICK_SUFFIX = "/one-click"
"""After an unsubscribe link: the address a mail provider posts to (RFC 8058)."""


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    timezone: str = "UTC"
    account_id: int | None = None


@lru_cache(maxsize=4096)
def _formatted(moment: datetime, zone: str, language: str) -> str:
    with viewing_as(Viewer(language, zone)):
        return formatting.local_datetime(moment)


def _local_datetime(moment: datetime) -> str:
    """``local_datetime`` remembered: a digest to thousands repeats the same few times, and
    formatting one takes Babel a good part of a millisecond."""
    viewer = current_viewer()
    return _formatted(moment, viewer.timezone, viewer.language)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(data_dir("templates")),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
    )
    env.filters.update(
        pick=formatting.pick,
        from_iso=formatting.from_iso,
        local_datetime=_local_datetime,
        local_time=formatting.local_time,
        weekday_date=formatting.weekday_date,
        zone_name=formatting.zone_name,
        role_name=labels.role_name,
    )
    return env


def compose(
    *,
    kind: MailKind,
    recipient: Recipient,
    context: dict[str, Any],
    summit_id: int | None = None,
    unsubscribe_url: str | None = None,
    sensitive: bool = False,
    dedupe_key: str | None = None,
) -> Draft:
    """The message of ``kind`` for ``recipient``. ``unsubscribe_url`` (for kinds one may turn
    off) is a link at the foot of the message, to a page with a button; the
    ``List-Unsubscribe`` header gives its one-click address (RFC 8058), where the mail
    provider posts ``List-Unsubscribe=One-Click`` with no cookie and no form token."""
    language = recipient.language if recipient.language in LANGUAGES else "en"
    viewer = Viewer(language, recipient.timezone)
    env = _environment()
    values = {**context, "viewer": viewer, "unsubscribe_url": unsubscribe_url}
    with viewing_as(viewer):
        module = env.get_template(f"mail/{kind.value}.txt").make_module(values)
        subject = str(getattr(module, "subject", "")).strip()
        text = str(module).strip() + "\n"
        html = env.get_template(f"mail/{kind.value}.html").render({**values, "subject": subject})
    headers = {}
    if unsubscribe_url is not None:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}{ONE_CLICK_SUFFIX}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return Draft(
        kind=kind,
        recipient=recipient.email,
        language=language,
        subject=" ".join(subject.split()),
        text_body=text,
        html_body=html,
        headers=headers,
        summit_id=summit_id,
        account_id=recipient.account_id,
        sensitive=sensitive,
        dedupe_key=dedupe_key,
    )


def render_part(name: str, *, recipient: Recipient, context: dict[str, Any]) -> str:
    """One template (a piece of a message) in the recipient's language and zone."""
    language = recipient.language if recipient.language in LANGUAGES else "en"
    with viewing_as(Viewer(language, recipient.timezone)):
        return _environment().get_template(name).render(context)
