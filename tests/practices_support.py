"""The African network's library and its API address, the demo's practices, and the posts (a new
practice, a moderator's decision) and audit reads that the good-practice tests share."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select
from starlette.testclient import TestClient

from summit.auth.models import AuditEntry
from summit.db import Database
from summit.practices.models import Practice, PracticeStatus
from tests.conftest import BASE_URL, csrf_token

LIBRARY = "/ogp2021/bodies/african-open-government-network/practices"
API = "/api/v1/summits/ogp2021/bodies/african-open-government-network/practices"


def _practices(database: Database) -> list[Practice]:
    with database.read() as db:
        return list(db.exec(select(Practice).order_by(col(Practice.id))))


def _waiting(database: Database) -> Practice:
    """The demo's practice that waits for moderation (Côte d'Ivoire's)."""
    return next(p for p in _practices(database) if p.status == PracticeStatus.SUBMITTED)


def _post(
    client: TestClient, path: str, data: dict[str, Any], files: list[Any] | None = None
) -> Any:
    token = csrf_token(client, "/ogp2021/")
    return client.post(
        path,
        data={**data, "csrf_token": token},
        files=files,
        headers={"origin": BASE_URL},
        follow_redirects=False,
    )


def _actions(database: Database, target: str) -> list[str]:
    with database.read() as db:
        rows = db.exec(
            select(AuditEntry.action)
            .where(AuditEntry.target == target)
            .order_by(col(AuditEntry.id))
        )
        return list(rows)


def _submit(client: TestClient, **fields: Any) -> Any:
    data: dict[str, Any] = {
        "title_en": "Open procurement dashboards",
        "summary_en": "Every contract a ministry signs is published within a week.",
        "country_code": "MA",
        "links": "https://example.org/procurement",
    }
    data.update(fields)
    return _post(client, f"{LIBRARY}/new", data)
