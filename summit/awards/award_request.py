"""What every page of one award starts from, built once per request: the summit, the award's
slug from the path, who asks and when (as the API's ``ApiCall`` does for its operations).

The award itself is loaded inside each page's own database work, through ``award``, so that a
page reads or changes it in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.agenda.models import Summit
from summit.auth.audit import AuditAction, record
from summit.auth.permissions import Principal
from summit.awards.calls import award_by_slug
from summit.awards.models import Award
from summit.errors import NotFound
from summit.web.context import current_summit, database, now
from summit.web.htmx import is_htmx

LANGUAGES = ("en", "fr", "ar")
T = TypeVar("T")


@dataclass(frozen=True)
class AwardRequest:
    """One request to a page of the award named in the path, once the guard let it through."""

    request: Request
    summit: Summit
    award_slug: str
    account_id: int | None
    now: datetime

    @classmethod
    def of(cls, request: Request) -> AwardRequest:
        principal: Principal = request.state.principal
        return cls(
            request=request,
            summit=current_summit(request),
            award_slug=request.path_params["award_slug"],
            account_id=principal.account_id,
            now=now(request),
        )

    @property
    def signed_in_account(self) -> int:
        """The asker's account, on pages whose guard let only signed-in accounts in."""
        if self.account_id is None:
            raise HTTPException(status_code=403)
        return self.account_id

    def award(self, db: Session) -> Award:
        """The award of this summit named in the path; a missing one answers 404."""
        try:
            return award_by_slug(db, summit=self.summit, slug=self.award_slug)
        except NotFound as missing:
            raise HTTPException(status_code=404) from missing

    async def read(self, load: Callable[[Session, Award], T]) -> T:
        """``load`` run with the award, off the event loop."""
        return await database(self.request).run_read(lambda db: load(db, self.award(db)))

    def audit(
        self, db: Session, action: AuditAction, award: Award, /, *, target: str = "", **detail: Any
    ) -> None:
        """An entry in the audit log: this asker did ``action`` to the award (or ``target``)."""
        record(
            db,
            action=action,
            summit_id=self.summit.id,
            account_id=self.account_id,
            target=target or f"award:{award.slug}",
            **detail,
        )

    def url(self, name: str) -> str:
        """The path of one of this award's pages, by route name."""
        return self.request.url_for(name, slug=self.summit.slug, award_slug=self.award_slug).path

    def go_to(self, name: str, query: str = "") -> Response:
        """After a change: htmx is told where to go, a plain form post is redirected (303)."""
        target = self.url(name) + query
        if is_htmx(self.request):
            return Response(status_code=204, headers={"hx-redirect": target})
        return RedirectResponse(target, status_code=303)


def form_text(form: FormData | dict[str, str], name: str) -> str:
    """A text field of the form; a file where text was expected counts as empty."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


def form_texts(form: FormData | dict[str, str], name: str) -> dict[str, str]:
    """A text given in each language (``name_en``, ``name_fr``, ``name_ar``)."""
    return {code: form_text(form, f"{name}_{code}") for code in LANGUAGES}


def form_values(form: FormData) -> dict[str, str]:
    """The form's text fields, to show a refused form again as it was sent."""
    return {key: value for key, value in form.items() if isinstance(value, str)}
