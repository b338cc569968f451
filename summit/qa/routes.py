"""A session's live Q&A: the questions (a whole page, the panel the session page loads, or one
of its shared blocks), asking, voting, moderating, and the pre-moderation switch.

Every change is written with its events, then announced; open pages of the session get the
re-rendered list over their socket. Without JavaScript every form posts and comes back to the
questions page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from limits import parse
from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.agenda import queries as agenda_queries
from summit.agenda.models import Summit
from summit.auth.permissions import Access, Principal, allows
from summit.errors import DomainError, NotFound
from summit.eventlog import record
from summit.i18n.viewer import gettext as _
from summit.i18n.viewer import translate_error
from summit.qa import queries, regions, services
from summit.qa.models import QuestionStatus
from summit.web.access import page
from summit.web.context import current_summit, database, now, viewer
from summit.web.forms import read_form, text_fields
from summit.web.htmx import is_fragment_request, is_htmx

QUESTIONS_PER_ACCOUNT = parse("5/minute")
VOTES_PER_ACCOUNT = parse("60/minute")


@dataclass
class Board:
    """Everything the panel shows to one asker."""

    session: queries.QaSession
    entries: list[queries.Entry]
    answered: list[queries.Entry]
    pending: list[queries.Entry]
    hidden: list[queries.Entry]
    my_votes: set[int]
    my_questions: set[int]
    moderating: bool
    can_ask: bool

    def blocks(self) -> dict[str, list[queries.Entry]]:
        return {
            regions.LIST_BLOCK: self.entries,
            regions.ANSWERED_BLOCK: self.answered,
            regions.PENDING_BLOCK: self.pending,
            regions.HIDDEN_BLOCK: self.hidden,
        }


def _may_take_part(principal: Principal, summit: Summit) -> bool:
    """Asking and voting is for anyone holding a role in the summit."""
    return allows(principal, Access.MEMBER, summit.id)


async def _board(request: Request) -> Board:
    summit = current_summit(request)
    principal: Principal = request.state.principal
    session_id: int = request.path_params["session_id"]
    account_id = principal.account_id

    def load(db: Session) -> Board | None:
        session = queries.qa_session(db, summit_id=summit.id or 0, session_id=session_id)
        if session is None:
            return None
        moderating = services.may_moderate(principal, session)
        return Board(
            session=session,
            entries=queries.board(db, session_id=session_id),
            answered=queries.answered(db, session_id=session_id),
            pending=queries.pending(db, session_id=session_id) if moderating else [],
            hidden=queries.hidden(db, session_id=session_id) if moderating else [],
            my_votes=(
                queries.votes_of(db, session_id=session_id, account_id=account_id)
                if account_id is not None
                else set()
            ),
            my_questions=(
                queries.asked_by(db, session_id=session_id, account_id=account_id)
                if account_id is not None
                else set()
            ),
            moderating=moderating,
            can_ask=_may_take_part(principal, summit),
        )

    found = await database(request).run_read(load)
    if found is None:
        raise HTTPException(status_code=404)
    return found


def _context(request: Request, board: Board, **extra: Any) -> dict[str, Any]:
    whole_page = not is_fragment_request(request)
    return {
        "summit": current_summit(request),
        "session_id": board.session.id,
        "entries": board.entries,
        "answered": board.answered,
        "pending": board.pending,
        "hidden": board.hidden,
        "my_votes": board.my_votes,
        "my_questions": board.my_questions,
        "moderating": board.moderating,
        "can_ask": board.can_ask,
        "is_open": board.session.is_open,
        "premoderated": board.session.premoderated,
        "form_token": request.state.csrf_token if whole_page else "",
        "oob": False,
        "notice": "",
        "errors": {},
        "values": {"body": "", "anonymous": False},
        **extra,
    }


async def _respond(
    request: Request,
    context: dict[str, Any],
    *,
    blocks: list[str],
    status_code: int = 200,
) -> Response:
    """For htmx, the named blocks one after the other; else the whole page."""
    templates = request.app.state.templates
    headers = {"vary": "HX-Request, HX-Target, Cookie"}
    fragment = is_fragment_request(request)
    if not fragment:
        # The session's title, from the cached programme (no query).
        summit = current_summit(request)
        programme = await request.app.state.programme_cache.programme(database(request), summit)
        card = agenda_queries.session_card(programme, context["session_id"])
        context = {**context, "title": card.session.title if card else {}}
    response: Response = templates.TemplateResponse(
        request,
        regions.TEMPLATE,
        context,
        status_code=status_code,
        headers=headers,
        **({"block_names": blocks} if fragment else {}),
    )
    return response


def _page_url(request: Request) -> str:
    summit = current_summit(request)
    return str(
        request.url_for("questions", slug=summit.slug, session_id=request.path_params["session_id"])
    )


async def questions(request: Request) -> Response:
    """The whole page, or for htmx: one of its lists when that is what it reloads (its
    ``HX-Target``; the waiting and hidden questions for moderators only), else the panel the
    session page loads."""
    board = await _board(request)
    session_id = board.session.id
    block = regions.block_of_target(session_id, request.headers.get("hx-target", ""))
    if is_fragment_request(request) and block is not None:
        if block in regions.MODERATORS_BLOCKS and not board.moderating:
            raise HTTPException(status_code=403)
        summit = current_summit(request)
        return await _respond(
            request,
            regions.shared_context(summit, session_id, blocks={block: board.blocks()[block]}),
            blocks=[block],
        )
    return await _respond(request, _context(request, board), blocks=["panel"])


async def ask(request: Request) -> Response:
    summit = current_summit(request)
    principal: Principal = request.state.principal
    session_id: int = request.path_params["session_id"]
    account_id = principal.account_id
    assert account_id is not None  # noqa: S101 - the route is for members
    form = text_fields(await read_form(request), "body", "anonymous")
    anonymous = form["anonymous"] == "1"
    values = {"body": form["body"], "anonymous": anonymous}
    errors: dict[str, str] = {}
    status = QuestionStatus.APPROVED
    if not await request.app.state.rate_limiter.hit(
        QUESTIONS_PER_ACCOUNT, "question", str(account_id)
    ):
        errors["body"] = _("You are asking quickly: wait a minute, then ask again.")
    else:
        moment = now(request)

        def run(db: Session) -> QuestionStatus:
            question, events = services.ask(
                db,
                summit=summit,
                session_id=session_id,
                account_id=account_id,
                body=form["body"],
                language=viewer(request).language,
                anonymous=anonymous,
            )
            record(db, events, at=moment)
            return QuestionStatus(question.status)

        try:
            status = await database(request).run_write(run)
        except NotFound as missing:
            raise HTTPException(status_code=404) from missing
        except DomainError as failure:
            errors[failure.field or "body"] = translate_error(failure.template, failure.params)
    board = await _board(request)
    if errors:
        context = _context(request, board, errors=errors, values=values)
        return await _respond(request, context, blocks=["ask"], status_code=422)
    await request.app.state.broker.announce()
    if not is_htmx(request):
        return RedirectResponse(_page_url(request), status_code=303)
    waiting = status == QuestionStatus.PENDING
    notice = (
        _("Thank you: your question waits for a moderator's approval.")
        if waiting
        else _("Thank you: your question is in the list.")
    )
    # Their own new question: its vote button is not offered to them (``my_votes`` says so).
    blocks = ["ask", "my_votes", regions.LIST_BLOCK]
    if board.moderating:
        blocks.append(regions.PENDING_BLOCK)
    return await _respond(request, _context(request, board, notice=notice, oob=True), blocks=blocks)


async def _change(request: Request, change: Any) -> None:
    """Run ``change(db)`` (which returns events), record its events, and announce them."""
    moment = now(request)

    def run(db: Session) -> None:
        record(db, change(db), at=moment)

    try:
        await database(request).run_write(run)
    except services.NotAllowed as refused:
        raise HTTPException(status_code=403) from refused
    except NotFound as missing:
        raise HTTPException(status_code=404) from missing
    except DomainError as failure:
        raise HTTPException(
            status_code=422, detail=translate_error(failure.template, failure.params)
        ) from failure
    await request.app.state.broker.announce()


async def _after_change(request: Request, blocks: list[str]) -> Response:
    """Back to the page without JavaScript; for htmx, the changed blocks as out-of-band swaps."""
    if not is_htmx(request):
        return RedirectResponse(_page_url(request), status_code=303)
    board = await _board(request)
    if not board.moderating:
        blocks = [block for block in blocks if block not in regions.MODERATORS_BLOCKS]
    return await _respond(request, _context(request, board, oob=True), blocks=blocks)


async def vote(request: Request) -> Response:
    """Vote for a question (``vote=1``) or take the vote back (``vote=0``)."""
    summit = current_summit(request)
    principal: Principal = request.state.principal
    account_id = principal.account_id
    assert account_id is not None  # noqa: S101 - the route is for members
    session_id: int = request.path_params["session_id"]
    question_id: int = request.path_params["question_id"]
    wanted = text_fields(await read_form(request), "vote")["vote"] != "0"
    if not await request.app.state.rate_limiter.hit(VOTES_PER_ACCOUNT, "vote", str(account_id)):
        raise HTTPException(status_code=429)
    await _change(
        request,
        lambda db: services.vote(
            db,
            summit=summit,
            session_id=session_id,
            question_id=question_id,
            account_id=account_id,
            up=wanted,
        ),
    )
    return await _after_change(request, ["my_votes", regions.LIST_BLOCK])


async def moderate(request: Request) -> Response:
    """Approve, hide, unhide, pin, unpin, mark answered or unanswered (``action``)."""
    summit = current_summit(request)
    principal: Principal = request.state.principal
    session_id: int = request.path_params["session_id"]
    question_id: int = request.path_params["question_id"]
    action = text_fields(await read_form(request), "action")["action"]
    if action not in {choice.value for choice in services.Moderation}:
        raise HTTPException(status_code=422, detail=_("Choose what to do with the question."))
    await _change(
        request,
        lambda db: services.moderate(
            db,
            summit=summit,
            principal=principal,
            session_id=session_id,
            question_id=question_id,
            action=services.Moderation(action),
            client_ip=request.client.host if request.client else None,
        ),
    )
    return await _after_change(
        request,
        [
            regions.LIST_BLOCK,
            regions.ANSWERED_BLOCK,
            regions.PENDING_BLOCK,
            regions.HIDDEN_BLOCK,
        ],
    )


async def premoderation(request: Request) -> Response:
    """Make new questions wait for approval (``on=1``), or not (``on=0``)."""
    summit = current_summit(request)
    principal: Principal = request.state.principal
    session_id: int = request.path_params["session_id"]
    wanted = text_fields(await read_form(request), "on")["on"] == "1"

    def run(db: Session) -> None:
        services.set_premoderation(
            db,
            summit=summit,
            principal=principal,
            session_id=session_id,
            on=wanted,
            client_ip=request.client.host if request.client else None,
        )

    try:
        await database(request).run_write(run)
    except services.NotAllowed as refused:
        raise HTTPException(status_code=403) from refused
    except NotFound as missing:
        raise HTTPException(status_code=404) from missing
    if not is_htmx(request):
        return RedirectResponse(_page_url(request), status_code=303)
    board = await _board(request)
    return await _respond(request, _context(request, board), blocks=["moderation"])


BASE = "/{slug:str}/sessions/{session_id:int}/questions"
routes = [
    page(BASE, questions, access=Access.PUBLIC, name="questions"),
    page(BASE, ask, access=Access.MEMBER, methods=["POST"], name="question_ask"),
    page(
        BASE + "/{question_id:int}/vote",
        vote,
        access=Access.MEMBER,
        methods=["POST"],
        name="question_vote",
    ),
    page(
        BASE + "/{question_id:int}/moderate",
        moderate,
        access=Access.MEMBER,
        methods=["POST"],
        name="question_moderate",
    ),
    page(
        BASE + "/premoderation",
        premoderation,
        access=Access.MEMBER,
        methods=["POST"],
        name="questions_premoderation",
    ),
]
