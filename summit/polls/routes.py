"""A session's polls: the panel the session page loads (or a whole page without JavaScript),
making, opening and closing polls (moderators), voting (members), and a poll's results as CSV.

Every change is written with its events, then announced; open pages of the session get the
re-rendered polls over their socket. Without JavaScript every form posts and comes back to the
polls page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from summit.agenda.exports.sheets import to_csv
from summit.auth.permissions import Access
from summit.errors import NotFound
from summit.i18n.viewer import gettext as _
from summit.parsing import or_none, row_id
from summit.polls import queries, regions, services
from summit.polls.models import PollStatus, ResultsShown
from summit.polls.pace import may_make_poll, may_vote
from summit.qa.queries import QaSession
from summit.qa.services import NotAllowed, may_moderate
from summit.qa.session_request import SessionRequest
from summit.settings import LANGUAGES
from summit.web.access import page
from summit.web.context import database
from summit.web.forms import FieldReader, FieldsRefused, read_form, text_fields, validated
from summit.web.htmx import is_fragment_request


@dataclass
class Board:
    """Everything the panel shows to one viewer."""

    session: QaSession
    polls: list[queries.PollView]
    drafts: list[queries.PollView]
    my_choices: set[int]
    moderating: bool
    can_vote: bool


async def _board(asker: SessionRequest) -> Board:
    account_id = asker.account_id

    def load(db: Session, session: QaSession) -> Board:
        moderating = may_moderate(asker.principal, session)
        return Board(
            session=session,
            polls=queries.shown(db, session_id=session.id),
            drafts=queries.drafts(db, session_id=session.id) if moderating else [],
            my_choices=(
                queries.choices_of(db, session_id=session.id, account_id=account_id)
                if account_id is not None
                else set()
            ),
            moderating=moderating,
            can_vote=asker.takes_part,
        )

    return await asker.read(load)


def _context(asker: SessionRequest, board: Board, **extra: Any) -> dict[str, Any]:
    return {
        "summit": asker.summit,
        "session_id": board.session.id,
        "polls": board.polls,
        "drafts": board.drafts,
        "my_choices": board.my_choices,
        "moderating": board.moderating,
        "can_vote": board.can_vote,
        "form_token": asker.form_token(),
        "oob": False,
        "notice": "",
        "errors": {},
        "values": {},
        "max_options": services.MAX_OPTIONS,
        **extra,
    }


async def polls(request: Request) -> Response:
    """The whole page; for htmx the shared block when that is what it reloads (its
    ``HX-Target``), else the panel the session page loads."""
    asker = SessionRequest.of(request)
    board = await _board(asker)
    session_id = board.session.id
    if is_fragment_request(request) and request.headers.get("hx-target") == regions.list_id(
        session_id
    ):
        shared = regions.shared_context(asker.summit, session_id, polls=board.polls)
        return await asker.respond(regions.TEMPLATE, shared, blocks=[regions.BLOCK])
    return await asker.respond(regions.TEMPLATE, _context(asker, board), blocks=["panel"])


async def _after(asker: SessionRequest, blocks: list[str], **extra: Any) -> Response:
    """Back to the page without JavaScript; for htmx, the changed blocks as out-of-band swaps."""
    if asker.wants_page:
        return asker.back_to_page("polls")
    board = await _board(asker)
    if not board.moderating:
        blocks = [block for block in blocks if block != "drafts"]
    context = _context(asker, board, oob=True, **extra)
    return await asker.respond(regions.TEMPLATE, context, blocks=blocks)


async def create(request: Request) -> Response:
    """Make a poll (moderators): a question and 2 to 8 options, each in up to three languages."""
    asker = SessionRequest.of(request)
    account_id = asker.member_id
    if not (await _board(asker)).moderating:
        raise HTTPException(status_code=403)
    names = [f"question_{language}" for language in LANGUAGES] + [
        f"option_{slot}_{language}"
        for slot in range(services.MAX_OPTIONS)
        for language in LANGUAGES
    ]
    form = text_fields(await read_form(request), *names, "multiple", "hide_results")
    errors: dict[str, str] = {}
    if not await may_make_poll(request.app.state.rate_limiter, account_id):
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
                    summit=asker.summit,
                    principal=asker.principal,
                    session_id=asker.session_id,
                    data=data,
                    client_ip=asker.client_ip,
                )
            )
        except NotAllowed as refused:
            raise HTTPException(status_code=403) from refused
        except NotFound as missing:
            raise HTTPException(status_code=404) from missing
    board = await _board(asker)
    if errors:
        context = _context(asker, board, errors=errors, values=form)
        return await asker.respond(regions.TEMPLATE, context, blocks=["create"], status_code=422)
    if asker.wants_page:
        return asker.back_to_page("polls")
    context = _context(asker, board, oob=True)
    return await asker.respond(regions.TEMPLATE, context, blocks=["create", "drafts"])


async def set_state(request: Request) -> Response:
    """Open a poll (``status=open``) or close it (``status=closed``): moderators."""
    asker = SessionRequest.of(request)
    wanted = text_fields(await read_form(request), "status")["status"]
    if wanted not in {PollStatus.OPEN, PollStatus.CLOSED}:
        raise HTTPException(status_code=422, detail=_("A poll opens or closes."))
    await asker.write(
        lambda db: services.set_state(
            db,
            summit=asker.summit,
            principal=asker.principal,
            session_id=asker.session_id,
            poll_id=request.path_params["poll_id"],
            status=PollStatus(wanted),
            now=asker.now,
            client_ip=asker.client_ip,
        ),
    )
    return await _after(asker, [regions.BLOCK, "drafts"])


async def vote(request: Request) -> Response:
    """The account's choice (``option``, once or several times); none takes the vote back."""
    asker = SessionRequest.of(request)
    account_id = asker.member_id
    raw = await read_form(request)
    chosen = [value for value in raw.getlist("option") if isinstance(value, str)]
    option_ids = [or_none(row_id, value, field="option") for value in chosen[:20]]
    if None in option_ids:
        raise HTTPException(status_code=422, detail=_("Choose among the poll's options."))
    if not await may_vote(request.app.state.rate_limiter, account_id):
        raise HTTPException(status_code=429)
    await asker.write(
        lambda db: services.vote(
            db,
            summit=asker.summit,
            session_id=asker.session_id,
            poll_id=request.path_params["poll_id"],
            account_id=account_id,
            option_ids=[option for option in option_ids if option is not None],
        ),
    )
    return await _after(asker, ["my_choices", regions.BLOCK])


async def results_csv(request: Request) -> Response:
    """A poll's results for a spreadsheet (moderators), once they show: live, or closed."""
    asker = SessionRequest.of(request)
    poll_id: int = request.path_params["poll_id"]

    def load(db: Session, session: QaSession) -> queries.PollView | None:
        if not may_moderate(asker.principal, session):
            raise HTTPException(status_code=403)
        try:
            services.poll_of(db, session_id=session.id, poll_id=poll_id)
        except NotFound as missing:
            raise HTTPException(status_code=404) from missing
        found = [view for view in queries.shown(db, session_id=session.id) if view.id == poll_id]
        return found[0] if found and found[0].voters is not None else None

    view = await asker.read(load)
    if view is None:
        raise HTTPException(status_code=409, detail=_("The results show when the poll closes."))
    name = f"{asker.summit.slug}-poll-{poll_id}.csv"
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
        headers={"content-disposition": f'attachment; filename="{name}"'},
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
