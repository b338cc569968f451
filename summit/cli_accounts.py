"""The ``summit`` commands that manage accounts: create-user, disable-user and token."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from pydantic import ValidationError
from sqlmodel import select

from summit.agenda.queries import summit_by_slug
from summit.auth.api_tokens import ApiScope, issue_api_token
from summit.auth.forms import AccountInput, RoleInput
from summit.auth.models import Account
from summit.auth.permissions import is_organiser
from summit.auth.services import disable_account, grant_role, upsert_account
from summit.columns import utcnow
from summit.errors import DomainError
from summit.preflight import open_database
from summit.settings import Settings
from summit.web.session import load_principal


def create_user(settings: Settings, args: argparse.Namespace) -> int:
    if args.password_env:
        password = os.environ.get(args.password_env, "")
    else:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password again: "):
            print("summit: the passwords differ", file=sys.stderr)
            return 2
    try:
        account_data = AccountInput(email=args.email, display_name=args.name, password=password)
    except ValidationError as error:
        print(f"summit: {error}", file=sys.stderr)
        return 2
    database = open_database(settings)
    try:
        with database.write() as db:
            summit = summit_by_slug(db, args.summit)
            if summit is None:
                print(f"summit: no summit {args.summit!r}", file=sys.stderr)
                return 2
            account = upsert_account(db, data=account_data)
            grant_role(db, summit=summit, account=account, data=RoleInput(role=args.role))
    except DomainError as error:
        print(f"summit: {error.message}", file=sys.stderr)
        return 2
    finally:
        database.dispose()
    print(f"summit: {account_data.email} is {args.role} of {args.summit}")
    return 0


def disable_user(settings: Settings, args: argparse.Namespace) -> int:
    database = open_database(settings)
    try:
        with database.write() as db:
            account = db.exec(select(Account).where(Account.email == args.email.lower())).first()
            if account is None:
                print(f"summit: no account {args.email!r}", file=sys.stderr)
                return 2
            disable_account(db, account=account)
    finally:
        database.dispose()
    # Running servers notice within seconds and close the account's open sockets.
    print(f"summit: {args.email} is disabled and signed out everywhere")
    return 0


def create_token(settings: Settings, args: argparse.Namespace) -> int:
    database = open_database(settings)
    try:
        with database.write() as db:
            summit = summit_by_slug(db, args.summit)
            if summit is None or summit.id is None:
                print(f"summit: no summit {args.summit!r}", file=sys.stderr)
                return 2
            account = db.exec(select(Account).where(Account.email == args.email.lower())).first()
            if account is None or account.id is None:
                print(f"summit: no account {args.email!r}", file=sys.stderr)
                return 2
            principal = load_principal(db, (account.id, account.session_version))
            if not is_organiser(principal, summit.id):
                print(
                    f"summit: {args.email} is not an active organiser of {args.summit}",
                    file=sys.stderr,
                )
                return 2
            issued = issue_api_token(
                db,
                summit=summit,
                account=account,
                name=args.name,
                scopes=[ApiScope(scope) for scope in args.scope],
                now=utcnow(),
                days=args.days,
            )
    except DomainError as error:
        print(f"summit: {error.message}", file=sys.stderr)
        return 2
    finally:
        database.dispose()
    print(issued.token)
    print(
        f"summit: token {issued.row.id} for {args.email} in {args.summit} "
        f"({', '.join(issued.row.scopes)}), valid until {issued.row.expires_at:%Y-%m-%d %H:%M} UTC;"
        " it is shown only this once",
        file=sys.stderr,
    )
    return 0
