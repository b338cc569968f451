"""The application factory: ``create_app(settings)`` builds a Starlette app; nothing at import."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import structlog
from anyio import CapacityLimiter, to_thread
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette_compress import CompressMiddleware

from summit import ops
from summit.agenda import (
    agenda_routes,
    editor_routes,
    export_routes,
    publish_routes,
    session_form_routes,
)
from summit.agenda import manage_routes as agenda_manage_routes
from summit.agenda import routes as programme_routes
from summit.agenda.grid import grid_stylesheet
from summit.api import routes as api_routes
from summit.api.declare import PREFIX as API_PREFIX
from summit.api.declare import error_response
from summit.auth import organiser_routes, preferences_routes, token_routes
from summit.auth import routes as auth_routes
from summit.awards import (
    call_routes,
    decision_routes,
    judging_routes,
    juror_routes,
    results_routes,
    submit_routes,
)
from summit.bodies import manage_routes as bodies_manage_routes
from summit.bodies import routes as bodies_routes
from summit.clock import app_clock
from summit.db import Database, create_db_engine
from summit.elections import manage_routes as elections_manage_routes
from summit.elections import routes as elections_routes
from summit.live import routes as live_routes
from summit.live.broker import create_broker
from summit.live.dispatch import Dispatcher
from summit.live.frames import SocketProtocolMiddleware
from summit.live.hub import MemoryHub
from summit.live.presence import Presence
from summit.live.sessions import SessionWatch
from summit.logs import RequestLogMiddleware, configure_logging, redacted_path
from summit.mail import preference_routes as mail_preference_routes
from summit.mail import routes as mail_routes
from summit.mail.schedule import DEFAULT_MAIL_BASE_URL, MailSchedule
from summit.mail.sender import MailSender, SenderSettings
from summit.mail.transports import Mailer, create_mailer
from summit.paths import data_dir
from summit.people import manage_routes as people_manage_routes
from summit.people import portal_routes
from summit.people import routes as people_routes
from summit.polls import routes as poll_routes
from summit.practices import moderate_routes as practice_moderate_routes
from summit.practices import routes as practice_routes
from summit.practices import submit_routes as practice_submit_routes
from summit.preflight import ConfigurationError, refuse_demo_accounts
from summit.qa import present_routes
from summit.qa import routes as qa_routes
from summit.settings import Settings
from summit.web import design_routes
from summit.web.access import SOCKET_READS, error_page
from summit.web.addresses import ProxyHeadersMiddleware
from summit.web.body import BodyLimitMiddleware
from summit.web.cache import ProgrammeCache
from summit.web.encoded import COMPRESS_FROM_BYTES
from summit.web.error_pages import render_error
from summit.web.headers import SecurityHeadersMiddleware
from summit.web.ratelimit import RateLimiter, SocketQuota
from summit.web.session import SessionCodec
from summit.web.socket_layers import HttpOnly, SocketChecks
from summit.web.summit_ids import SummitIds
from summit.web.templates import create_templates
from summit.web.viewer import ViewerMiddleware

log = structlog.get_logger("summit")

UPLOAD_PATHS = re.compile(
    "|".join(
        routes.UPLOAD_PATHS.pattern
        for routes in (submit_routes, portal_routes, practice_submit_routes)
    )
)
"""The routes that take files (an award's entry, a speaker's photo and slides, a good
practice): a larger body limit."""


def create_app(
    settings: Settings | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    mailer: Mailer | None = None,
) -> Starlette:
    """Build the app. ``clock`` decides what "now" is (by default the settings' clock: the
    real one, or a demo's); ``mailer`` where mail goes (the log by default)."""
    settings = settings or Settings()
    clock = clock or app_clock(settings)
    configure_logging(log_format=settings.log_format, level=settings.log_level)
    create_broker(settings.broker_url)  # refuse an unusable broker before serving anything

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        database = Database(create_db_engine(settings))
        if settings.environment == "production":
            # ``summit serve`` checks first; this stops any other way of serving too.
            try:
                await to_thread.run_sync(refuse_demo_accounts, database)
            except ConfigurationError:
                database.dispose()
                raise
        hub = MemoryHub()
        await hub.start()
        app.state.db = database
        app.state.socket_reads = CapacityLimiter(SOCKET_READS)
        app.state.hub = hub
        app.state.rate_limiter = RateLimiter(settings.rate_limit_url)
        watch = SessionWatch(database=database, hub=hub)
        app.state.session_watch = watch
        watcher = asyncio.create_task(watch.run(), name="session-watch")
        dispatcher = Dispatcher(
            app=app, database=database, hub=hub, cache=app.state.programme_cache, clock=clock
        )
        await dispatcher.start()
        app.state.dispatcher = dispatcher
        broker = create_broker(settings.broker_url)
        await broker.start(dispatcher.wake)
        app.state.broker = broker
        presence = Presence(
            database=database,
            hub=hub,
            templates=app.state.templates,
            interval=settings.presence_seconds,
            clock=clock,
        )
        app.state.presence = presence
        counting = asyncio.create_task(presence.run(), name="presence")
        # The sender's own small pool: its polls stay out of the pages' connections (and out
        # of the queries a page is measured by), while its writes queue with theirs.
        mail_database = database.sibling(
            create_db_engine(settings.model_copy(update={"db_pool_size": 2}))
        )
        mail_sender = MailSender(
            database=mail_database,
            mailer=app.state.mailer,
            clock=clock,
            settings=SenderSettings(
                poll_seconds=settings.mail_poll_seconds,
                max_attempts=settings.mail_max_attempts,
                retry_after=timedelta(seconds=settings.mail_retry_seconds),
            ),
            schedule=MailSchedule(
                base_url=settings.base_url or settings.served_url or DEFAULT_MAIL_BASE_URL,
                secret_key=settings.secret_key,
            ),
            message_host=urlsplit(settings.base_url or "http://localhost").hostname or "localhost",
        )
        app.state.mail_sender = mail_sender
        sending = asyncio.create_task(mail_sender.run(), name="mail-sender")
        await log.ainfo("started", database=database.engine.url.get_backend_name())
        try:
            yield
        finally:
            watcher.cancel()
            counting.cancel()
            sending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sending
            mail_database.dispose()
            with contextlib.suppress(SQLAlchemyError):
                await presence.stop()
            await broker.stop()
            await dispatcher.stop()
            await app.state.rate_limiter.close()
            await hub.stop()
            database.dispose()

    forwarded = Middleware(ProxyHeadersMiddleware, trusted_proxies=settings.trusted_proxies)
    trusted_hosts = Middleware(TrustedHostMiddleware, allowed_hosts=settings.host_names)
    app = Starlette(
        routes=[
            *ops.routes,
            Mount("/static", StaticFiles(directory=data_dir("static")), name="static"),
            *auth_routes.routes,
            *preferences_routes.routes,
            *organiser_routes.routes,
            *mail_routes.routes,
            *mail_preference_routes.routes,
            *token_routes.routes,
            *editor_routes.routes,
            *session_form_routes.routes,
            *publish_routes.routes,
            *agenda_manage_routes.routes,
            *people_manage_routes.routes,
            *bodies_manage_routes.routes,
            *elections_manage_routes.routes,
            *call_routes.routes,
            *judging_routes.routes,
            *submit_routes.routes,
            *export_routes.routes,
            *programme_routes.routes,
            *agenda_routes.routes,
            *portal_routes.routes,
            *people_routes.routes,
            *bodies_routes.routes,
            *practice_submit_routes.routes,
            *practice_moderate_routes.routes,
            *practice_routes.routes,
            *elections_routes.routes,
            *qa_routes.routes,
            *present_routes.routes,
            *poll_routes.routes,
            *juror_routes.routes,
            *results_routes.routes,
            *decision_routes.routes,
            *live_routes.routes,
            *design_routes.routes,
            *api_routes.routes,
        ],
        middleware=[
            # Outermost: it notes each socket's own server protocol, before anything wraps its
            # send, so that pushed frames can be written to it directly (summit/live/frames.py).
            Middleware(SocketProtocolMiddleware),
            # A socket meets the two middlewares that may refuse it here, to the end of their
            # checks, and then none of them stays on its stack (summit/web/socket_layers.py).
            Middleware(SocketChecks, checks=[forwarded, trusted_hosts]),
            # Next: it must see the peer's own address (see summit/web/addresses.py).
            Middleware(HttpOnly, forwarded),
            Middleware(RequestLogMiddleware),
            # gzip, brotli or zstd, as the client accepts, for HTML, JSON, XML and calendars;
            # never for a response already encoded, or images and fonts (woff2).
            Middleware(HttpOnly, Middleware(CompressMiddleware, minimum_size=COMPRESS_FROM_BYTES)),
            Middleware(
                SecurityHeadersMiddleware,
                https=settings.is_https,
                players=settings.player_policy,
            ),
            Middleware(HttpOnly, trusted_hosts),
            Middleware(
                BodyLimitMiddleware,
                max_bytes=settings.max_request_bytes,
                upload_paths=UPLOAD_PATHS,
                max_upload_bytes=settings.max_upload_bytes,
            ),
            Middleware(
                ViewerMiddleware,
                default_language=settings.default_language,
                default_timezone=settings.default_timezone,
            ),
        ],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.templates = create_templates(players=settings.player_policy, clock=clock)
    app.state.clock = clock
    app.state.programme_cache = ProgrammeCache()
    app.state.summit_ids = SummitIds()
    app.state.socket_quota = SocketQuota(settings.max_sockets_per_client)
    app.state.grid_css = grid_stylesheet()
    app.state.session_codec = SessionCodec(
        secret_key=settings.secret_key,
        max_age_seconds=settings.session_days * 24 * 3600,
        secure=settings.is_https,
    )
    app.state.mailer = mailer or create_mailer(
        settings.mail_url.get_secret_value(),
        sender=settings.mail_from,
        include_body=settings.environment != "production",
    )
    return app


async def _http_error(request: Request, exc: Exception) -> Response:
    status_code = exc.status_code if isinstance(exc, HTTPException) else 500
    if request.url.path.startswith(API_PREFIX + "/"):
        return _api_error(request, status_code)
    # A refused form without a page of its own says why (its message is already translated).
    message = exc.detail if isinstance(exc, HTTPException) and status_code == 422 else None
    return await error_page(request, status_code, message=message)


def _api_error(request: Request, status_code: int) -> Response:
    """The API answers in JSON even where no operation matched (unknown path, wrong method)."""
    headers = {}
    if status_code == 405:
        allowed = sorted(
            method
            for candidate in request.app.routes
            if isinstance(candidate, Route) and candidate.path_regex.match(request.url.path)
            for method in candidate.methods or ()
        )
        headers["allow"] = ", ".join(allowed)
    messages = {404: "Not found.", 405: "Method not allowed."}
    return error_response(status_code, messages.get(status_code, "Refused."), headers=headers)


async def _server_error(request: Request, exc: Exception) -> Response:
    await log.aexception("unhandled error", path=redacted_path(request.scope))
    if request.url.path.startswith(API_PREFIX + "/"):
        return error_response(500, "Server error.")
    return render_error(request, 500)
