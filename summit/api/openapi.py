"""The OpenAPI 3.1 document, built from the operations table and the pydantic models."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from summit.api.declare import PREFIX, Operation
from summit.api.schemas import ErrorOut

REF = "#/components/schemas/{model}"
_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")
_REASONS = {
    401: "No bearer token, or one that is unknown, expired or revoked",
    403: "The token's account is not an organiser of this summit, or the token lacks the scope",
    404: "No such summit, or no such row in it",
    409: "The request conflicts with the summit's data (see the operation's description): "
    "a row it names is not in this summit, a code or short name is taken, a row is still in "
    "use; `fields` says which field",
    422: "The request breaks this document's schema (or a rule the schema's description "
    "states); `fields` says which field and why",
    429: "Too many requests",
}


def _path(operation: Operation) -> str:
    return _PARAM.sub(lambda match: "{" + match.group(1) + "}", PREFIX + operation.path)


def _path_parameters(operation: Operation) -> list[dict[str, Any]]:
    parameters = []
    for name, kind in _PARAM.findall(operation.path):
        schema: dict[str, Any] = (
            {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
            if kind == "int"
            else {"type": "string", "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$", "maxLength": 64}
        )
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return parameters


def _models(operations: Sequence[Operation]) -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    found: dict[tuple[type[BaseModel], JsonSchemaMode], None] = {(ErrorOut, "serialization"): None}
    for operation in operations:
        if operation.body is not None:
            found[(operation.body, "validation")] = None
        if operation.response is not None:
            found[(operation.response, "serialization")] = None
    return list(found)


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def build_document(operations: Sequence[Operation]) -> dict[str, Any]:
    refs, definitions = models_json_schema(_models(operations), ref_template=REF)
    error = {"description": "", "content": _json(refs[(ErrorOut, "serialization")])}
    paths: dict[str, dict[str, Any]] = {}
    for operation in operations:
        responses: dict[str, Any] = {}
        if operation.response is not None:
            schema = refs[(operation.response, "serialization")]
            if operation.many:
                schema = {"type": "array", "items": schema}
            success: dict[str, Any] = {"description": "Done", "content": _json(schema)}
        else:
            success = {"description": "Done"}
        if operation.located:
            success["headers"] = {
                "Location": {"schema": {"type": "string"}, "description": "The new row"}
            }
        responses[str(operation.status)] = success
        statuses = {404, 429, *operation.errors}
        if operation.scope is not None:
            statuses |= {401, 403, 422}
        for status in sorted(statuses):
            responses[str(status)] = {**error, "description": _REASONS[status]}
        if 401 in statuses:
            responses["401"]["headers"] = {
                "WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}
            }
        entry: dict[str, Any] = {
            "operationId": operation.name or operation.handler.__name__,
            "summary": operation.summary,
            "tags": list(operation.tags),
            "parameters": _path_parameters(operation)
            + [
                {
                    "name": param.name,
                    "in": "query",
                    "required": False,
                    "schema": param.schema,
                    "description": param.description,
                }
                for param in operation.query
            ],
            "responses": responses,
        }
        if operation.description:
            entry["description"] = operation.description
        if operation.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": _json(refs[(operation.body, "validation")]),
            }
        if operation.scope is not None:
            entry["security"] = [{"bearer": [operation.scope.value]}]
            entry["description"] = (
                entry.get("description", "") + f" Needs a token with `{operation.scope.value}`."
            ).strip()
        paths.setdefault(_path(operation), {})[operation.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Summit API",
            "version": "1",
            "description": "The summit's programme, people, delegations and award results. "
            "Reads are public; writes need a bearer token (see docs/api.md).",
        },
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token made with `summit token create` or on the "
                    "organisers' Tokens page.",
                }
            },
        },
    }
