"""Every operation of the JSON API under ``/api/v1``, and its OpenAPI document."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from summit.api import people_writes, reads, streams_writes, writes
from summit.api.declare import ApiCall, Operation, route


async def openapi(call: ApiCall) -> Response:
    from summit.api.openapi import document

    return JSONResponse(document())


OPERATIONS: list[Operation] = [
    *reads.OPERATIONS,
    *writes.OPERATIONS,
    *streams_writes.OPERATIONS,
    *people_writes.OPERATIONS,
]

routes = [
    *(route(operation) for operation in OPERATIONS),
    route(Operation("GET", "/openapi.json", openapi, "This document", name="api_openapi")),
]
