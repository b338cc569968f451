"""The bases of the API's bodies: rules between fields that the document states in JSON Schema
(``allOf`` of ``if``/``then``), and patches whose fields may be left out but are null only where
null means "none".

Texts are taken as sent (no white space is trimmed before the lengths are checked), so that a
length the document allows is the length the server allows; the services trim them after.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from pydantic import ConfigDict, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from summit.validation import Input

NULL = {"type": "null"}


@dataclass(frozen=True)
class Rule:
    """A rule between a body's fields: ``schema`` says it in JSON Schema, ``holds`` checks the
    fields that were sent, and ``field`` is the one named when it fails."""

    field: str
    message: str
    schema: dict[str, Any]
    holds: Callable[[dict[str, Any]], bool]


def _given(name: str) -> dict[str, Any]:
    return {"required": [name], "properties": {name: {"not": NULL}}}


def together(first: str, second: str, message: str) -> Rule:
    """Both ``first`` and ``second``, or neither (left out or null)."""
    return Rule(
        field=second,
        message=message,
        schema={
            "allOf": [
                {"if": _given(first), "then": _given(second)},
                {"if": _given(second), "then": _given(first)},
            ]
        },
        holds=lambda sent: (sent.get(first) is None) == (sent.get(second) is None),
    )


def when(
    name: str,
    value: str,
    *,
    then: dict[str, Any],
    otherwise: dict[str, Any] | None = None,
    field: str,
    message: str,
    holds: Callable[[dict[str, Any]], bool],
) -> Rule:
    """``then`` applies when ``name`` was sent as ``value``; ``otherwise`` when it was not."""
    schema: dict[str, Any] = {
        "if": {"required": [name], "properties": {name: {"const": value}}},
        "then": then,
    }
    if otherwise is not None:
        schema["else"] = otherwise
    return Rule(field=field, message=message, schema=schema, holds=holds)


def _fail(model: type[Any], field: str, message: str, value: object) -> ValidationError:
    details: InitErrorDetails = {
        "type": PydanticCustomError("rule", message),
        "loc": (field,) if field else (),
        "input": value,
    }
    return ValidationError.from_exception_data(model.__name__, [details])


def _document(schema: dict[str, Any], model: type[Any]) -> None:
    rules: tuple[Rule, ...] = getattr(model, "rules", ())
    if rules:
        schema["allOf"] = [rule.schema for rule in rules]
    nullable = getattr(model, "nullable", None)
    if nullable is None:
        return
    # A patch's left-out field keeps its value: it has no default to document.
    for name, prop in schema.get("properties", {}).items():
        prop.pop("default", None)
        branches = prop.get("anyOf")
        if name in nullable or not isinstance(branches, list) or NULL not in branches:
            continue
        kept = [branch for branch in branches if branch != NULL]
        del prop["anyOf"]
        if len(kept) == 1:
            prop.update(kept[0])
        else:
            prop["anyOf"] = kept


class ApiInput(Input):
    """A body of the API: unknown fields refused, no NUL, texts as sent, and its ``rules``."""

    model_config = ConfigDict(str_strip_whitespace=False, json_schema_extra=_document)
    rules: ClassVar[tuple[Rule, ...]] = ()

    @model_validator(mode="after")
    def _rules_hold(self) -> Self:
        sent = {name: getattr(self, name) for name in self.model_fields_set}
        for rule in self.rules:
            if not rule.holds(sent):
                raise _fail(type(self), rule.field, rule.message, sent.get(rule.field))
        return self


class Patch(ApiInput):
    """Changes to a row: a field left out keeps its value. Null is refused except for the
    fields in ``nullable``, where it means "none"."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _null_only_where_meaningful(cls, values: Any) -> Any:
        if isinstance(values, dict):
            for name, value in values.items():
                if value is None and name in cls.model_fields and name not in cls.nullable:
                    raise _fail(cls, name, "give a value, or leave the field out", value)
        return values


def sent(model: ApiInput) -> dict[str, Any]:
    """The fields the client sent, with their values (``null`` included)."""
    return {name: getattr(model, name) for name in model.model_fields_set}
