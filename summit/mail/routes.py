"""The organisers' mail page: what the summit's outbox holds, and sending a message again."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.auth.permissions import Access
from summit.columns import utcnow
from summit.mail.models import OutboxMessage
from summit.mail.outbox import backlog, can_resend, resend
from summit.web.access import page
from summit.web.context import current_summit, database, wake_mail
from summit.web.rendering import render

PAGE_SIZE = 200


async def mail_page(request: Request) -> Response:
    summit = current_summit(request)

    def load(db: Session) -> dict[str, Any]:
        messages = list(
            db.exec(
                select(OutboxMessage)
                .where(OutboxMessage.summit_id == summit.id)
                .order_by(col(OutboxMessage.id).desc())
                .limit(PAGE_SIZE)
            )
        )
        return {
            "rows": [(message, can_resend(message)) for message in messages],
            "backlog": backlog(db, now=utcnow()),
        }

    context = await database(request).run_read(load)
    return render(request, "manage/mail.html", {"summit": summit, **context})


async def resend_message(request: Request) -> Response:
    summit = current_summit(request)
    message_id = request.path_params["message_id"]

    def apply(db: Session) -> None:
        message = db.get(OutboxMessage, message_id)
        # Another summit's message answers exactly like a missing one.
        if message is None or message.summit_id != summit.id:
            raise HTTPException(status_code=404)
        if not resend(db, message=message, now=utcnow()):
            raise HTTPException(status_code=409)

    await database(request).run_write(apply)
    wake_mail(request)
    return RedirectResponse(request.url_for("manage_mail", slug=summit.slug), status_code=303)


routes = [
    page("/{slug:str}/manage/mail", mail_page, access=Access.ORGANISER, name="manage_mail"),
    page(
        "/{slug:str}/manage/mail/{message_id:int}/resend",
        resend_message,
        access=Access.ORGANISER,
        methods=["POST"],
        name="resend_mail",
    ),
]
