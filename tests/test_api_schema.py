"""Schemathesis against the OpenAPI document: every operation answers as documented, for data
the schema allows and data it forbids, with an organiser's token on every request (so writes
run for real) and, by schemathesis' own auth checks, without one."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from limits import parse
from schemathesis.config import SchemathesisConfig
from schemathesis.python import asgi
from sqlmodel import select

from summit.agenda.models import ProgrammeSession, Summit
from summit.api import declare
from summit.app import create_app
from summit.auth.api_tokens import ApiScope, issue_api_token
from summit.auth.models import Account
from summit.db import Database, create_db_engine
from summit.people.models import Delegation, Person
from tests.conftest import DURING_THE_SUMMIT, EXPLORE, sqlite_settings

# CI runs a bounded pass (random cases only, well under a minute); API_FUZZ_FULL=1 adds
# schemathesis' coverage phase (boundary values, every wrong method) and more random cases:
# about 1,500 requests, a few minutes.
FULL = os.environ.get("API_FUZZ_FULL") == "1"
MAX_EXAMPLES = 10 if FULL else 8


@pytest.fixture(scope="module")
def api_schema(demo_database_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    path = tmp_path_factory.mktemp("schemathesis") / "summit.db"
    shutil.copyfile(demo_database_file, path)
    # Schemathesis' client calls the app "testserver".
    settings = sqlite_settings(path, allowed_hosts="testserver")
    database = Database(create_db_engine(settings))
    with database.write() as db:
        summit = db.exec(select(Summit).where(Summit.slug == "ogp2021")).one()
        account = db.exec(select(Account).where(Account.email == "organiser@example.org")).one()
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
        token = issue_api_token(
            db,
            summit=summit,
            account=account,
            name="schemathesis",
            scopes=list(ApiScope),
            now=DURING_THE_SUMMIT,
        ).token
    database.dispose()
    config = SchemathesisConfig.from_dict(
        {
            "headers": {"Authorization": f"Bearer {token}"},
            **({} if EXPLORE else {"seed": 2021}),
            "parameters": rows,
            "generation": {"max-examples": MAX_EXAMPLES},
            # Links between operations are not declared, so each operation is tested on its own.
            "phases": {"stateful": {"enabled": False}, "coverage": {"enabled": FULL}},
            "checks": {
                # Some refusals of schema-valid data no schema can express: a row id that is
                # not this summit's, a start off the five-minute grid, an end before the start.
                # Those come back as 422 with the field at fault.
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]
                },
            },
        }
    )
    app = create_app(settings, clock=lambda: DURING_THE_SUMMIT)
    with pytest.MonkeyPatch.context() as patch:
        # Hundreds of requests a minute from one token and one address: not what is tested here.
        patch.setattr(declare, "WRITES_PER_TOKEN", parse("100000/minute"))
        patch.setattr(declare, "READS_PER_ADDRESS", parse("100000/minute"))
        try:
            yield schemathesis.openapi.from_asgi("/api/v1/openapi.json", app, config=config)
        finally:
            asgi.shutdown_lifespans()


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    """Schemathesis 4.32 labels each operation's subtest through ``node._nodeid``, which
    pytest 9 no longer keeps on the node."""
    node: Any = request.node
    if not hasattr(node, "_nodeid"):
        node._nodeid = node.nodeid


@schema.parametrize()
def test_the_api_answers_as_its_document_says(case: Any) -> None:
    case.call_and_validate()
