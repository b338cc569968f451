"""Reading submitted forms with limits, and turning validation errors into field messages."""

from __future__ import annotations

from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.requests import Request

MAX_FIELDS = 200
MAX_FILES = 10
MAX_FIELD_BYTES = 1024 * 1024


async def read_form(request: Request) -> FormData:
    """The request's form, parsed once; too many fields or too large a part answers 400."""
    return await request.form(
        max_fields=MAX_FIELDS, max_files=MAX_FILES, max_part_size=MAX_FIELD_BYTES
    )


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
