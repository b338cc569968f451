"""Reading submitted forms with limits, and turning validation errors into field messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from summit.errors import DomainError
from summit.i18n.viewer import translate_error

MAX_FIELDS = 200
MAX_FILES = 10
MAX_FIELD_BYTES = 1024 * 1024

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


class UnreadableForm(HTTPException):
    """A form that could not be parsed (too many fields, too large a part, a part's header
    too long, broken multipart): answered 400, unless its route shows its form again."""


async def read_form(request: Request) -> FormData:
    """The request's form, parsed once; an unreadable one raises ``UnreadableForm``."""
    try:
        return await request.form(
            max_fields=MAX_FIELDS, max_files=MAX_FILES, max_part_size=MAX_FIELD_BYTES
        )
    except HTTPException as refused:
        raise UnreadableForm(refused.status_code, refused.detail) from refused


def text_fields(form: FormData, *names: str) -> dict[str, str]:
    """The named fields as text; a file where text was expected counts as empty."""
    values: dict[str, str] = {}
    for name in names:
        value = form.get(name)
        values[name] = value if isinstance(value, str) else ""
    return values


def field_errors(error: ValidationError) -> dict[str, str]:
    """One message per field, the first pydantic gives; model-level errors go under ``""``."""
    messages: dict[str, str] = {}
    for item in error.errors():
        location = item["loc"]
        name = str(location[0]) if location else ""
        message = item["msg"].removeprefix("Value error, ")
        messages.setdefault(name, message)
    return messages


class FieldsRefused(Exception):
    """A form refused on one field or more, each with its message in the viewer's language."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


class FieldReader:
    """Reads a form's fields one by one and keeps each field's first refusal, so that the form
    comes back with every error at once rather than only the first."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def read(self, parse: Callable[..., T], text: str, **options: Any) -> T | None:
        """What ``parse`` (one of ``summit.parsing``'s readers) makes of ``text``; None, and
        the refusal noted under its field, when it refuses it."""
        try:
            return parse(text, **options)
        except DomainError as refused:
            self.refuse(refused)
            return None

    def refuse(self, refused: DomainError) -> None:
        """Note a refusal the caller found, beside those of the reads."""
        message = translate_error(refused.template, refused.params)
        self.errors.setdefault(refused.field or "", message)

    def check(self) -> None:
        """Raise ``FieldsRefused`` when any field was refused."""
        if self.errors:
            raise FieldsRefused(dict(self.errors))


def validated(model: type[M], values: dict[str, Any], fields: FieldReader) -> M:
    """``values`` checked by ``model``, some of them read by ``fields`` first (None where that
    failed): raises ``FieldsRefused`` with every error of both at once."""
    try:
        data = model.model_validate(values)
    except ValidationError as invalid:
        raise FieldsRefused(field_errors(invalid) | fields.errors) from invalid
    fields.check()
    return data
