"""The Jinja environment: autoescaped, strict about missing names, translated through gettext."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from weakref import WeakKeyDictionary

from jinja2 import StrictUndefined, pass_context
from jinja2.runtime import Macro
from jinja2_fragments.starlette import Jinja2Blocks
from starlette.applications import Starlette
from starlette.datastructures import URL, URLPath
from starlette.requests import Request

from summit.agenda.models import Summit
from summit.agenda.players import CHANNELS, DEFAULT_PLAYERS, PlayerPolicy, channel_for
from summit.agenda.queries import SessionCard
from summit.agenda.services import PlayableChoices
from summit.clock import Clock
from summit.columns import utcnow
from summit.i18n import formatting
from summit.i18n.viewer import current_viewer, gettext, ngettext, npgettext, pgettext
from summit.paths import data_dir
from summit.settings import LANGUAGES
from summit.web import labels
from summit.web.access import context_defaults

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "ar": "العربية"}


def _viewer_context(request: Request) -> dict[str, Any]:
    return {
        "viewer": current_viewer(),
        "language_names": LANGUAGE_NAMES,
        "languages": LANGUAGES,
        **context_defaults(request),
    }


_URLS: WeakKeyDictionary[Starlette, dict[tuple[str, str, tuple[tuple[str, Any], ...]], URL]] = (
    WeakKeyDictionary()
)
"""Each app's URLs by root path, route name and parameters (weakly held: tests make many apps)."""
MAX_PATHS = 20_000


@pass_context
def url_for(context: Mapping[str, Any], name: str, /, **path_params: Any) -> URL:
    """Starlette's ``url_for``, remembering each URL: finding one searches every route, and a
    programme page links each of its hundreds of sessions and speakers.

    The URL is a path from the site's root, without scheme or host: pages and pushed fragments
    are cached and shared between viewers who may have come through different addresses (links
    that leave the app take their address from ``summit.web.addresses.base_url``)."""
    request: Request = context["request"]
    app = request.app
    urls = _URLS.get(app)
    if urls is None:
        urls = _URLS[app] = {}
    root = str(request.scope.get("app_root_path", request.scope.get("root_path", "")))
    key = (root, name, tuple(sorted(path_params.items())))
    url = urls.get(key)
    if url is None:
        if len(urls) >= MAX_PATHS:
            urls.clear()
        path: URLPath = app.router.url_path_for(name, **path_params)
        url = urls[key] = URL(root.rstrip("/") + path)
    return url


@pass_context
def card_once(context: Mapping[str, Any], macro: Macro, card: SessionCard, summit: Summit) -> Any:
    """``macro(card, summit)`` (a session's article), made once per card, viewer and status:
    a programme page of hundreds of cards made again after a publication renders only the
    cards it changed. The key holds everything else the article reads."""
    viewer = context["viewer"]
    scope = context["request"].scope
    key = (
        macro.name,
        scope.get("app_root_path", scope.get("root_path", "")),
        viewer.language,
        viewer.timezone,
        summit.slug,
        summit.default_language,
        summit.timezone,
    )
    return card.remembered(key, lambda: macro(card, summit))


def create_templates(
    *, players: PlayerPolicy = DEFAULT_PLAYERS, clock: Clock = utcnow
) -> Jinja2Blocks:
    """The templates, with the video providers session pages may embed (``players``) and the
    app's ``clock`` (a countdown counts to a session's start on the app's clock, which a demo
    shifts, not on the visitor's)."""
    templates = Jinja2Blocks(directory=data_dir("templates"), context_processors=[_viewer_context])
    env = templates.env
    env.undefined = StrictUndefined
    env.autoescape = True
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
    )
    env.filters.update(
        pick=formatting.pick,
        isolate=formatting.isolate,
        picked_language=formatting.picked_language,
        local_time=formatting.local_time,
        local_datetime=formatting.local_datetime,
        local_day=formatting.local_day,
        weekday_date=formatting.weekday_date,
        long_date=formatting.long_date,
        short_date=formatting.short_date,
        zone_name=formatting.zone_name,
        language_name=formatting.language_name,
        from_iso=formatting.from_iso,
        role_name=labels.role_name,
        session_role_name=labels.session_role_name,
        session_kind_name=labels.session_kind_name,
        channel_name=labels.channel_name,
        audit_action=labels.audit_action,
        audit_target=labels.audit_target,
        audit_details=labels.audit_details,
        conflict_source=labels.conflict_source,
        mail_kind=labels.mail_kind,
        mail_status=labels.mail_status,
        tie_break_name=labels.tie_break_name,
        change_kind=labels.change_kind,
        delegation_kind=labels.delegation_kind,
        body_kind=labels.body_kind,
        seat_kind=labels.seat_kind,
        member_role=labels.member_role,
        practice_status=labels.practice_status,
        voting_method=labels.voting_method,
        tie_rule=labels.tie_rule,
        country_name=labels.country_name,
        time_until=formatting.time_until,
        percent=formatting.percent,
        decimal=formatting.decimal,
    )
    env.globals["date_range"] = formatting.date_range
    env.globals["url_for"] = url_for
    env.globals["card_once"] = card_once
    env.globals["player_policy"] = players
    env.globals["channel_for"] = channel_for
    env.globals["channel_names"] = CHANNELS
    # What the session form asks for: the providers this deployment allows, not a fixed list.
    env.globals["playable_choices"] = PlayableChoices(players)

    def clock_offset() -> int:
        """Seconds the app's clock runs ahead of the real one: a demo's shift, else 0. It stays
        the same as time runs, so a page the cache keeps still counts down right."""
        return round((clock() - utcnow()).total_seconds())

    env.globals["clock_offset"] = clock_offset
    return templates
