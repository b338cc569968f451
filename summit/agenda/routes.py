"""Public pages of the programme: the summit index, a summit's home, the programme list."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from summit.agenda import queries
from summit.web.context import database, now, require_summit, viewer
from summit.web.rendering import render


async def summit_index(request: Request) -> Response:
    found = await database(request).run_read(queries.summits)
    if len(found) == 1:
        return RedirectResponse(request.url_for("summit_home", slug=found[0].slug), 302)
    return render(request, "summits/index.html", {"summits": found})


async def summit_home(request: Request) -> Response:
    slug = request.path_params["slug"]
    moment = now(request)

    def load(db: Session) -> queries.HomeView:
        return queries.home_view(db, summit=require_summit(db, slug), now=moment)

    view = await database(request).run_read(load)
    return render(request, "summits/home.html", {"view": view, "summit": view.summit}, block="live")


async def programme(request: Request) -> Response:
    slug = request.path_params["slug"]
    zone = viewer(request).zone

    def load(db: Session) -> tuple[object, object]:
        summit = require_summit(db, slug)
        return summit, queries.programme_by_day(db, summit=summit, zone=zone)

    summit, days = await database(request).run_read(load)
    return render(request, "agenda/programme.html", {"summit": summit, "days": days})


async def themes_css(request: Request) -> Response:
    """The themes' colours as CSS custom properties: the CSP forbids inline styles."""
    slug = request.path_params["slug"]

    def load(db: Session) -> list[tuple[str, str]]:
        summit = require_summit(db, slug)
        return [(track.slug, track.color) for track in queries.tracks(db, summit=summit)]

    # Slugs and colours are validated on input (a slug pattern, a #rrggbb colour).
    rules = "".join(
        f".theme-{track_slug}{{--theme-color:{color}}}\n"
        for track_slug, color in await database(request).run_read(load)
    )
    return Response(rules, media_type="text/css", headers={"cache-control": "public, max-age=300"})


routes = [
    Route("/", summit_index, name="summit_index"),
    Route("/{slug:str}/", summit_home, name="summit_home"),
    Route("/{slug:str}/programme", programme, name="programme"),
    Route("/{slug:str}/themes.css", themes_css, name="summit_themes_css"),
]
