"""Every operation of the JSON API under ``/api/v1``, and its OpenAPI document."""

from __future__ import annotations

from functools import cache
from typing import Any

from starlette.responses import JSONResponse, Response

from summit.api import (
    bodies_reads,
    drafts,
    people_writes,
    polls,
    practices_reads,
    reads,
    sessions_writes,
    streams_writes,
)
from summit.api.declare import ApiCall, Operation, route
from summit.api.openapi import build_document


@cache
def document() -> dict[str, Any]:
    """The OpenAPI document of every operation below, built once per process."""
    return build_document(OPERATIONS)


async def openapi(call: ApiCall) -> Response:
    return JSONResponse(document())


OPERATIONS: list[Operation] = [
    *reads.OPERATIONS,
    *bodies_reads.OPERATIONS,
    *practices_reads.OPERATIONS,
    *sessions_writes.OPERATIONS,
    *drafts.OPERATIONS,
    *streams_writes.OPERATIONS,
    *people_writes.OPERATIONS,
    *polls.OPERATIONS,
]

routes = [
    *(route(operation) for operation in OPERATIONS),
    route(Operation("GET", "/openapi.json", openapi, "This document", name="api_openapi")),
]
