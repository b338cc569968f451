"""Looks up what every summit page needs from the request, answering 404 when it is not there."""

from __future__ import annotations

from datetime import datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request

from summit.agenda.models import Summit
from summit.db import Database
from summit.i18n.viewer import Viewer


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def viewer(request: Request) -> Viewer:
    found: Viewer = request.state.viewer
    return found


def now(request: Request) -> datetime:
    """The clock the app runs on; tests and demos may set a fixed one."""
    clock = request.app.state.clock
    moment: datetime = clock()
    return moment


def current_summit(request: Request) -> Summit:
    """The summit named in the path, loaded by the route's guard (see ``web.access``)."""
    summit: Summit | None = getattr(request.state, "summit", None)
    if summit is None:
        raise HTTPException(status_code=404)
    return summit


def wake_mail(request: Request) -> None:
    """Tell this process's mail sender that the request's transaction queued mail, so that it
    goes now rather than at the next poll. The request does not wait for it."""
    sender = getattr(request.app.state, "mail_sender", None)
    if sender is not None:
        sender.wake()
