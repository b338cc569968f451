"""Whatever anyone sends to any page of the app (huge and negative numbers, digits of other
scripts, far dates, empty and very long text, NUL characters), the answer is never a 5xx, and a
refused request (4xx) leaves the database as it was.

The test walks the app's own route table, so a new route is fuzzed without being listed here:
each route is asked once with nothing, then again with plausible values, while the fields and
query parameters its endpoint reads are recorded; those are then drawn from hostile and
plausible values, posted as the route's role with a valid CSRF token. Plausible values come
from the forms the app's own pages show. A route that cannot be fuzzed is excluded below with
its reason (tests/input_world.py); a path parameter without a value fails the test.

Run with ``SUMMIT_TEST_EXPLORE=1 SUMMIT_TEST_FUZZ_EXAMPLES=200`` (and ``--timeout 0``: the
password routes hash every attempt) to look for more.
"""

from __future__ import annotations

import re
import sqlite3
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from starlette.datastructures import FormData, ImmutableMultiDict, QueryParams
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from summit.app import create_app
from summit.db import Database, create_db_engine
from summit.live.routes import MAX_INCOMING_BYTES
from summit.web.access import access_of
from tests.conftest import (
    BASE_URL,
    another_browser,
    csrf_token,
    make_client,
    sign_in,
    sqlite_settings,
)
from tests.hostile_values import (
    AMBIENT,
    AMBIENT_ROUTE,
    EXAMPLES,
    LONG_VALUES,
    PDF,
    PLAUSIBLE,
    _cover,
    _first,
    _requests,
    _socket_value,
    _with_cover,
)
from tests.input_world import (
    _APP,
    CALLERS,
    EXCLUDED,
    FUZZED,
    Snapshot,
    Target,
    World,
    _concrete,
    _declared,
    _excluded,
    _offered_forms,
    _path_values,
    _routes,
)
from tests.jury import BEFORE_SCORING_CLOSES, open_judging, score_everything


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
            # Every account's browser on the one running app (its lifespan and loop).
            client = another_browser(anonymous)
            sign_in(client, email)
            clients[email] = client
        tokens = {name: csrf_token(client) for name, client in clients.items()}
        offered = _offered_forms(clients, values)
        snapshot = Snapshot(path)
        try:
            yield World(app, clients, tokens, values, offered, path, snapshot)
        finally:
            snapshot.close()


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


def _path(route: Route, values: dict[str, str], ids: dict[str, int]) -> str:
    return _concrete(route, values | {name: str(value) for name, value in ids.items()})


ERROR_SHOWN = re.compile(r'class="(?:field-error|form-error|form-warning)"')


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
