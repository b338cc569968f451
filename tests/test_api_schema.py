"""Schemathesis against the OpenAPI document, with all its checks: every operation answers as
documented, accepts every request the schema allows (a refusal is a failure, except the
conflicts with the summit's data, 409, that the document declares), refuses every request it
forbids, with an organiser's token on every request (so writes run for real) and, by
schemathesis' own auth checks, without one.

The cases are drawn from a fixed seed, so a red run is a change's doing; SUMMIT_TEST_EXPLORE=1
draws new ones, API_FUZZ_EXAMPLES sets how many per operation (``100`` to look hard)."""

from __future__ import annotations

import os
import random
import re
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from limits import parse
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.python import asgi
from sqlmodel import select

from summit.agenda.models import ProgrammeSession
from summit.api import declare
from summit.api.fields import MOMENT
from summit.app import create_app
from summit.db import Database, create_db_engine
from summit.people.models import Delegation, Person
from tests.conftest import DURING_THE_SUMMIT, EXPLORE, sqlite_settings
from tests.factories import organiser_api_token

# CI runs a bounded pass (random cases only, well under a minute); API_FUZZ_FULL=1 adds
# schemathesis' coverage phase (boundary values, every wrong method) and more random cases:
# about 1,500 requests, a few minutes.
FULL = os.environ.get("API_FUZZ_FULL") == "1"
MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "10" if FULL else "8"))
# A failure's report shows the seed (in the captured output); API_FUZZ_SEED replays it.
SEED = int(os.environ.get("API_FUZZ_SEED") or (random.randrange(2**32) if EXPLORE else 2021))


@pytest.fixture(scope="module")
def api_schema(demo_database_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    path = tmp_path_factory.mktemp("schemathesis") / "summit.db"
    shutil.copyfile(demo_database_file, path)
    # Schemathesis' client calls the app "testserver".
    settings = sqlite_settings(path, allowed_hosts="testserver")
    database = Database(create_db_engine(settings))
    with database.write() as db:
        # Real rows, so that operations do their work rather than answer 404 to random ids.
        rows = {
            "path.slug": "ogp2021",
            "path.session_id": db.exec(
                select(ProgrammeSession.id).where(ProgrammeSession.code == "CLOSING")
            ).one(),
            "path.person_id": db.exec(
                select(Person.id).where(Person.slug == "aziz-akhannouch")
            ).one(),
            "path.delegation_id": db.exec(
                select(Delegation.id).where(Delegation.slug == "morocco")
            ).one(),
        }
        token = organiser_api_token(db, now=DURING_THE_SUMMIT)
    database.dispose()
    print(f"schemathesis seed: {SEED}")  # noqa: T201 - shown with a failure, to replay it
    config = SchemathesisConfig.from_dict(
        {
            "headers": {"Authorization": f"Bearer {token}"},
            "seed": SEED,
            "parameters": rows,
            "generation": {"max-examples": MAX_EXAMPLES},
            # Links between operations are not declared, so each operation is tested on its own.
            "phases": {"stateful": {"enabled": False}, "coverage": {"enabled": FULL}},
            # Every check, with schemathesis' own expected statuses: a schema-valid request
            # answered 400 or 422 fails the run.
            "checks": {"enabled": True},
        }
    )
    app = create_app(settings, clock=lambda: DURING_THE_SUMMIT)
    loaded = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app, config=config)
    with pytest.MonkeyPatch.context() as patch:
        # Hundreds of requests a minute from one token and one address: not what is tested here.
        patch.setattr(declare, "WRITES_PER_TOKEN", parse("100000/minute"))
        patch.setattr(declare, "READS_PER_ADDRESS", parse("100000/minute"))
        try:
            yield loaded
        finally:
            asgi.shutdown_lifespans()


_MOMENT = re.compile(MOMENT)


def _times_in_order(body: Any) -> Any:
    """The one rule the document states in words, not in JSON Schema: an end comes after its
    start (a session's within 24 hours). Generated bodies follow it, as a client reading the
    document would; tests/test_api_document.py shows the server refusing the ones that do not."""
    if isinstance(body, list):
        return [_times_in_order(item) for item in body]
    if not isinstance(body, dict):
        return body
    body = {key: _times_in_order(value) for key, value in body.items()}
    start, end = body.get("starts_at"), body.get("ends_at")
    if not (isinstance(start, str) and isinstance(end, str)):
        return body
    try:
        if not (_MOMENT.fullmatch(start) and _MOMENT.fullmatch(end)):
            raise ValueError(start, end)
        starts_at, ends_at = datetime.fromisoformat(start), datetime.fromisoformat(end)
    except ValueError:
        return body  # a case the schema refuses anyway (not a time, or November 31)
    if timedelta(0) < ends_at - starts_at <= timedelta(hours=24):
        return body
    later = starts_at + timedelta(hours=1)
    if _MOMENT.fullmatch(later.isoformat()):
        return {**body, "ends_at": later.isoformat()}
    return {**body, "starts_at": (starts_at - timedelta(hours=1)).isoformat(), "ends_at": start}


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    """Schemathesis 4.32 labels each operation's subtest through ``node._nodeid``, which
    pytest 9 no longer keeps on the node."""
    node: Any = request.node
    if not hasattr(node, "_nodeid"):
        node._nodeid = node.nodeid


# Every operation runs inside this one test: its time grows with the examples drawn.
@pytest.mark.timeout(120 + 8 * MAX_EXAMPLES)
@schema.parametrize()
def test_the_api_answers_as_its_document_says(case: Any) -> None:
    scenario = getattr(case.meta.phase.data, "parameter_location", None) if case.meta else None
    if scenario == ParameterLocation.PATH:
        # The coverage phase's wrong path parameter: the fixture pins each one to a real row,
        # so the request would carry the real one and prove nothing.
        return
    case.body = _times_in_order(case.body)
    case.call_and_validate()
