"""Whatever anyone sends to any page of the app (huge and negative numbers, digits of other
scripts, far dates, empty and very long text, NUL characters), the answer is never a 5xx, and a
refused request (4xx) leaves the database as it was.

The test walks the app's own route table, so a new route is fuzzed without being listed here:
each route is asked once with nothing, then again with plausible values, while the fields and
query parameters its endpoint reads are recorded; those are then drawn from hostile and
plausible values, posted as the route's role with a valid CSRF token. Plausible values come
from the forms the app's own pages show. A route that cannot be fuzzed is excluded below with
its reason; a path parameter without a value fails the test.

Run with ``SUMMIT_TEST_EXPLORE=1 SUMMIT_TEST_FUZZ_EXAMPLES=200`` (and ``--timeout 0``: the
password routes hash every attempt) to look for more.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import sqlite3
import urllib.parse
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.datastructures import FormData, ImmutableMultiDict, QueryParams
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

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
from summit.db import Database, create_db_engine
from summit.live.regions import PAGES
from summit.live.routes import MAX_INCOMING_BYTES
from summit.tables import metadata
from summit.web.access import access_of
from tests.conftest import BASE_URL, EXPLORE, csrf_token, make_client, sign_in, sqlite_settings
from tests.jury import AWARD_SLUG, BEFORE_SCORING_CLOSES, open_judging, score_everything

EXAMPLES = int(os.environ.get("SUMMIT_TEST_FUZZ_EXAMPLES", "100" if EXPLORE else "3"))
"""Examples Hypothesis draws per route, besides ``_cover``'s: few in CI (the same ones each
run), many when exploring."""

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

COVER = [
    "²",
    "٣",
    "-1",
    str(2**31),
    str(2**64),
    "-" + str(2**64),
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "",
    "a\x00b",
    "x" * 5000,
]
"""Values every field of every route meets in each run (see ``_cover``)."""
MORE = ["１", "1_000", "1e3", "0x10", "1.5", "nan", "inf", "-0", " 7 ", "9" * 400, str(2**63)]
MORE += ["24:00", "23:59:60", "2021-02-30", "20211215", "2021-W50-3", " ", "\u202e\u200b", "%00"]
HOSTILE = st.one_of(
    st.sampled_from(COVER + MORE),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.builds(
        "{}T{:02d}:{:02d}".format,
        st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
        st.integers(0, 23),
        st.integers(0, 59),
    ),
    st.text(max_size=40),
)
NAMES = st.one_of(
    st.sampled_from(["x" * 5000 + ".pdf", "invoice\u202efdp.exe.pdf", "a\x00.png", "", "."]),
    st.text(max_size=60),
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


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


def test_every_route_is_fuzzed_or_excluded_with_a_reason() -> None:
    every = {(method, _declared(route)) for method, route in _routes(_APP)}
    fuzzed = {(method, _declared(route)) for method, route in FUZZED}
    excluded = every - fuzzed

    assert all(
        _excluded(method, route)
        for method, route in _routes(_APP)
        if (method, _declared(route)) in excluded
    )
    assert set(EXCLUDED) <= every, "an exclusion names a route the app no longer has"
    assert len(fuzzed) > 90


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


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, demo_database_file: Path) -> Iterator[World]:
    """One copy of the demo for the whole walk, judged and scored, its jurors' sheets open."""
    path = tmp_path_factory.mktemp("fuzz") / "summit.db"
    path.write_bytes(demo_database_file.read_bytes())
    settings = sqlite_settings(path, upload_dir=path.parent / "uploads")
    database = Database(create_db_engine(settings))
    with database.write() as db:
        open_judging(db)
        score_everything(db)
    values = _path_values(database)
    database.dispose()
    app = create_app(settings, clock=lambda: BEFORE_SCORING_CLOSES)
    clients: dict[str, TestClient] = {}
    with make_client(app) as anonymous:
        clients["anonymous"] = anonymous
        for email in sorted(set(CALLERS.values()) - {"anonymous"}):
            client = make_client(app)
            client.__enter__()
            sign_in(client, email)
            clients[email] = client
        tokens = {name: csrf_token(client) for name, client in clients.items()}
        offered = _offered_forms(clients, values)
        snapshot = Snapshot(path)
        try:
            yield World(app, clients, tokens, values, offered, path, snapshot)
        finally:
            snapshot.close()
            for name, client in clients.items():
                if name != "anonymous":
                    client.__exit__(None, None, None)


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


# --- Which fields each endpoint reads ------------------------------------------------------

PLAUSIBLE = {
    "day": ["2021-12-15", "2021-12-16"],
    "start_time": ["09:00", "14:30"],
    "duration": ["60", "45"],
    "delta": ["15", "-15"],
    "delay_minutes": ["10"],
    "status": ["live", "late", "ended"],
    "round": ["1", "2"],
    "per_submission": ["2"],
    "days": ["30"],
    "page": ["programme", "grid", "session"],
}
"""Values for fields that no page's form offers (drags, links, hidden state)."""


class _Reads:
    def __init__(self) -> None:
        self.form: set[str] = set()
        self.query: set[str] = set()

    def note(self, source: object, key: object) -> None:
        if isinstance(key, str) and isinstance(source, FormData):
            self.form.add(key)
        elif isinstance(key, str) and isinstance(source, QueryParams):
            self.query.add(key)


def _recording(monkeypatch: pytest.MonkeyPatch) -> _Reads:
    """From now on, note every key looked up in a form or a query string."""
    reads = _Reads()
    get, contains, getlist = (
        ImmutableMultiDict.__getitem__,
        ImmutableMultiDict.__contains__,
        ImmutableMultiDict.getlist,
    )

    def noting_get(self: Any, key: Any) -> Any:
        reads.note(self, key)
        return get(self, key)

    def noting_contains(self: Any, key: Any) -> bool:
        reads.note(self, key)
        return contains(self, key)

    def noting_getlist(self: Any, key: Any) -> Any:
        reads.note(self, key)
        return getlist(self, key)

    monkeypatch.setattr(ImmutableMultiDict, "__getitem__", noting_get)
    monkeypatch.setattr(ImmutableMultiDict, "__contains__", noting_contains)
    monkeypatch.setattr(ImmutableMultiDict, "getlist", noting_getlist)
    return reads


def _send(
    world: World,
    target: Target,
    *,
    form: dict[str, str],
    query: dict[str, str],
    path: str | None = None,
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None,
    htmx: bool = False,
    token_in_form: bool = False,
) -> Any:
    client = world.clients[target.caller]
    token = world.tokens[target.caller]
    headers = {"origin": BASE_URL}
    if htmx:
        headers["hx-request"] = "true"
    if token_in_form:
        form = {**form, "csrf_token": token}
    else:
        headers["x-csrf-token"] = token
    url = (path or target.path) + (f"?{urllib.parse.urlencode(query)}" if query else "")
    if target.method == "GET":
        return client.get(url, headers=headers, follow_redirects=False)
    return client.request(
        target.method, url, data=form, files=files, headers=headers, follow_redirects=False
    )


def _discover(world: World, method: str, route: Route, monkeypatch: pytest.MonkeyPatch) -> Target:
    """Ask the route with nothing, then with plausible values for what it read, until it reads
    nothing new."""
    access = access_of(route.endpoint)
    assert access is not None
    path = _concrete(route, world.path_values)
    target = Target(method, _declared(route), path, CALLERS[access.value])
    offered = world.offered.get(path, {}) if method != "GET" else {}
    target.form = {name: list(values) for name, values in offered.items() if name != "csrf_token"}
    target.int_params = {
        name: int(world.path_values[name])
        for name, convertor in route.param_convertors.items()
        if type(convertor).__name__ == "IntegerConvertor"
    }
    for _ in range(4):
        with monkeypatch.context() as patch:
            reads = _recording(patch)
            _send(
                world,
                target,
                form={name: _first(name, values) for name, values in target.form.items()},
                query={name: _first(name, values) for name, values in target.query.items()},
            )
        new_form = reads.form - set(target.form) - {"csrf_token"}
        new_query = reads.query - set(target.query)
        if (method, target.declared) != AMBIENT_ROUTE:
            new_query -= AMBIENT
        if method == "GET":
            new_form = set()
        for name in new_form:
            target.form[name] = list(PLAUSIBLE.get(name, []))
        for name in new_query:
            target.query[name] = list(PLAUSIBLE.get(name, []))
        if not new_form and not new_query:
            break
    return target


def _first(name: str, values: list[str]) -> str:
    return values[0] if values else PLAUSIBLE.get(name, [""])[0]


# --- The walk --------------------------------------------------------------------------------

AMBIENT = {"lang", "tz"}
"""Read from every request's query string by the viewer's middleware: fuzzed on one route."""
AMBIENT_ROUTE = ("GET", "/{slug}/programme")


def _cover(target: Target) -> list[dict[str, Any]]:
    """For each value of ``COVER``, two requests that give it to complementary halves of the
    fields (the others plausible), so that every field meets every such value; and for a post,
    one with a file whose name is thousands of characters long. The same requests each run,
    whatever Hypothesis draws besides."""
    chooser = random.Random(zlib.crc32(f"{target.method} {target.declared}".encode()))  # noqa: S311
    fields = [("form", name) for name in sorted(target.form)]
    fields += [("query", name) for name in sorted(target.query)]
    fields += [("ids", name) for name in sorted(target.int_params)]
    offered = {"form": target.form, "query": target.query}
    requests: list[dict[str, Any]] = []
    for value in COVER if fields else []:
        half = {field for field in fields if chooser.random() < 0.5}
        for chosen in (half, set(fields) - half):
            drawn: dict[str, Any] = {"form": {}, "query": {}, "ids": {}, "files": None}
            for part, name in fields:
                if part == "ids":
                    hostile = (part, name) in chosen and value.isascii() and value.isdigit()
                    drawn["ids"][name] = int(value) if hostile else target.int_params[name]
                else:
                    plausible = _first(name, offered[part][name])
                    drawn[part][name] = value if (part, name) in chosen else plausible
            drawn |= {"htmx": chooser.random() < 0.5, "token_in_form": chooser.random() < 0.5}
            if drawn not in requests:
                requests.append(drawn)
    if target.method != "GET":
        upload = sorted(target.form)[0] if target.form else "file"
        requests.append(
            {
                "form": {name: _first(name, values) for name, values in target.form.items()},
                "query": {},
                "ids": dict(target.int_params),
                "files": [(upload, "x" * 5000 + ".pdf")],
                "htmx": False,
                "token_in_form": True,
            }
        )
    return requests


def _values(offered: list[str]) -> st.SearchStrategy[str | None]:
    """A field's value: left out, one its page offers, or a hostile one."""
    plausible = [st.sampled_from(offered)] if offered else []
    return st.one_of(st.none(), *plausible, HOSTILE)


def _requests(target: Target) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "form": st.fixed_dictionaries(
                {name: _values(values) for name, values in sorted(target.form.items())}
            ),
            "query": st.fixed_dictionaries(
                {name: _values(values) for name, values in sorted(target.query.items())}
            ),
            "ids": st.fixed_dictionaries(
                {
                    name: st.one_of(st.just(value), st.integers(0, 2**70))
                    for name, value in sorted(target.int_params.items())
                }
            ),
            "files": st.none()
            if target.method == "GET"
            else st.one_of(
                st.none(),
                st.lists(
                    st.tuples(st.sampled_from(sorted(target.form) or ["file"]), NAMES),
                    min_size=1,
                    max_size=2,
                ),
            ),
            "htmx": st.booleans(),
            "token_in_form": st.booleans(),
        }
    )


def _path(route: Route, values: dict[str, str], ids: dict[str, int]) -> str:
    return _concrete(route, values | {name: str(value) for name, value in ids.items()})


ERROR_SHOWN = re.compile(r'class="(?:field-error|form-error|form-warning)"')


# Some values are thousands of characters long on purpose; Hypothesis warns when it prints them.
LONG_VALUES = pytest.mark.filterwarnings("ignore:Generating overly large repr")


@LONG_VALUES
@pytest.mark.parametrize(
    ("method", "route"), FUZZED, ids=[f"{method} {_declared(route)}" for method, route in FUZZED]
)
def test_no_input_answers_5xx_and_a_refusal_changes_nothing(
    world: World, method: str, route: Route, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _discover(world, method, route, monkeypatch)
    varied = target.form or target.query or target.int_params

    @settings(
        max_examples=EXAMPLES if varied else 1,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(drawn=_requests(target))
    def attempt(drawn: dict[str, Any]) -> None:
        _attempt(world, target, route, drawn)

    for drawn in _cover(target):
        attempt = example(drawn=drawn)(attempt)
    attempt()


def _attempt(world: World, target: Target, route: Route, drawn: dict[str, Any]) -> None:
    """One request: no 5xx; a refusal leaves every table as it was and says why."""
    before = world.snapshot.take()
    files = [(name, (filename, PDF, "application/pdf")) for name, filename in drawn["files"] or []]
    response = _send(
        world,
        target,
        form={name: value for name, value in drawn["form"].items() if value is not None},
        query={name: value for name, value in drawn["query"].items() if value is not None},
        path=_path(route, world.path_values, drawn["ids"]),
        files=files or None,
        htmx=drawn["htmx"],
        token_in_form=drawn["token_in_form"],
    )

    sent = f"{target.method} {response.request.url.path} {_shown(drawn)}"
    assert response.status_code < 500, sent
    if 400 <= response.status_code < 500:
        assert world.snapshot.take() == before, f"{sent} was refused ({response.status_code})"
    if response.status_code == 422:
        assert ERROR_SHOWN.search(response.text), f"{sent} was refused without a word"


def _shown(drawn: dict[str, Any]) -> str:
    """The request, each value cut short, for a failure's message."""
    return repr(
        {
            part: {
                name: value[:40] if isinstance(value, str) else value
                for name, value in values.items()
            }
            if isinstance(values, dict)
            else values
            for part, values in drawn.items()
        }
    )


# --- The live socket -------------------------------------------------------------------------

SOCKETS = {"/{slug}/live": ("page", "day", "session", "last")}
"""Each socket route, with the query parameters it reads."""


def test_every_socket_is_fuzzed() -> None:
    declared = {_declared(route) for route in _APP.routes if isinstance(route, WebSocketRoute)}

    assert declared == set(SOCKETS)


def _socket_value(name: str) -> st.SearchStrategy[str | None]:
    plausible = {"page": list(PAGES), "day": ["2021-12-15"], "session": ["1"], "last": ["0"]}
    return st.one_of(st.none(), st.sampled_from(plausible[name]), HOSTILE)


def _with_cover(test: Any) -> Any:
    """Every ``COVER`` value in every parameter, on the pages that read them."""
    for value in COVER:
        for page in ("session", "grid"):
            query = {"page": page, "day": value, "session": value, "last": value}
            test = example(query=query)(test)
    return test


@LONG_VALUES
@settings(max_examples=max(EXAMPLES, 10), deadline=None)
@_with_cover
@given(query=st.fixed_dictionaries({name: _socket_value(name) for name in SOCKETS["/{slug}/live"]}))
def test_the_live_socket_opens_whatever_its_query(
    world: World, query: dict[str, str | None]
) -> None:
    sent = urllib.parse.urlencode(
        {name: value for name, value in query.items() if value is not None}
    )
    url = f"{BASE_URL.replace('http', 'ws')}/ogp2021/live?{sent}"

    with world.clients["anonymous"].websocket_connect(url, headers={"origin": BASE_URL}) as socket:
        socket.send_text("x" * (MAX_INCOMING_BYTES + 1))
        with pytest.raises(WebSocketDisconnect) as closed:
            for _ in range(1000):  # what a valid ``last`` replays comes first
                socket.receive_text()

    # Open and served until it broke the size rule: its query did not break its handshake;
    # or refused, with its reason, for a session that the programme does not show (earlier
    # examples in this world may have taken the demo's first session off it).
    if (closed.value.code, closed.value.reason) == (1008, "no such session"):
        assert query.get("page") == "session"
        assert _published(world.database, query.get("session")) is False
    else:
        assert closed.value.code == 1009


def _published(database: Path, session: str | None) -> bool | None:
    """Whether the published programme shows session ``session`` (None: not a session id)."""
    if session is None or not session.isascii() or not session.isdecimal() or len(session) > 18:
        return None
    with sqlite3.connect(database) as connection:
        found = connection.execute(
            "SELECT 1 FROM published_session WHERE id = ?", (int(session),)
        ).fetchone()
    return found is not None
