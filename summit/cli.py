"""The ``summit`` command: serve, migrate, reindex, seed, create-user, token, demo."""

from __future__ import annotations

import argparse
import gc
import ipaddress
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from summit import cli_accounts
from summit.agenda import search_index
from summit.auth.api_tokens import DEFAULT_DAYS, ApiScope
from summit.auth.models import Role
from summit.columns import utcnow
from summit.live.routes import MAX_INCOMING_BYTES
from summit.mail.transports import parse_mail_url
from summit.migrate import upgrade
from summit.preflight import (
    DEMO_FOLDER,
    ConfigurationError,
    check_serving,
    demo_folder,
    open_database,
    read_settings,
)
from summit.seedfiles import SeedError
from summit.seeding import DEMO_PASSWORD, SeedReport, demo_moment, load_summit
from summit.settings import Settings

# How uvicorn serves pages and live sockets; bench/reference_server.py uses the same, so that the
# fan-out benchmark compares like with like.
UVICORN_OPTIONS: dict[str, Any] = {
    # The C event loop and HTTP parser (uvicorn[standard]), named so that a missing one fails
    # at start instead of quietly serving on the slower pure-Python ones.
    "loop": "uvloop",
    "http": "httptools",
    "ws": "websockets-sansio",
    # Measured: permessage-deflate nearly doubles the work per socket for each pushed message
    # and the memory per idle socket (its compression state); pushed HTML is small.
    "ws_per_message_deflate": False,
    # A page sends at most MAX_INCOMING_BYTES a message: a larger frame is refused as soon as
    # its header says so, before it is read (uvicorn's default would buffer 16 MiB of it).
    "ws_max_size": MAX_INCOMING_BYTES,
    "access_log": False,  # the app logs each request itself, with its duration
    # The app reads X-Forwarded-* itself, from SUMMIT_TRUSTED_PROXIES only (with the host,
    # which uvicorn leaves alone); uvicorn doing it first would hide the proxy's address.
    "proxy_headers": False,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = read_settings()
        result: int = args.handler(settings, args)
    except ConfigurationError as error:
        # One line that says what to fix: a traceback would bury it (and could hold secrets).
        print(f"summit: {error}", file=sys.stderr)
        return 2
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="summit", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the app with uvicorn")
    _serve_options(serve)
    serve.set_defaults(handler=_serve)

    migrate = commands.add_parser(
        "migrate",
        help="bring the database schema to the newest version, and rebuild the search index",
    )
    migrate.set_defaults(handler=_migrate)

    reindex = commands.add_parser(
        "reindex", help="rebuild the programme's search index from the published programme"
    )
    reindex.set_defaults(handler=_reindex)

    seed = commands.add_parser("seed", help="load a summit from a folder of TOML files")
    seed.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=None,
        help=f"the folder to load (default: the demo summit, seed/{DEMO_FOLDER})",
    )
    seed.add_argument(
        "--no-demo-accounts", action="store_true", help="skip the demo sign-in accounts"
    )
    seed.set_defaults(handler=_seed)

    create_user = commands.add_parser("create-user", help="create an account with a role")
    create_user.add_argument("--email", required=True)
    create_user.add_argument("--name", required=True, help="the name shown to others")
    create_user.add_argument("--summit", required=True, help="the summit's slug")
    create_user.add_argument("--role", required=True, choices=[role.value for role in Role])
    create_user.add_argument(
        "--password-env",
        metavar="VAR",
        help="read the password from this environment variable instead of asking",
    )
    create_user.set_defaults(handler=cli_accounts.create_user)

    disable = commands.add_parser(
        "disable-user", help="disable an account and end its sessions (open pages included)"
    )
    disable.add_argument("--email", required=True)
    disable.set_defaults(handler=cli_accounts.disable_user)

    token = commands.add_parser("token", help="API tokens")
    token_commands = token.add_subparsers(required=True, metavar="ACTION")
    token_create = token_commands.add_parser(
        "create", help="make an API token for an organiser; it is printed once"
    )
    token_create.add_argument("--email", required=True, help="the organiser's account")
    token_create.add_argument("--summit", required=True, help="the summit's slug")
    token_create.add_argument(
        "--scope",
        required=True,
        action="append",
        choices=[scope.value for scope in ApiScope],
        help="repeat for several scopes",
    )
    token_create.add_argument("--name", default="command line", help="what the token is for")
    token_create.add_argument("--days", type=int, default=DEFAULT_DAYS, help="lifetime in days")
    token_create.set_defaults(handler=cli_accounts.create_token)

    demo = commands.add_parser(
        "demo", help="migrate, load the demo summit and serve it on a clock set inside the summit"
    )
    _serve_options(demo)
    clock = demo.add_mutually_exclusive_group()
    clock.add_argument(
        "--at",
        type=_moment,
        metavar="MOMENT",
        help="start the demo's clock at this moment, e.g. 2021-12-17T15:00+09:00 (without an "
        "offset, in the summit's zone); by default the second day of the summit, mid-morning "
        "in Seoul",
    )
    clock.add_argument(
        "--real-clock",
        action="store_true",
        help="run on the real clock instead (the summit is then long over)",
    )
    demo.set_defaults(handler=_demo)
    return parser


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date and time such as 2021-12-17T15:00+09:00"
        ) from error


def _serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)


def served_url(host: str, port: int) -> str:
    """The address a browser on this machine reaches ``summit serve --host --port`` at."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return f"http://{host}:{port}"  # a name
    if address.is_unspecified:
        return f"http://localhost:{port}"  # 0.0.0.0 or ::, every interface of this machine
    return f"http://[{address}]:{port}" if address.version == 6 else f"http://{address}:{port}"


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    database = open_database(settings)
    try:
        check_serving(settings, database)
    finally:
        database.dispose()
    # Pages take their links' address from each request; mail the schedule writes has no
    # request, so the workers are told where they are served (they read the environment).
    os.environ["SUMMIT_SERVED_URL"] = served_url(args.host, args.port)

    uvicorn.run(
        "summit.cli:served_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        # uvicorn's own lines (two per socket: accepted, closed) follow SUMMIT_LOG_LEVEL too.
        log_level=settings.log_level.lower(),
        **UVICORN_OPTIONS,
    )
    return 0


def served_app() -> Starlette:
    """The app as ``summit serve`` runs it (uvicorn calls this in each worker process)."""
    from summit.app import create_app

    app = create_app()
    # What exists now (modules, templates, mappers: most objects the process will ever have)
    # lives as long as the process. Frozen, it is left out of garbage collections, whose full
    # passes would otherwise walk it again each time; with thousands of open sockets such a
    # pass is what holds up a broadcast (docs/performance.md, "Live fan-out").
    gc.freeze()
    # Young collections less often: each one promotes whatever a request holds at that moment,
    # as if it were long-lived, and enough promotions set off a full pass, which walks every
    # open socket's objects (seconds at 5,000 sockets on a busy 2-core machine).
    gc.set_threshold(10_000, 20, 10)
    return app


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    database = open_database(settings)
    try:
        upgrade(database.engine)
    finally:
        database.dispose()
    print("summit: the database schema is up to date")
    # A migration may have brought a new search index, or changed what it holds.
    return _reindex(settings, args)


def _reindex(settings: Settings, args: argparse.Namespace) -> int:
    database = open_database(settings)
    try:
        with database.write() as db:
            count = search_index.rebuild(db)
    finally:
        database.dispose()
    print(f"summit: the search index holds {count} published sessions")
    return 0


def _seed(settings: Settings, args: argparse.Namespace) -> int:
    demo_accounts = not args.no_demo_accounts
    if demo_accounts and settings.environment == "production":
        print(
            "summit: demo accounts are refused in production; use --no-demo-accounts",
            file=sys.stderr,
        )
        return 2
    folder = args.folder or demo_folder()
    report = _load(settings, folder, demo_accounts=demo_accounts)
    if report is None:
        return 1
    counts = ", ".join(f"{count} {name}" for name, count in report.counts.items())
    print(f"summit: loaded {report.summit_slug}: {counts}")
    return 0


def _load(
    settings: Settings, folder: Path, *, demo_accounts: bool, now: datetime | None = None
) -> SeedReport | None:
    database = open_database(settings)
    try:
        with database.write() as db:
            return load_summit(
                db,
                folder,
                with_demo_accounts=demo_accounts,
                now=now,
                players=settings.player_policy,
            )
    except SeedError as error:
        print(f"summit: the seed was not loaded (nothing changed): {error}", file=sys.stderr)
        return None
    finally:
        database.dispose()


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    if settings.environment == "production":
        print("summit: the demo does not run in production", file=sys.stderr)
        return 2
    folder = demo_folder()
    started = utcnow()
    starts_at: datetime | None = None
    if not args.real_clock:
        try:
            starts_at = demo_moment(folder, given=args.at)
        except SeedError as error:
            print(f"summit: {error}", file=sys.stderr)
            return 1
    _migrate(settings, args)
    # The summit is loaded as it stands at the clock's first moment, so that what is live, and
    # what the award's ceremony has still to reveal, agree with the clock the pages run on.
    report = _load(settings, folder, demo_accounts=True, now=starts_at or started)
    if report is None:
        return 1
    _hand_to_workers(settings, starts_at=starts_at, started=started)
    address = f"{served_url(args.host, args.port)}/{report.summit_slug}/"
    print(f"\nsummit: the demo summit is at {address}")
    if starts_at is None:
        print("summit: it runs on the real clock")
    else:
        print(
            f"summit: its clock starts at {starts_at.isoformat(timespec='minutes')} and runs in "
            "real time (choose another start with --at, or --real-clock)"
        )
    print(f"summit: mail goes to {_mail_destination(settings)} (SUMMIT_MAIL_URL)")
    print(f"summit: demo accounts (password for each: {DEMO_PASSWORD}):")
    for email, roles in report.accounts:
        print(f"  {email:<28} {roles}")
    print()
    return _serve(settings, args)


def _mail_destination(settings: Settings) -> str:
    """Where mail goes, without the password the mail URL may hold."""
    address = parse_mail_url(settings.mail_url.get_secret_value())
    return "the log" if address is None else address.safe


def _hand_to_workers(settings: Settings, *, starts_at: datetime | None, started: datetime) -> None:
    """Every worker process reads its settings from the environment: given the same clock's
    two moments they all tell the same time, and given the same secret each reads the
    cookies the others signed."""
    os.environ.setdefault("SUMMIT_SECRET_KEY", settings.secret_key)
    if starts_at is None:
        os.environ.pop("SUMMIT_DEMO_NOW_AT", None)
        os.environ.pop("SUMMIT_DEMO_STARTED_AT", None)
        return
    os.environ["SUMMIT_DEMO_NOW_AT"] = starts_at.isoformat()
    os.environ["SUMMIT_DEMO_STARTED_AT"] = started.isoformat()


if __name__ == "__main__":
    raise SystemExit(main())
