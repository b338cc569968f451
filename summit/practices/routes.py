"""Public pages of a network's library: the catalogue with its filters and search, each
practice's page, its files, and the Atom feed. Only published practices reach the public; a
practice under moderation is shown to its submitter and the coordinators alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from summit.agenda.models import Summit, Track
from summit.agenda.routes import followed_by
from summit.auth.permissions import Access, Principal
from summit.bodies import queries as bodies_queries
from summit.bodies.models import Body, BodyKind
from summit.i18n.formatting import pick
from summit.practices import queries
from summit.practices.access import is_coordinator, is_member
from summit.practices.models import Practice, PracticeFile, PracticeStatus
from summit.practices.services import seats_of, stored_path
from summit.settings import LANGUAGES
from summit.web.access import page
from summit.web.addresses import base_url
from summit.web.context import current_summit, database
from summit.web.downloads import stored_file
from summit.web.labels import country_name
from summit.web.rendering import render


def body_or_404(db: Session, summit: Summit, slug: str) -> Body:
    """The network named in the path: a committee keeps no library."""
    body = bodies_queries.body_by_slug(db, summit=summit, slug=slug)
    if body is None or body.kind != BodyKind.NETWORK:
        raise HTTPException(status_code=404)
    return body


def roles(db: Session, summit: Summit, body: Body, principal: Principal) -> dict[str, bool]:
    seats = seats_of(db, body=body)
    return {
        "is_member": is_member(principal, summit.id or 0, seats),
        "is_coordinator": is_coordinator(principal, summit.id or 0, seats),
    }


def may_see(practice: Practice, principal: Principal, coordinator: bool) -> bool:
    """Published: everyone. Otherwise its submitter and the coordinators, and nobody else."""
    if practice.status == PracticeStatus.PUBLISHED:
        return True
    mine = (
        principal.account_id is not None and practice.submitter_account_id == principal.account_id
    )
    return mine or coordinator


def themes_of(db: Session, summit: Summit) -> list[Track]:
    return list(
        db.exec(
            select(Track)
            .where(Track.summit_id == summit.id)
            .order_by(col(Track.position), col(Track.id))
        )
    )


async def catalogue(request: Request) -> Response:
    summit = current_summit(request)
    principal: Principal = request.state.principal
    slug = request.path_params["body_slug"]
    params = request.query_params
    wanted = queries.filters(
        country=params.get("country", ""),
        theme=params.get("theme", ""),
        language=params.get("language", ""),
        query=params.get("q", ""),
    )

    def load(db: Session) -> dict[str, Any]:
        body = body_or_404(db, summit, slug)
        cards = queries.published(db, body=body)
        return {
            "body": body,
            "all_cards": cards,
            "themes": themes_of(db, summit),
            **roles(db, summit, body, principal),
        }

    loaded = await database(request).run_read(load)
    cards: list[queries.PracticeCard] = loaded.pop("all_cards")
    codes = {card.practice.country_code for card in cards if card.practice.country_code}
    countries = sorted(((code, country_name(code)) for code in codes), key=lambda c: c[1])
    shown = queries.chosen(cards, wanted)
    return render(
        request,
        "practices/catalogue.html",
        {
            "summit": summit,
            **loaded,
            "cards": shown,
            "total": len(cards),
            "filters": wanted,
            "countries": countries,
            "languages": LANGUAGES,
        },
    )


def _visible(
    db: Session, summit: Summit, slug: str, practice_id: int, principal: Principal
) -> tuple[Body, Practice, dict[str, bool]]:
    body = body_or_404(db, summit, slug)
    practice = queries.practice_of_body(db, body=body, practice_id=practice_id)
    flags = roles(db, summit, body, principal)
    if practice is None or not may_see(practice, principal, flags["is_coordinator"]):
        raise HTTPException(status_code=404)
    return body, practice, flags


async def practice_page(request: Request) -> Response:
    summit = current_summit(request)
    principal: Principal = request.state.principal
    slug = request.path_params["body_slug"]
    practice_id = request.path_params["practice_id"]

    def load(db: Session) -> dict[str, Any]:
        body, practice, flags = _visible(db, summit, slug, practice_id, principal)
        return {"body": body, "view": queries.practice_view(db, practice=practice), **flags}

    loaded = await database(request).run_read(load)
    programme = await request.app.state.programme_cache.programme(database(request), summit)
    # Only sessions on the published programme: a linked draft stays unseen.
    linked = set(loaded["view"].session_ids)
    sessions = [card for card in programme.cards if card.session.id in linked]
    practice = loaded["view"].card.practice
    return render(
        request,
        "practices/practice.html",
        {
            "summit": summit,
            **loaded,
            "cards": sessions,
            "followed": await followed_by(request),
            "is_published": practice.status == PracticeStatus.PUBLISHED,
            "is_mine": practice.submitter_account_id is not None
            and practice.submitter_account_id == principal.account_id,
        },
    )


async def download(request: Request) -> Response:
    """Always a download, never shown inline, as the award's files."""
    summit = current_summit(request)
    principal: Principal = request.state.principal
    slug = request.path_params["body_slug"]
    practice_id = request.path_params["practice_id"]
    file_id = request.path_params["file_id"]

    def load(db: Session) -> PracticeFile:
        _body, practice, _flags = _visible(db, summit, slug, practice_id, principal)
        found = db.get(PracticeFile, file_id)
        if found is None or found.practice_id != practice.id:
            raise HTTPException(status_code=404)
        return found

    found = await database(request).run_read(load)
    folder: Path = request.app.state.settings.upload_dir
    return stored_file(
        stored_path(folder / "practices", found),
        media_type=found.content_type,
        filename=found.original_name,
    )


async def feed(request: Request) -> Response:
    """The body's published practices, newest first, as Atom: written by a template, as the
    programme's changes feed is (``agenda/changes.atom``), escaped by the same autoescape."""
    summit = current_summit(request)
    slug = request.path_params["body_slug"]

    def load(db: Session) -> tuple[Body, list[queries.PracticeCard]]:
        body = body_or_404(db, summit, slug)
        return body, queries.published(db, body=body)

    body, cards = await database(request).run_read(load)
    response = render(
        request,
        "practices/feed.atom",
        {
            "summit": summit,
            "body": body,
            "cards": cards,
            "base_url": base_url(request),
            "body_name": pick(body.name, summit.default_language),
            "updated": max((card.practice.updated_at for card in cards), default=body.created_at),
        },
    )
    response.headers["content-type"] = "application/atom+xml; charset=utf-8"
    return response


BASE = "/{slug:str}/bodies/{body_slug:str}/practices"
routes = [
    page(BASE, catalogue, access=Access.PUBLIC, name="practices"),
    page(
        "/{slug:str}/bodies/{body_slug:str}/practices.atom",
        feed,
        access=Access.PUBLIC,
        name="practices_feed",
    ),
    page(f"{BASE}/{{practice_id:int}}", practice_page, access=Access.PUBLIC, name="practice"),
    page(
        f"{BASE}/{{practice_id:int}}/attachments/{{file_id:int}}",
        download,
        access=Access.PUBLIC,
        name="practice_file",
    ),
]
