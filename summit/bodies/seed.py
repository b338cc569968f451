"""Loads a summit's bodies from ``bodies.toml`` through the bodies services: each body, its
linked sessions and its seats. Loading twice leaves the same rows."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from summit.agenda.models import Summit
from summit.bodies.forms import BodyInput, MemberInput
from summit.bodies.services import link_sessions, seed_member, upsert_body
from summit.seedfiles import call, ref, validate

SEAT_KEYS = {"seat": "seat_kind", "placeholder": "is_placeholder"}
"""The files' shorter names for a seat's fields."""


def load_bodies(
    db: Session, *, summit: Summit, raw: dict[str, Any], delegations: dict[str, int | None]
) -> int:
    """Create or update every body in ``raw``; the number of seats loaded."""
    seats = 0
    for entry in raw.get("bodies", []):
        values = {k: v for k, v in entry.items() if k not in {"members", "sessions"}}
        where = f"bodies.toml {values.get('slug')}"
        body = upsert_body(db, summit=summit, data=validate(where, BodyInput, values))
        call(
            where,
            link_sessions,
            db=db,
            summit=summit,
            body=body,
            codes=list(entry.get("sessions", [])),
        )
        for member in entry.get("members", []):
            seat = {SEAT_KEYS.get(key, key): value for key, value in member.items()}
            if "delegation" in seat:
                seat["delegation_id"] = ref(where, delegations, seat.pop("delegation"))
            data = validate(where, MemberInput, seat)
            call(where, seed_member, db=db, summit=summit, body=body, data=data)
            seats += 1
    return seats
