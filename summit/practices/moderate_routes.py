"""Coordinators' pages: every practice of the network by status, and one practice with the
decision form (approve, ask for changes, reject) and the sessions where it was presented."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.agenda.models import Summit
from summit.auth.permissions import Access, Principal
from summit.bodies.models import Body
from summit.errors import DomainError
from summit.i18n.viewer import N_, translate_error
from summit.practices import queries
from summit.practices.models import Practice, PracticeStatus
from summit.practices.routes import body_or_404, roles
from summit.practices.services import Decision, link_sessions, moderate
from summit.web.access import page
from summit.web.context import current_summit, database, now
from summit.web.forms import read_form, text_fields
from summit.web.htmx import is_htmx
from summit.web.rendering import render

DECISIONS = (
    (Decision.APPROVE.value, N_("Publish it")),
    (Decision.REQUEST_CHANGES.value, N_("Ask for changes")),
    (Decision.REJECT.value, N_("Reject it")),
)
QUEUE_ORDER = (
    PracticeStatus.SUBMITTED,
    PracticeStatus.CHANGES_REQUESTED,
    PracticeStatus.PUBLISHED,
    PracticeStatus.REJECTED,
)


def _coordinated_body(db: Session, summit: Summit, slug: str, principal: Principal) -> Body:
    body = body_or_404(db, summit, slug)
    if not roles(db, summit, body, principal)["is_coordinator"]:
        raise HTTPException(status_code=403)
    return body


def _practice(db: Session, body: Body, practice_id: int) -> Practice:
    practice = queries.practice_of_body(db, body=body, practice_id=practice_id)
    if practice is None:
        raise HTTPException(status_code=404)
    return practice


async def queue(request: Request) -> Response:
    summit = current_summit(request)
    principal: Principal = request.state.principal
    slug = request.path_params["body_slug"]

    def load(db: Session) -> dict[str, Any]:
        body = _coordinated_body(db, summit, slug, principal)
        cards = queries.of_statuses(db, body=body, statuses=QUEUE_ORDER)
        groups = [
            (status, [card for card in cards if card.practice.status == status])
            for status in QUEUE_ORDER
        ]
        return {"body": body, "groups": groups}

    context = await database(request).run_read(load)
    return render(request, "practices/moderation.html", {"summit": summit, **context})


def _one(db: Session, summit: Summit, body: Body, practice: Practice) -> dict[str, Any]:
    return {
        "summit": summit,
        "body": body,
        "view": queries.practice_view(db, practice=practice),
        "codes": "\n".join(queries.linked_codes(db, practice=practice)),
        "decisions": DECISIONS,
    }


async def practice_moderation(request: Request) -> Response:
    summit = current_summit(request)
    principal: Principal = request.state.principal
    slug = request.path_params["body_slug"]
    practice_id = request.path_params["practice_id"]

    def load(db: Session) -> dict[str, Any]:
        body = _coordinated_body(db, summit, slug, principal)
        return _one(db, summit, body, _practice(db, body, practice_id))

    context = await database(request).run_read(load)
    return render(request, "practices/moderate.html", {**context, "errors": {}, "values": {}})


@dataclass(frozen=True)
class Step:
    """What a coordinator's action acts on, and as whom."""

    summit: Summit
    body: Body
    practice: Practice
    principal: Principal
    now: datetime
    values: dict[str, str]


async def _act(
    request: Request, fields: tuple[str, ...], action: Callable[[Session, Step], None]
) -> Response:
    """Run ``action`` for a coordinator; a refusal shows the page again with its message
    beside the field."""
    summit = current_summit(request)
    principal: Principal = request.state.principal
    slug = request.path_params["body_slug"]
    practice_id = request.path_params["practice_id"]
    values = text_fields(await read_form(request), *fields)
    moment = now(request)

    def run(db: Session) -> dict[str, Any] | None:
        body = _coordinated_body(db, summit, slug, principal)
        practice = _practice(db, body, practice_id)
        try:
            action(db, Step(summit, body, practice, principal, moment, values))
        except DomainError as refused:
            db.rollback()
            message = translate_error(refused.template, refused.params)
            practice = _practice(db, body, practice_id)
            return _one(db, summit, body, practice) | {"errors": {refused.field or "": message}}
        return None

    refused = await database(request).run_write(run)
    if refused is not None:
        return render(
            request, "practices/moderate.html", {**refused, "values": values}, status_code=422
        )
    target = str(request.url_for("moderate_practices", slug=summit.slug, body_slug=slug))
    if is_htmx(request):
        return Response(status_code=204, headers={"hx-redirect": target})
    return RedirectResponse(target, status_code=303)


def _decide(db: Session, step: Step) -> None:
    try:
        decision = Decision(step.values["decision"])
    except ValueError as unknown:
        raise DomainError("Choose from the list.", field="decision") from unknown
    moderate(
        db,
        summit=step.summit,
        body=step.body,
        practice=step.practice,
        principal=step.principal,
        decision=decision,
        note=step.values["note"],
        now=step.now,
    )


def _link(db: Session, step: Step) -> None:
    codes = step.values["sessions"].replace(",", " ").upper().split()
    link_sessions(
        db,
        summit=step.summit,
        practice=step.practice,
        codes=list(dict.fromkeys(codes)),
        account_id=step.principal.account_id,
    )


async def decide(request: Request) -> Response:
    return await _act(request, ("decision", "note"), _decide)


async def sessions(request: Request) -> Response:
    return await _act(request, ("sessions",), _link)


BASE = "/{slug:str}/bodies/{body_slug:str}/practices"
routes = [
    page(f"{BASE}/moderation", queue, access=Access.MEMBER, name="moderate_practices"),
    page(
        f"{BASE}/{{practice_id:int}}/moderation",
        practice_moderation,
        access=Access.MEMBER,
        name="moderate_practice",
    ),
    page(
        f"{BASE}/{{practice_id:int}}/decision",
        decide,
        access=Access.MEMBER,
        methods=["POST"],
        name="decide_practice",
    ),
    page(
        f"{BASE}/{{practice_id:int}}/sessions",
        sessions,
        access=Access.MEMBER,
        methods=["POST"],
        name="link_practice_sessions",
    ),
]
