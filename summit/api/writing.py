"""The one shape of every API write: run the change in one transaction, on rows of the path's
summit, and answer with what was saved.

Refusals the document cannot express are conflicts with the summit's data (409): a row the body
names is not in this summit, a code is taken, a row is still in use, or a patch does not fit the
row's other values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError
from sqlmodel import Session
from starlette.responses import Response

from summit.agenda.models import Summit
from summit.api.declare import ApiCall, ApiError, invalid_body, json_out, not_found
from summit.i18n.viewer import gettext as _
from summit.web.context import database


class SummitRow(Protocol):
    @property
    def summit_id(self) -> int: ...


R = TypeVar("R", bound=SummitRow)
M = TypeVar("M", bound=BaseModel)


def own_row(db: Session, call: ApiCall, table: type[R], name: str) -> R:
    """The row of ``table`` whose id is the path's ``name``; another summit's row answers
    like a missing one."""
    row = db.get(table, call.path_id(name))
    if row is None or row.summit_id != call.the_summit.id:
        raise not_found()
    return row


def fresh_summit(db: Session, call: ApiCall) -> Summit:
    """The path's summit, read again in this transaction (a write changes its stamp)."""
    summit = db.get(Summit, call.the_summit.id)
    if summit is None:
        raise not_found()
    return summit


def conflict(field: str, message: str) -> ApiError:
    """A refusal of what the summit's data does not allow, naming the field at fault."""
    return ApiError(409, message, fields={field: message})


def short_name_taken() -> ApiError:
    return conflict("slug", _("This short name is taken."))


def merged(model: type[M], values: dict[str, Any]) -> M:
    """``values`` (a row's, with a patch on top) as ``model``: what does not fit together is
    a conflict with the row, since the patch alone was valid."""
    try:
        return model.model_validate(values)
    except ValidationError as invalid:
        refused = invalid_body(invalid)
        raise ApiError(
            409, _("This change does not fit the row's other values."), fields=refused.fields
        ) from invalid


async def write_call(
    call: ApiCall,
    run: Callable[[Session], BaseModel | None],
    *,
    status: int = 200,
    location: Callable[[Any], str] | None = None,
    announce: bool = False,
) -> Response:
    """Run ``run`` in one write transaction and answer with its result (204 for none).

    ``location`` names the new row from the result; ``announce`` tells open pages at once (for
    changes that are public without a publication)."""
    result = await database(call.request).run_write(run)
    if announce:
        await call.request.app.state.broker.announce()
    if result is None:
        return Response(status_code=204)
    headers = {"location": location(result)} if location is not None else None
    return json_out(result, status_code=status, headers=headers)
