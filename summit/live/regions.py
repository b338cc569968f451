"""What each kind of page shows live, and how one pushed message for it is rendered.

A page's socket says which page it is on (``?page=…``); sockets of the same page, language and
zone form a group, and each group gets one rendering, as out-of-band swaps of the very blocks
the page and its htmx fragments are made of.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from jinja2_fragments import render_block
from starlette.templating import Jinja2Templates

from summit.agenda import answer_regions, queries
from summit.agenda.announcements import Announcement
from summit.agenda.grid import day_grid
from summit.agenda.models import Summit
from summit.i18n.viewer import Viewer, viewing_as
from summit.parsing import calendar_day, or_none, row_id

PAGES = (
    "home",
    "programme",
    "grid",
    "now",
    "session",
    "agenda",
    "changes",
    "award-results",
    answer_regions.PAGE,
    "other",
)


@dataclass(frozen=True)
class PageView:
    """A socket's page: its kind and what picks its content (a day, a session)."""

    page: str
    day: date | None = None
    session_id: int | None = None

    @classmethod
    def parse(cls, page: str, day: str | None, session: str | None) -> PageView:
        """Read from the socket's query string; anything unexpected counts as ``other``."""
        if page not in PAGES:
            return cls("other")
        parsed_day = or_none(calendar_day, day, field="day") if page == "grid" else None
        if page == "grid" and day and parsed_day is None:
            return cls("other")
        session_id = or_none(row_id, session, field="session") if page == "session" else None
        if page == "session" and session_id is None:
            return cls("other")
        return cls(page, parsed_day, session_id)

    def group(self, viewer: Viewer) -> str:
        parts = (self.page, self.day or "", self.session_id or "", viewer.language, viewer.timezone)
        return "|".join(str(part) for part in parts)


def render_region(
    templates: Jinja2Templates,
    base_context: dict[str, Any],
    *,
    view: PageView,
    viewer: Viewer,
    programme: queries.Programme,
    session_id: int,
    now: datetime,
) -> str:
    """The out-of-band HTML that brings ``view`` up to date after ``session_id`` changed; empty
    when that page does not show the session."""
    env = templates.env
    summit = programme.summit
    context: dict[str, Any] = {**base_context, "summit": summit, "followed": set()}
    with viewing_as(viewer):
        context["viewer"] = viewer
        card = queries.session_card(programme, session_id)
        if view.page == "home":
            live, upcoming = queries.now_and_next(programme, now=now)
            return render_block(
                env,
                "summits/home.html",
                "live",
                {
                    **context,
                    "live": live,
                    "upcoming": upcoming,
                    "phase": queries.summit_phase(summit, now),
                },
            )
        if view.page == "now":
            live, upcoming = queries.now_and_next(programme, now=now, limit=12)
            return render_block(
                env, "agenda/now.html", "now", {**context, "live": live, "upcoming": upcoming}
            )
        if card is None:
            return ""
        if view.page == "programme":
            return env.get_template("live/card.html").render({**context, "card": card})
        if view.page == "grid":
            zone = viewer.zone
            day = view.day or card.shown_start.astimezone(zone).date()
            if card.shown_start.astimezone(zone).date() != day:
                return ""
            grid = day_grid(programme.cards, streams=programme.streams, day=day, zone=zone)
            return render_block(
                env, "agenda/grid.html", "grid", {**context, "grid": grid, "day": day}
            )
        if view.page == "session" and view.session_id == session_id:
            return render_block(
                env,
                "agenda/session.html",
                "session",
                {**context, "card": card, "delegations": programme.delegations},
            )
    return ""


def render_announcement(
    templates: Jinja2Templates,
    base_context: dict[str, Any],
    *,
    viewer: Viewer,
    summit: Summit,
    item: Announcement,
) -> str:
    """A new line at the top of the changes page's live announcements."""
    with viewing_as(viewer):
        return templates.env.get_template("live/announcement.html").render(
            {**base_context, "summit": summit, "viewer": viewer, "item": item}
        )
