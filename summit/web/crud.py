"""Organisers' list-and-form pages for the summit's reference data (streams, themes, people,
delegations): one pattern, declared per kind of thing.

A kind says how to list its rows, which fields its form has, how to turn the form into the
validated input its service takes, and how to save it. Errors come back inline (422, the form's
block); a saved form goes back to the list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, SQLModel
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from summit.agenda.models import Summit
from summit.auth.audit import AuditAction, record
from summit.auth.permissions import Access
from summit.errors import DomainError
from summit.i18n.viewer import translate_error
from summit.web.access import page
from summit.web.context import current_summit, database, now
from summit.web.forms import field_errors, read_form, text_fields
from summit.web.htmx import is_htmx
from summit.web.rendering import render

LANGUAGE_FIELDS = ("en", "fr", "ar")


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    widget: str = "text"
    """``text``, ``url``, ``email``, ``number``, ``color``, ``textarea``, ``select``,
    ``texts`` (one input per language) or ``long_texts`` (one text area per language)."""
    required: bool = False
    options: Callable[[Session, Summit], list[tuple[str, str]]] | None = None
    key: bool = False
    """The natural key (a slug): set when creating, fixed afterwards."""


@dataclass(frozen=True)
class Kind:
    name: str
    """Used in URLs and route names (``streams``)."""
    title: str
    singular: str
    fields: Sequence[FormField]
    rows: Callable[[Session, Summit], list[Any]]
    save: Callable[[Session, Summit, dict[str, Any]], SQLModel]
    """Validate (raising pydantic's or the domain's errors) and save."""
    label: Callable[[Any], str]
    filters: Sequence[FormField] = field(default_factory=tuple)
    matches: Callable[[Any, dict[str, str]], bool] = lambda row, wanted: True
    columns: Sequence[tuple[str, Callable[[Any], str]]] = field(default_factory=tuple)
    extra_values: Callable[[Session, Summit, Any], dict[str, str]] | None = None
    """Form values that are not attributes of the row (kept in other tables)."""
    audit: AuditAction | None = None
    """Recorded in the audit log, with who saved which row, each time a form is saved."""
    listing: Callable[[Session, Summit, datetime], dict[str, Any]] | None = None
    """What else the list page shows of its rows, as of a moment (the people's accounts)."""


def form_values(kind: Kind, form: dict[str, str]) -> dict[str, Any]:
    """The raw form as the input model's field names: per-language inputs become dicts."""
    values: dict[str, Any] = {}
    for spec in kind.fields:
        if spec.widget in {"texts", "long_texts"}:
            values[spec.name] = {
                code: form.get(f"{spec.name}_{code}", "") for code in LANGUAGE_FIELDS
            }
        elif form.get(spec.name, "") != "":
            # Empty fields are left out, so that the input model's defaults apply.
            values[spec.name] = form[spec.name]
    return values


def row_values(kind: Kind, row: Any) -> dict[str, str]:
    values: dict[str, str] = {}
    for spec in kind.fields:
        if not hasattr(row, spec.name):
            continue  # kept elsewhere: see Kind.extra_values
        current = getattr(row, spec.name)
        if spec.widget in {"texts", "long_texts"}:
            for code in LANGUAGE_FIELDS:
                values[f"{spec.name}_{code}"] = (current or {}).get(code, "")
        else:
            values[spec.name] = "" if current is None else str(current)
    return values


def _field_names(kind: Kind) -> list[str]:
    names: list[str] = []
    for spec in kind.fields:
        if spec.widget in {"texts", "long_texts"}:
            names += [f"{spec.name}_{code}" for code in LANGUAGE_FIELDS]
        else:
            names.append(spec.name)
    return names


def routes_for(kind: Kind) -> list[Route]:
    async def listing(request: Request) -> Response:
        summit = current_summit(request)
        wanted = {"q": request.query_params.get("q", "")[:200]}
        wanted |= {spec.name: request.query_params.get(spec.name, "") for spec in kind.filters}
        moment = now(request)

        def load(db: Session) -> dict[str, Any]:
            rows = kind.rows(db, summit)
            needle = wanted["q"].casefold().strip()
            shown = [
                row
                for row in rows
                if (not needle or needle in kind.label(row).casefold() or needle in row.slug)
                and kind.matches(row, wanted)
            ]
            return {
                "rows": shown,
                "total": len(rows),
                "filter_options": {
                    spec.name: spec.options(db, summit) if spec.options else []
                    for spec in kind.filters
                },
                **(kind.listing(db, summit, moment) if kind.listing else {}),
            }

        loaded = await database(request).run_read(load)
        return render(
            request,
            "manage/entities.html",
            {"summit": summit, "kind": kind, "wanted": wanted, **loaded},
            block="rows",
        )

    async def form_page(request: Request) -> Response:
        summit = current_summit(request)
        row_id = request.path_params.get("row_id")

        def load(db: Session) -> dict[str, Any]:
            row = _row(db, summit, row_id)
            values = row_values(kind, row) if row is not None else {}
            if row is not None and kind.extra_values is not None:
                values |= kind.extra_values(db, summit, row)
            return {"row": row, "values": values, "options": _options(db, summit)}

        loaded = await database(request).run_read(load)
        return render(
            request,
            "manage/entity_form.html",
            {"summit": summit, "kind": kind, "errors": {}, **loaded},
            block="form",
        )

    async def save(request: Request) -> Response:
        summit = current_summit(request)
        row_id = request.path_params.get("row_id")
        form = text_fields(await read_form(request), *_field_names(kind))

        def run(db: Session) -> tuple[Any, dict[str, str]]:
            row = _row(db, summit, row_id)
            values = form_values(kind, form)
            if row is not None:
                # The natural key stays what it was: it is how imports and links find the row.
                for spec in kind.fields:
                    if spec.key:
                        values[spec.name] = getattr(row, spec.name)
            try:
                saved = kind.save(db, summit, values)
                if kind.audit is not None:
                    record(
                        db,
                        action=kind.audit,
                        summit_id=summit.id,
                        account_id=request.state.principal.account_id,
                        target=f"{kind.name}:{getattr(saved, 'id', '')}",
                        created=row is None,
                    )
                return saved, {}
            except ValidationError as invalid:
                errors = field_errors(invalid)
            except DomainError as refused:
                errors = {refused.field or "": translate_error(refused.template, refused.params)}
            # Nothing of a refused form is kept; the row is detached first so the page can
            # still show it.
            if row is not None:
                db.expunge(row)
            db.rollback()
            return row, errors

        saved, errors = await database(request).run_write(run)
        if errors:
            options = await database(request).run_read(lambda db: _options(db, summit))
            return render(
                request,
                "manage/entity_form.html",
                {
                    "summit": summit,
                    "kind": kind,
                    "row": saved if row_id else None,
                    "values": form,
                    "options": options,
                    "errors": errors,
                },
                block="form",
                status_code=422,
            )
        target = str(request.url_for(f"manage_{kind.name}", slug=summit.slug))
        if is_htmx(request):
            return Response(status_code=204, headers={"hx-redirect": target})
        return RedirectResponse(target, status_code=303)

    def _row(db: Session, summit: Summit, row_id: int | None) -> Any:
        if row_id is None:
            return None
        found = next((row for row in kind.rows(db, summit) if row.id == row_id), None)
        if found is None:
            # Another summit's row answers exactly like a missing one.
            raise HTTPException(status_code=404)
        return found

    def _options(db: Session, summit: Summit) -> dict[str, list[tuple[str, str]]]:
        return {spec.name: spec.options(db, summit) for spec in kind.fields if spec.options}

    base = f"/{{slug:str}}/manage/{kind.name}"
    organiser = Access.ORGANISER
    return [
        page(base, listing, access=organiser, name=f"manage_{kind.name}"),
        page(f"{base}/new", form_page, access=organiser, name=f"new_{kind.name}"),
        page(f"{base}/new", save, access=organiser, methods=["POST"], name=f"create_{kind.name}"),
        page(f"{base}/{{row_id:int}}", form_page, access=organiser, name=f"edit_{kind.name}"),
        page(
            f"{base}/{{row_id:int}}",
            save,
            access=organiser,
            methods=["POST"],
            name=f"update_{kind.name}",
        ),
    ]
