"""A session's polls over the API: anyone reads them (counts only once they show), organisers
make, open and close them through the very services the session page uses."""

from __future__ import annotations

from functools import partial
from typing import Literal

from pydantic import Field, StrictBool
from sqlmodel import Session
from starlette.responses import Response

from summit.api.declare import ApiCall, ApiError, Operation, documented, json_out, not_found
from summit.api.fields import RequiredTexts
from summit.api.reads import SUMMIT
from summit.api.rules import ApiInput
from summit.api.schemas import Out, Texts_
from summit.api.writing import write_call
from summit.auth.api_tokens import ApiScope
from summit.eventlog import record
from summit.i18n.viewer import gettext as _
from summit.polls import queries, services
from summit.polls.models import PollStatus, ResultsShown
from summit.polls.pace import may_make_poll
from summit.qa import queries as qa_queries
from summit.qa.services import NotAllowed
from summit.web.context import database, now


class PollOptionOut(Out):
    id: int
    label: Texts_
    votes: int | None
    """Null until the poll's results show (live, or once it closes)."""


class PollOut(Out):
    id: int
    session_id: int
    question: Texts_
    multiple: bool
    results: ResultsShown
    """``live``: counts show as votes come in; ``after_close``: none until the poll closes."""
    status: PollStatus
    options: list[PollOptionOut]
    voters: int | None
    """How many accounts voted; null until the results show."""


class PollIn(ApiInput):
    """A new poll, not open yet: a question and 2 to 8 options, each in up to three
    languages."""

    question: RequiredTexts
    options: list[RequiredTexts] = Field(min_length=2, max_length=services.MAX_OPTIONS)
    multiple: StrictBool = False
    results: ResultsShown = ResultsShown.LIVE


class PollStateIn(ApiInput):
    """Open the poll, or close it (voting ends, hidden results show)."""

    status: Literal["open", "closed"]


def poll_out(view: queries.PollView) -> PollOut:
    return PollOut(
        id=view.id,
        session_id=view.poll.session_id,
        question=view.poll.question,
        multiple=view.poll.multiple,
        results=view.poll.results,
        status=view.poll.status,
        options=[
            PollOptionOut(id=option.id, label=option.label, votes=option.votes)
            for option in view.options
        ],
        voters=view.voters,
    )


def _session(db: Session, call: ApiCall) -> int:
    session_id = call.path_id("session_id")
    found = qa_queries.qa_session(db, summit_id=call.the_summit.id or 0, session_id=session_id)
    if found is None:
        raise not_found()
    return session_id


def _view(db: Session, session_id: int, poll_id: int) -> PollOut:
    found = queries.views_of(db, poll_ids=[poll_id])
    if not found or found[0].poll.session_id != session_id:
        raise not_found()
    return poll_out(found[0])


async def list_polls(call: ApiCall) -> Response:
    def load(db: Session) -> list[PollOut]:
        session_id = _session(db, call)
        return [poll_out(view) for view in queries.shown(db, session_id=session_id)]

    return json_out(await database(call.request).run_read(load))


async def create_poll(call: ApiCall) -> Response:
    """Make a poll in a session

    It opens when an organiser opens it."""
    body = await call.body(PollIn)
    # The session page's limit, on the same account's count: the API is not a way round it.
    if not await may_make_poll(call.request.app.state.rate_limiter, call.principal.account_id or 0):
        raise ApiError(429, _("You are making polls quickly: wait a minute, then try again."))
    data = services.PollInput(
        question=body.question,
        options=body.options,
        multiple=body.multiple,
        results=body.results,
    )

    def run(db: Session) -> PollOut:
        session_id = _session(db, call)
        try:
            poll = services.create_poll(
                db,
                summit=call.the_summit,
                principal=call.principal,
                session_id=session_id,
                data=data,
            )
        except NotAllowed as refused:
            raise not_found() from refused
        return _view(db, session_id, poll.id or 0)

    return await write_call(call, run, status=201)


async def set_poll_state(call: ApiCall) -> Response:
    """Open or close a poll

    Every open page of the session shows it at once."""
    body = await call.body(PollStateIn)
    moment = now(call.request)

    def run(db: Session) -> PollOut:
        session_id = _session(db, call)
        poll_id = call.path_id("poll_id")
        services.poll_of(db, session_id=session_id, poll_id=poll_id)
        events = services.set_state(
            db,
            summit=call.the_summit,
            principal=call.principal,
            session_id=session_id,
            poll_id=poll_id,
            status=PollStatus(body.status),
            now=moment,
        )
        record(db, events, at=moment)
        return _view(db, session_id, poll_id)

    return await write_call(call, run, announce=True)


POLLS = f"{SUMMIT}/sessions/{{session_id:int}}/polls"
_write = partial(
    documented, scope=ApiScope.PROGRAMME_WRITE, tags=("polls (organisers)",), response=PollOut
)
OPERATIONS = [
    Operation(
        "GET",
        POLLS,
        list_polls,
        "A session's open and closed polls, newest first",
        response=PollOut,
        many=True,
        tags=("polls",),
    ),
    _write("POST", POLLS, create_poll, body=PollIn, status=201),
    _write(
        "POST", f"{POLLS}/{{poll_id:int}}/state", set_poll_state, body=PollStateIn, errors=(409,)
    ),
]
