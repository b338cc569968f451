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
from starlette.responses import Response

from summit.auth.permissions import Access
from summit.errors import DomainError, NotFound
from summit.eventlog import record
from summit.events import DomainEvent
from summit.i18n.viewer import gettext as _
from summit.i18n.viewer import translate_error
from summit.qa import queries, regions, services
from summit.qa.models import QuestionStatus
from summit.qa.session_request import SessionRequest
from summit.web.access import page
from summit.web.context import database, viewer
from summit.web.forms import read_form, text_fields
from summit.web.htmx import is_fragment_request

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


async def _board(asker: SessionRequest) -> Board:
    account_id = asker.account_id

    def load(db: Session, session: queries.QaSession) -> Board:
        session_id = session.id
        moderating = services.may_moderate(asker.principal, session)
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
            can_ask=asker.takes_part,
        )

    return await asker.read(load)


def _context(asker: SessionRequest, board: Board, **extra: Any) -> dict[str, Any]:
    return {
        "summit": asker.summit,
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
        "form_token": asker.form_token(),
        "oob": False,
        "notice": "",
        "errors": {},
        "values": {"body": "", "anonymous": False},
        **extra,
    }


async def questions(request: Request) -> Response:
    """The whole page, or for htmx: one of its lists when that is what it reloads (its
    ``HX-Target``; the waiting and hidden questions for moderators only), else the panel the
    session page loads."""
    asker = SessionRequest.of(request)
    board = await _board(asker)
    session_id = board.session.id
    block = regions.block_of_target(session_id, request.headers.get("hx-target", ""))
    if is_fragment_request(request) and block is not None:
        if block in regions.MODERATORS_BLOCKS and not board.moderating:
            raise HTTPException(status_code=403)
        shared = regions.shared_context(
            asker.summit, session_id, blocks={block: board.blocks()[block]}
        )
        return await asker.respond(regions.TEMPLATE, shared, blocks=[block])
    return await asker.respond(regions.TEMPLATE, _context(asker, board), blocks=["panel"])


async def ask(request: Request) -> Response:
    asker = SessionRequest.of(request)
    account_id = asker.member_id
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

        def run(db: Session) -> QuestionStatus:
            question, events = services.ask(
                db,
                summit=asker.summit,
                session_id=asker.session_id,
                account_id=account_id,
                body=form["body"],
                language=viewer(request).language,
                anonymous=anonymous,
            )
            record(db, events, at=asker.now)
            return QuestionStatus(question.status)

        try:
            status = await database(request).run_write(run)
        except NotFound as missing:
            raise HTTPException(status_code=404) from missing
        except DomainError as failure:
            errors[failure.field or "body"] = translate_error(failure.template, failure.params)
    board = await _board(asker)
    if errors:
        context = _context(asker, board, errors=errors, values=values)
        return await asker.respond(regions.TEMPLATE, context, blocks=["ask"], status_code=422)
    await request.app.state.broker.announce()
    if asker.wants_page:
        return asker.back_to_page("questions")
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
    context = _context(asker, board, notice=notice, oob=True)
    return await asker.respond(regions.TEMPLATE, context, blocks=blocks)


async def _after_change(asker: SessionRequest, blocks: list[str]) -> Response:
    """Back to the page without JavaScript; for htmx, the changed blocks as out-of-band swaps."""
    if asker.wants_page:
        return asker.back_to_page("questions")
    board = await _board(asker)
    if not board.moderating:
        blocks = [block for block in blocks if block not in regions.MODERATORS_BLOCKS]
    context = _context(asker, board, oob=True)
    return await asker.respond(regions.TEMPLATE, context, blocks=blocks)


async def vote(request: Request) -> Response:
    """Vote for a question (``vote=1``) or take the vote back (``vote=0``)."""
    asker = SessionRequest.of(request)
    account_id = asker.member_id
    question_id: int = request.path_params["question_id"]
    wanted = text_fields(await read_form(request), "vote")["vote"] != "0"
    if not await request.app.state.rate_limiter.hit(VOTES_PER_ACCOUNT, "vote", str(account_id)):
        raise HTTPException(status_code=429)
    await asker.write(
        lambda db: services.vote(
            db,
            summit=asker.summit,
            session_id=asker.session_id,
            question_id=question_id,
            account_id=account_id,
            up=wanted,
        ),
    )
    return await _after_change(asker, ["my_votes", regions.LIST_BLOCK])


async def moderate(request: Request) -> Response:
    """Approve, hide, unhide, pin, unpin, mark answered or unanswered (``action``)."""
    asker = SessionRequest.of(request)
    question_id: int = request.path_params["question_id"]
    action = text_fields(await read_form(request), "action")["action"]
    if action not in {choice.value for choice in services.Moderation}:
        raise HTTPException(status_code=422, detail=_("Choose what to do with the question."))
    await asker.write(
        lambda db: services.moderate(
            db,
            summit=asker.summit,
            principal=asker.principal,
            session_id=asker.session_id,
            question_id=question_id,
            action=services.Moderation(action),
            client_ip=asker.client_ip,
        ),
    )
    return await _after_change(
        asker,
        [
            regions.LIST_BLOCK,
            regions.ANSWERED_BLOCK,
            regions.PENDING_BLOCK,
            regions.HIDDEN_BLOCK,
        ],
    )


async def premoderation(request: Request) -> Response:
    """Make new questions wait for approval (``on=1``), or not (``on=0``)."""
    asker = SessionRequest.of(request)
    wanted = text_fields(await read_form(request), "on")["on"] == "1"

    def run(db: Session) -> list[DomainEvent]:
        services.set_premoderation(
            db,
            summit=asker.summit,
            principal=asker.principal,
            session_id=asker.session_id,
            on=wanted,
            client_ip=asker.client_ip,
        )
        return []

    await asker.write(run)
    if asker.wants_page:
        return asker.back_to_page("questions")
    board = await _board(asker)
    context = _context(asker, board)
    return await asker.respond(regions.TEMPLATE, context, blocks=["moderation"])


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
