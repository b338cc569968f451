"""Loads a summit's good practices from ``practices.toml`` through the practices' services.
Loading twice leaves the same rows."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from summit.agenda.models import Summit
from summit.bodies import queries as bodies_queries
from summit.practices.forms import PracticeInput
from summit.practices.models import PracticeStatus
from summit.practices.services import link_sessions, seed_practice
from summit.seedfiles import SeedError, aware, call, ref, validate


def load_practices(
    db: Session,
    *,
    summit: Summit,
    raw: dict[str, Any],
    zone: ZoneInfo,
    delegations: dict[str, int | None],
    tracks: dict[str, int | None],
) -> int:
    """Create or update every practice in ``raw``; the number loaded."""
    loaded = 0
    for index, entry in enumerate(raw.get("practices", []), start=1):
        where = f"practices.toml practice {index}"
        body = bodies_queries.body_by_slug(db, summit=summit, slug=entry.get("body", ""))
        if body is None:
            raise SeedError(f"{where}: unknown reference {entry.get('body')!r}")
        values = {
            "title": entry.get("title", {}),
            "summary": entry.get("summary", {}),
            "country_code": entry.get("country_code"),
            "links": entry.get("links", []),
            "track_ids": [ref(where, tracks, slug) for slug in entry.get("themes", [])],
        }
        try:
            status = PracticeStatus(entry.get("status", "published"))
        except ValueError as unknown:
            raise SeedError(f"{where}: unknown status {entry.get('status')!r}") from unknown
        published = entry.get("published")
        practice = call(
            where,
            seed_practice,
            db=db,
            summit=summit,
            body=body,
            delegation_id=ref(where, delegations, entry.get("delegation", "")),
            data=validate(where, PracticeInput, values),
            status=status,
            published_at=aware(published, zone) if published is not None else None,
        )
        call(
            where,
            link_sessions,
            db=db,
            summit=summit,
            practice=practice,
            codes=list(entry.get("sessions", [])),
            account_id=None,
        )
        loaded += 1
    return loaded
