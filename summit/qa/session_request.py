"""One request to a session's live panel (its Q&A or its polls): who asks about which session,
and the steps every such route shares: loading the session (404 when it is not this summit's),
writing a change with its events, and answering with the panel's blocks or its whole page."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.agenda import queries as agenda_queries
from summit.agenda.models import Summit
from summit.auth.permissions import Access, Principal, allows
from summit.errors import DomainError, NotFound
from summit.eventlog import record
from summit.events import DomainEvent
from summit.i18n.viewer import translate_error
from summit.qa.queries import QaSession, qa_session
from summit.qa.services import NotAllowed
from summit.web.context import current_summit, database, now
from summit.web.htmx import is_fragment_request, is_htmx

T = TypeVar("T")


@dataclass(frozen=True)
class SessionRequest:
    request: Request
    summit: Summit
    principal: Principal
    session_id: int
    account_id: int | None
    now: datetime

    @classmethod
    def of(cls, request: Request) -> SessionRequest:
        principal: Principal = request.state.principal
        return cls(
            request=request,
            summit=current_summit(request),
            principal=principal,
            session_id=request.path_params["session_id"],
            account_id=principal.account_id,
            now=now(request),
        )

    @property
    def member_id(self) -> int:
        """The asker's account, on routes whose guard let only members in."""
        if self.account_id is None:
            raise HTTPException(status_code=403)
        return self.account_id

    @property
    def takes_part(self) -> bool:
        """Asking, voting and answering polls is for anyone holding a role in the summit."""
        return allows(self.principal, Access.MEMBER, self.summit.id)

    @property
    def client_ip(self) -> str | None:
        return self.request.client.host if self.request.client else None

    async def read(self, load: Callable[[Session, QaSession], T]) -> T:
        """``load`` run with the session, off the event loop; a session that is not this
        summit's answers 404."""

        def run(db: Session) -> T:
            session = qa_session(db, summit_id=self.summit.id or 0, session_id=self.session_id)
            if session is None:
                raise HTTPException(status_code=404)
            return load(db, session)

        return await database(self.request).run_read(run)

    async def write(self, change: Callable[[Session], Iterable[DomainEvent]]) -> None:
        """Run ``change(db)``, record the events it returns, and announce them; a refusal
        answers 403, a missing question or poll 404, a broken rule 422 with its reason."""

        def run(db: Session) -> None:
            record(db, list(change(db)), at=self.now)

        try:
            await database(self.request).run_write(run)
        except NotAllowed as refused:
            raise HTTPException(status_code=403) from refused
        except NotFound as missing:
            raise HTTPException(status_code=404) from missing
        except DomainError as failure:
            raise HTTPException(
                status_code=422, detail=translate_error(failure.template, failure.params)
            ) from failure
        await self.request.app.state.broker.announce()

    def back_to_page(self, route: str) -> RedirectResponse:
        """Without JavaScript, a form comes back to the panel's own page."""
        url = self.request.url_for(route, slug=self.summit.slug, session_id=self.session_id)
        return RedirectResponse(str(url), status_code=303)

    @property
    def wants_page(self) -> bool:
        return not is_htmx(self.request)

    async def respond(
        self,
        template: str,
        context: dict[str, Any],
        *,
        blocks: list[str],
        status_code: int = 200,
    ) -> Response:
        """For htmx, the named blocks one after the other; else the whole page, titled with the
        session's title from the cached programme (no query)."""
        request = self.request
        fragment = is_fragment_request(request)
        if not fragment:
            cache = request.app.state.programme_cache
            programme = await cache.programme(database(request), self.summit)
            card = agenda_queries.session_card(programme, self.session_id)
            context = {**context, "title": card.session.title if card else {}}
        response: Response = request.app.state.templates.TemplateResponse(
            request,
            template,
            context,
            status_code=status_code,
            headers={"vary": "HX-Request, HX-Target, Cookie"},
            **({"block_names": blocks} if fragment else {}),
        )
        return response

    def form_token(self) -> str:
        """The CSRF token written into the whole page's forms (fragments use htmx's header)."""
        return "" if is_fragment_request(self.request) else str(self.request.state.csrf_token)
