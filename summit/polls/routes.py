"""A session's polls: the panel the session page loads (or a whole page without JavaScript),
making, opening and closing polls (moderators), voting (members), and a poll's results as CSV.

Every change is written with its events, then announced; open pages of the session get the
re-rendered polls over their socket. Without JavaScript every form posts and comes back to the
polls page.
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
from summit.agenda.exports.sheets import to_csv
from summit.auth.permissions import Access, Principal, allows
from summit.errors import DomainError, NotFound
from summit.eventlog import record
from summit.i18n.viewer import gettext as _
from summit.i18n.viewer import translate_error
from summit.parsing import or_none, row_id
from summit.polls import queries, regions, services
from summit.polls.models import PollStatus, ResultsShown
from summit.qa import queries as qa_queries
from summit.qa.services import NotAllowed, may_moderate
from summit.settings import LANGUAGES
from summit.web.access import page
from summit.web.context import current_summit, database, now
from summit.web.forms import FieldReader, FieldsRefused, read_form, text_fields, validated
from summit.web.htmx import is_fragment_request, is_htmx

VOTES_PER_ACCOUNT = parse("60/minute")
POLLS_PER_ACCOUNT = parse("10/minute")


@dataclass
class Board:
    """Everything the panel shows to one viewer."""

    session: qa_queries.QaSession
    polls: list[queries.PollView]
    drafts: list[queries.PollView]
    my_choices: set[int]
    moderating: bool
    can_vote: bool


async def _board(request: Request) -> Board:
    summit = current_summit(request)
    principal: Principal = request.state.principal
    session_id: int = request.path_params["session_id"]
    account_id = principal.account_id

    def load(db: Session) -> Board | None:
        session = qa_queries.qa_session(db, summit_id=summit.id or 0, session_id=session_id)
        if session is None:
            return None
        moderating = may_moderate(principal, session)
        return Board(
            session=session,
            polls=queries.shown(db, session_id=session_id),
            drafts=queries.drafts(db, session_id=session_id) if moderating else [],
            my_choices=(
                queries.choices_of(db, session_id=session_id, account_id=account_id)
                if account_id is not None
                else set()
            ),
            moderating=moderating,
            can_vote=allows(principal, Access.MEMBER, summit.id),
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
        "polls": board.polls,
        "drafts": board.drafts,
        "my_choices": board.my_choices,
        "moderating": board.moderating,
        "can_vote": board.can_vote,
        "form_token": request.state.csrf_token if whole_page else "",
        "oob": False,
        "notice": "",
        "errors": {},
        "values": {},
        "max_options": services.MAX_OPTIONS,
        **extra,
    }


async def _respond(
    request: Request, context: dict[str, Any], *, blocks: list[str], status_code: int = 200
) -> Response:
    """For htmx, the named blocks one after the other; else the whole page."""
    fragment = is_fragment_request(request)
    if not fragment:
        summit = current_summit(request)
        programme = await request.app.state.programme_cache.programme(database(request), summit)
        card = agenda_queries.session_card(programme, context["session_id"])
        context = {**context, "title": card.session.title if card else {}}
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        regions.TEMPLATE,
        context,
        status_code=status_code,
        headers={"vary": "HX-Request, HX-Target, Cookie"},
        **({"block_names": blocks} if fragment else {}),
    )
    return response


def _page_url(request: Request) -> str:
    summit = current_summit(request)
    session_id = request.path_params["session_id"]
    return str(request.url_for("polls", slug=summit.slug, session_id=session_id))


async def polls(request: Request) -> Response:
    """The whole page; for htmx the shared block when that is what it reloads (its
    ``HX-Target``), else the panel the session page loads."""
    board = await _board(request)
    session_id = board.session.id
    if is_fragment_request(request) and request.headers.get("hx-target") == regions.list_id(
        session_id
    ):
        summit = current_summit(request)
        shared = regions.shared_context(summit, session_id, polls=board.polls)
        return await _respond(request, shared, blocks=[regions.BLOCK])
    return await _respond(request, _context(request, board), blocks=["panel"])


async def _write(request: Request, change: Any) -> None:
    """Run ``change(db)`` (which returns events), record them, and announce them."""
    moment = now(request)

    def run(db: Session) -> None:
        record(db, change(db), at=moment)

    try:
        await database(request).run_write(run)
    except NotAllowed as refused:
        raise HTTPException(status_code=403) from refused
    except NotFound as missing:
        raise HTTPException(status_code=404) from missing
    except DomainError as failure:
        raise HTTPException(
            status_code=422, detail=translate_error(failure.template, failure.params)
        ) from failure
    await request.app.state.broker.announce()


async def _after(request: Request, blocks: list[str], **extra: Any) -> Response:
    if not is_htmx(request):
        return RedirectResponse(_page_url(request), status_code=303)
    board = await _board(request)
    if not board.moderating:
        blocks = [block for block in blocks if block != "drafts"]
    return await _respond(request, _context(request, board, oob=True, **extra), blocks=blocks)


def _client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


async def create(request: Request) -> Response:
    """Make a poll (moderators): a question and 2 to 8 options, each in up to three languages."""
    summit = current_summit(request)
    principal: Principal = request.state.principal
    session_id: int = request.path_params["session_id"]
    account_id = principal.account_id
    assert account_id is not None  # noqa: S101 - the route is for members
    if not (await _board(request)).moderating:
        raise HTTPException(status_code=403)
    names = [f"question_{language}" for language in LANGUAGES] + [
        f"option_{slot}_{language}"
        for slot in range(services.MAX_OPTIONS)
        for language in LANGUAGES
    ]
    form = text_fields(await read_form(request), *names, "multiple", "hide_results")
    errors: dict[str, str] = {}
    if not await request.app.state.rate_limiter.hit(POLLS_PER_ACCOUNT, "poll", str(account_id)):
        errors[""] = _("You are making polls quickly: wait a minute, then try again.")
    values = {
        "question": {language: form[f"question_{language}"] for language in LANGUAGES},
        "options": [
            {language: form[f"option_{slot}_{language}"] for language in LANGUAGES}
            for slot in range(services.MAX_OPTIONS)
        ],
        "multiple": form["multiple"] == "1",
        "results": ResultsShown.AFTER_CLOSE if form["hide_results"] == "1" else ResultsShown.LIVE,
    }
    if not errors:
        try:
            data = validated(services.PollInput, values, FieldReader())
        except FieldsRefused as refused:
            errors = {name: _(message) for name, message in refused.errors.items()}
    if not errors:
        try:
            await database(request).run_write(
                lambda db: services.create_poll(
                    db,
                    summit=summit,
                    principal=principal,
                    session_id=session_id,
                    data=data,
                    client_ip=_client_ip(request),
                )
            )
        except NotAllowed as refused:
            raise HTTPException(status_code=403) from refused
        except NotFound as missing:
            raise HTTPException(status_code=404) from missing
    board = await _board(request)
    if errors:
        context = _context(request, board, errors=errors, values=form)
        return await _respond(request, context, blocks=["create"], status_code=422)
    if not is_htmx(request):
        return RedirectResponse(_page_url(request), status_code=303)
    context = _context(request, board, oob=True)
    return await _respond(request, context, blocks=["create", "drafts"])


async def set_state(request: Request) -> Response:
    """Open a poll (``status=open``) or close it (``status=closed``): moderators."""
    summit = current_summit(request)
    principal: Principal = request.state.principal
    wanted = text_fields(await read_form(request), "status")["status"]
    if wanted not in {PollStatus.OPEN, PollStatus.CLOSED}:
        raise HTTPException(status_code=422, detail=_("A poll opens or closes."))
    moment = now(request)
    await _write(
        request,
        lambda db: services.set_state(
            db,
            summit=summit,
            principal=principal,
            session_id=request.path_params["session_id"],
            poll_id=request.path_params["poll_id"],
            status=PollStatus(wanted),
            now=moment,
            client_ip=_client_ip(request),
        ),
    )
    return await _after(request, [regions.BLOCK, "drafts"])


async def vote(request: Request) -> Response:
    """The account's choice (``option``, once or several times); none takes the vote back."""
    summit = current_summit(request)
    principal: Principal = request.state.principal
    account_id = principal.account_id
    assert account_id is not None  # noqa: S101 - the route is for members
    raw = await read_form(request)
    chosen = [value for value in raw.getlist("option") if isinstance(value, str)]
    option_ids = [or_none(row_id, value, field="option") for value in chosen[:20]]
    if None in option_ids:
        raise HTTPException(status_code=422, detail=_("Choose among the poll's options."))
    if not await request.app.state.rate_limiter.hit(
        VOTES_PER_ACCOUNT, "poll-vote", str(account_id)
    ):
        raise HTTPException(status_code=429)
    await _write(
        request,
        lambda db: services.vote(
            db,
            summit=summit,
            session_id=request.path_params["session_id"],
            poll_id=request.path_params["poll_id"],
            account_id=account_id,
            option_ids=[option for option in option_ids if option is not None],
        ),
    )
    return await _after(request, ["my_choices", regions.BLOCK])


async def results_csv(request: Request) -> Response:
    """A poll's results for a spreadsheet (moderators), once they show: live, or closed."""
    summit = current_summit(request)
    principal: Principal = request.state.principal
    session_id: int = request.path_params["session_id"]
    poll_id: int = request.path_params["poll_id"]

    def load(db: Session) -> queries.PollView:
        session = qa_queries.qa_session(db, summit_id=summit.id or 0, session_id=session_id)
        if session is None:
            raise NotFound("No such session in this summit.")
        if not may_moderate(principal, session):
            raise NotAllowed("Only organisers and the session's moderator may run its polls.")
        services.poll_of(db, session_id=session_id, poll_id=poll_id)
        found = [view for view in queries.shown(db, session_id=session_id) if view.id == poll_id]
        if not found or found[0].voters is None:
            raise DomainError("The results show when the poll closes.")
        return found[0]

    try:
        view = await database(request).run_read(load)
    except NotAllowed as refused:
        raise HTTPException(status_code=403) from refused
    except NotFound as missing:
        raise HTTPException(status_code=404) from missing
    except DomainError as failure:
        raise HTTPException(status_code=409, detail=translate_error(failure.template)) from failure
    header = [*(f"option ({language})" for language in LANGUAGES), "votes", "percent"]
    rows = [
        [
            *(option.label.get(language, "") for language in LANGUAGES),
            option.votes,
            view.share(option.votes),
        ]
        for option in view.options
    ]
    return Response(
        to_csv(header, rows),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{summit.slug}-poll-{poll_id}.csv"'},
    )


BASE = "/{slug:str}/sessions/{session_id:int}/polls"
routes = [
    page(BASE, polls, access=Access.PUBLIC, name="polls"),
    page(BASE, create, access=Access.MEMBER, methods=["POST"], name="poll_create"),
    page(
        BASE + "/{poll_id:int}/state",
        set_state,
        access=Access.MEMBER,
        methods=["POST"],
        name="poll_state",
    ),
    page(
        BASE + "/{poll_id:int}/vote", vote, access=Access.MEMBER, methods=["POST"], name="poll_vote"
    ),
    page(
        BASE + "/{poll_id:int}/results.csv",
        results_csv,
        access=Access.MEMBER,
        name="poll_results_csv",
    ),
]
