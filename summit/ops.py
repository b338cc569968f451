"""Health checks for load balancers and orchestrators."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from summit.auth.permissions import Access
from summit.columns import utcnow
from summit.mail.outbox import backlog
from summit.migrate import current_revision, head_revision
from summit.web.access import page
from summit.web.context import database
from summit.web.ratelimit import RateLimiter


async def healthz(request: Request) -> Response:
    """Alive: the process answers. Says nothing about its dependencies."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready (200) while the server can serve its pages: the database answers and its schema is
    the one this code expects; otherwise 503. A dependency with a fallback that is down makes
    the answer "degraded", still 200 (see docs/configuration.md, "Readiness")."""
    db = database(request)

    def check(session: Session) -> dict[str, object]:
        # Reading the revision is the round trip that shows the database answers.
        current = current_revision(session.connection())
        head = head_revision()
        report: dict[str, object] = {
            "database": "ok",
            "migrations": "head" if current == head else "behind",
            "revision": current,
            "expected": head,
        }
        if current == head:
            waiting = backlog(session, now=utcnow())
            report["mail"] = {
                "pending": waiting.pending,
                "failed": waiting.failed,
                "oldest_pending_seconds": waiting.oldest_pending_seconds,
            }
        return report

    try:
        report = await db.run_read(check)
    except SQLAlchemyError as error:
        return JSONResponse(
            {"status": "unavailable", "database": "unreachable", "error": type(error).__name__},
            status_code=503,
        )
    ready = report["migrations"] == "head"
    state = request.app.state
    # A lost broker still serves (the event table is read every second).
    broker = getattr(state, "broker", None)
    report["broker"] = "degraded" if broker is not None and broker.degraded else "ok"
    # A lost rate-limit store still serves (each process counts in its own memory).
    limiter: RateLimiter | None = getattr(state, "rate_limiter", None)
    report["rate_limit"] = "ok" if limiter is None or await limiter.probe() else "memory"
    degraded = report["broker"] != "ok" or report["rate_limit"] != "ok"
    status = "unavailable" if not ready else "degraded" if degraded else "ok"
    return JSONResponse({"status": status, **report}, status_code=200 if ready else 503)


routes = [
    page("/healthz", healthz, access=Access.PUBLIC, name="healthz"),
    page("/readyz", readyz, access=Access.PUBLIC, name="readyz"),
]
