"""The world the input properties walk: the app's own route table (less the routes excluded
with their reason), its callers, a copy of the demo judged and scored, a hash of every table to
see that a refusal changed nothing, and the fields each page's forms offer."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient

from summit.agenda.models import ProgrammeSession, Stream
from summit.app import create_app
from summit.auth.models import Account, RoleGrant
from summit.awards.models import (
    AwardRound,
    Criterion,
    JuryAssignment,
    JuryMember,
    ScoreCard,
    Submission,
)
from summit.db import Database
from summit.tables import metadata
from summit.web.access import access_of
from tests.conftest import sqlite_settings
from tests.jury import AWARD_SLUG

EXCLUDED = {
    ("POST", "/signout"): "ends the session every other route is fuzzed in; it reads no field",
}
EXCLUDED_PREFIXES = {
    "/api/": "the JSON API: tests/test_api_schema.py drives every operation with schemathesis",
}
REFUSAL_ACTIONS = ("sign_in_failed", "rate_limited", "permission_denied")
"""Audit entries a refused request writes on purpose."""
CALLERS = {
    "public": "anonymous",
    "signed_in": "delegate@example.org",
    "member": "delegate@example.org",
    "delegate": "delegate@example.org",
    "juror": "juror1@example.org",
    "speaker": "speaker@example.org",
    "organiser": "organiser@example.org",
}


@dataclass
class Target:
    method: str
    declared: str
    path: str
    caller: str
    form: dict[str, list[str]] = field(default_factory=dict)
    """Each field the endpoint reads, with the values its page's forms offer."""
    query: dict[str, list[str]] = field(default_factory=dict)
    int_params: dict[str, int] = field(default_factory=dict)


def _routes(app: Starlette) -> list[tuple[str, Route]]:
    found = []
    for route in app.routes:
        if not isinstance(route, Route):
            continue
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                found.append((method, route))
    return found


def _declared(route: Route | WebSocketRoute) -> str:
    return re.sub(r":\w+}", "}", route.path)


def _excluded(method: str, route: Route) -> str | None:
    declared = _declared(route)
    reason = EXCLUDED.get((method, declared))
    prefix = next(
        (why for start, why in EXCLUDED_PREFIXES.items() if declared.startswith(start)), None
    )
    return reason or prefix


# Collected once, from an app that is never started: its routes are what the app serves.
_APP = create_app(sqlite_settings(Path("unused.db")))
FUZZED = [(method, route) for method, route in _routes(_APP) if _excluded(method, route) is None]


# --- The app under test, its callers and its database --------------------------------------


@dataclass
class World:
    app: Starlette
    clients: dict[str, TestClient]
    tokens: dict[str, str]
    path_values: dict[str, str]
    offered: dict[str, dict[str, list[str]]]
    database: Path
    snapshot: Snapshot


class Snapshot:
    """Every table's rows, hashed; recomputed only when another connection has committed."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(path)
        self._version = -1
        self._digest: dict[str, tuple[int, str]] = {}

    def close(self) -> None:
        self._connection.close()

    def take(self) -> dict[str, tuple[int, str]]:
        version = self._connection.execute("PRAGMA data_version").fetchone()[0]
        if version != self._version:
            self._version = version
            self._digest = self._tables()
        return self._digest

    def _tables(self) -> dict[str, tuple[int, str]]:
        # The models' tables: the search engine's own tables (FTS5's shadow tables, some without
        # a rowid) only mirror session_search, which is compared.
        tables = [
            name
            for (name,) in self._connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
            if name in metadata.tables
        ]
        digest = {}
        for table in tables:
            where = ""
            if table == "audit_entry":
                # The audit log records refusals on purpose.
                where = f" WHERE action NOT IN {REFUSAL_ACTIONS!r}"
            columns = "*"
            if table == "mail_outbox":
                # The sender task delivers queued mail while the test runs, and its schedule
                # queues what earlier accepted requests made due (a submission's receipt): a
                # request itself writes only invitations and resets, and what it could change
                # is which exist and what they say, not how far delivery got.
                columns = "id, kind, recipient, language, subject, text_body, dedupe_key"
                where = " WHERE kind IN ('invitation', 'reset')"
            # Sorted here, not by rowid: the ballots' table has none (no order to betray voters).
            rows = sorted(
                repr(row)
                for row in self._connection.execute(
                    f'SELECT {columns} FROM "{table}"{where}'  # noqa: S608
                )
            )
            hashed = hashlib.sha256()
            count = 0
            for row in rows:
                hashed.update(row.encode())
                count += 1
            digest[table] = (count, hashed.hexdigest())
        return digest


class _Forms(HTMLParser):
    """The fields of the forms a page shows, by the path they post to, with their values."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, dict[str, list[str]]] = {}
        self._action: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            action = values.get("data-hx-post") or values.get("action") or ""
            self._action = urllib.parse.urlsplit(action).path or None
        elif self._action is None:
            return
        elif tag in {"input", "textarea"} and values.get("name"):
            if values.get("type") == "file":
                return
            self._offer(
                values["name"],
                values.get("value", "on" if values.get("type") == "checkbox" else ""),
            )
        elif tag == "select" and values.get("name"):
            self._select = values["name"]
        elif tag == "option" and self._select:
            self._offer(self._select, values.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._action = None
        elif tag == "select":
            self._select = None

    def _offer(self, name: str, value: str) -> None:
        assert self._action is not None
        offered = self.found.setdefault(self._action, {}).setdefault(name, [])
        if value not in offered and name != "csrf_token":
            offered.append(value)


def _path_values(database: Database) -> dict[str, str]:
    with database.read() as db:
        opening = db.exec(select(ProgrammeSession).where(ProgrammeSession.code == "OPENING")).one()
        stream = db.exec(select(Stream).where(Stream.slug == "plenary")).one()
        juror4 = db.exec(select(Account).where(Account.email == "juror4@example.org")).one()
        grant = db.exec(select(RoleGrant).where(RoleGrant.account_id == juror4.id)).first()
        member = db.exec(select(JuryMember).where(JuryMember.account_id == juror4.id)).one()
        given = db.exec(
            select(JuryAssignment).where(JuryAssignment.jury_member_id == member.id)
        ).first()
        card = db.exec(select(ScoreCard).order_by(col(ScoreCard.id))).first()
        criterion = db.exec(select(Criterion).order_by(col(Criterion.id))).first()
        submission = db.exec(select(Submission).order_by(col(Submission.id))).first()
        round_one = db.exec(select(AwardRound).where(AwardRound.number == 1)).first()
    return {
        "slug": "ogp2021",
        "award_slug": AWARD_SLUG,
        "session_id": str(opening.id),
        "stream_id": str(stream.id),
        "theme_id": "1",
        "row_id": "1",
        "person_id": "1",
        "delegation_id": "1",
        "question_id": "1",
        "criterion_id": str(criterion.id if criterion else 1),
        "number": str(round_one.number if round_one else 1),
        "submission_id": str(submission.id if submission else 1),
        "member_id": str(member.id),
        "assignment_id": str(given.id if given else 1),
        "conflict_id": "1",
        "card_id": str(card.id if card else 1),
        "attachment_id": "1",
        "slides_id": "1",
        "grant_id": str(grant.id if grant else 1),
        "token_id": "1",
        "message_id": "1",
        "poll_id": "1",
        "election_id": "1",
        "election_slug": "steering-committee-2021",
        # The network: it has a good-practice library as well as a page (a committee has none).
        "body_slug": "african-open-government-network",
        "practice_id": "1",
        "file_id": "1",
        "person_slug": "aziz-akhannouch",
        "delegation_slug": "morocco",
        "stream_slug": "plenary",
        "token": "not-a-token",
    }


def _concrete(route: Route, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"give the path parameter {{{name}}} a value in _path_values"
        return values[name]

    return re.sub(r"{(\w+)(?::\w+)?}", value, route.path)


def _offered_forms(
    clients: dict[str, TestClient], values: dict[str, str]
) -> dict[str, dict[str, list[str]]]:
    """What the app's own pages offer to post, read from every page each caller can see."""
    parser = _Forms()
    for method, route in FUZZED:
        access = access_of(route.endpoint)
        if method != "GET" or access is None:
            continue
        # Public pages show organisers the most forms (the live console, moderation).
        caller = CALLERS["organiser" if access.value == "public" else access.value]
        response = clients[caller].get(_concrete(route, values), follow_redirects=False)
        if response.status_code == 200 and "html" in response.headers.get("content-type", ""):
            parser.feed(response.text)
    return parser.found
