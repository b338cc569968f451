from __future__ import annotations

from starlette.testclient import TestClient

from summit.app import create_app
from summit.settings import Settings
from tests.conftest import make_client


def test_healthz_answers_without_a_database(settings: Settings) -> None:
    with make_client(create_app(settings)) as client:
        response = client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz_is_ready_on_a_migrated_database(client: TestClient) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["migrations"] == "head"


def test_readyz_is_unavailable_before_migrations(settings: Settings) -> None:
    with make_client(create_app(settings)) as client:
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["migrations"] == "behind"


def test_readyz_is_unavailable_when_the_database_is_unreachable(tmp_path: object) -> None:
    settings = Settings(
        database_url="postgresql+psycopg://nobody@127.0.0.1:1/nothing", environment="test"
    )
    with make_client(create_app(settings)) as client:
        response = client.get("/readyz")

    assert (response.status_code, response.json()["database"]) == (503, "unreachable")


def test_readyz_is_degraded_but_ready_when_the_rate_limit_store_is_down(
    demo_settings: Settings,
) -> None:
    settings = demo_settings.model_copy(update={"rate_limit_url": "redis://127.0.0.1:1/0"})
    with make_client(create_app(settings)) as client:
        response = client.get("/readyz")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["rate_limit"]) == ("degraded", "memory")
