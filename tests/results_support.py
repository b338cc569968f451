"""The demo award's results page, its live address and the posts that the results tests share."""

from __future__ import annotations

from typing import Any

from sqlmodel import select
from starlette.testclient import TestClient

from summit.awards.models import (
    Submission,
)
from summit.db import Database
from summit.persistence import pk
from tests.conftest import (
    BASE_URL,
    csrf_token,
)
from tests.jury import (
    AWARD_SLUG,
)

BOARD = f"/ogp2021/manage/awards/{AWARD_SLUG}/results"
WS = "ws://127.0.0.1:8000"


def _ids(database: Database) -> dict[str, int]:
    with database.read() as db:
        return {s.code: pk(s) for s in db.exec(select(Submission)).all()}


def _post(client: TestClient, path: str, data: dict[str, Any]) -> Any:
    return client.post(
        path,
        data={**data, "csrf_token": csrf_token(client, "/signin")},
        headers={"origin": BASE_URL},
        follow_redirects=False,
    )
