"""Public reads of a network's good-practice library: only published practices, filtered and
searched as the catalogue page is (``summit.practices.queries``)."""

from __future__ import annotations

from sqlmodel import Session
from starlette.responses import Response

from summit.api.declare import ApiCall, Operation, QueryParam, json_out, not_found
from summit.api.reads import SUMMIT
from summit.api.schemas import PracticeFileOut, PracticeOut
from summit.bodies import queries as bodies_queries
from summit.bodies.models import Body, BodyKind
from summit.practices import queries
from summit.practices.models import PracticeStatus
from summit.web.addresses import base_url
from summit.web.context import database

_TEXT = {"type": "string", "maxLength": 200}
BODY = f"{SUMMIT}/bodies/{{body_slug:str}}"


def _network(db: Session, call: ApiCall) -> Body:
    slug = str(call.request.path_params["body_slug"])
    body = bodies_queries.body_by_slug(db, summit=call.the_summit, slug=slug)
    if body is None or body.kind != BodyKind.NETWORK:
        raise not_found()
    return body


def _out(call: ApiCall, body: Body, view: queries.PracticeView, published: set[int]) -> PracticeOut:
    practice = view.card.practice
    summit = call.the_summit
    return PracticeOut(
        id=practice.id or 0,
        body_slug=body.slug,
        title=practice.title,
        summary=practice.summary,
        languages=sorted(practice.title),
        country_code=practice.country_code,
        delegation_id=practice.delegation_id,
        theme_slugs=[track.slug for track in view.card.themes],
        links=practice.links,
        files=[
            PracticeFileOut(
                id=row.id or 0,
                name=row.original_name,
                content_type=row.content_type,
                size_bytes=row.size_bytes,
                sha256=row.sha256,
                # SUMMIT_BASE_URL, when set, wins over the address the request came to.
                url=base_url(call.request)
                + call.request.app.url_path_for(
                    "practice_file",
                    slug=summit.slug,
                    body_slug=body.slug,
                    practice_id=practice.id,
                    file_id=row.id,
                ),
            )
            for row in view.files
        ],
        session_ids=sorted(i for i in view.session_ids if i in published),
        published_at=practice.published_at or practice.updated_at,
        updated_at=practice.updated_at,
    )


async def _published_sessions(call: ApiCall) -> set[int]:
    cache = call.request.app.state.programme_cache
    programme = await cache.programme(database(call.request), call.the_summit)
    return {card.session.id for card in programme.cards}


async def list_practices(call: ApiCall) -> Response:
    params = call.request.query_params
    wanted = queries.filters(
        country=params.get("country", ""),
        theme=params.get("theme", ""),
        language=params.get("language", ""),
        query=params.get("q", ""),
    )
    published = await _published_sessions(call)

    def load(db: Session) -> list[PracticeOut]:
        body = _network(db, call)
        cards = queries.chosen(queries.published(db, body=body), wanted)
        return [
            _out(call, body, queries.practice_view(db, practice=card.practice), published)
            for card in cards
        ]

    return json_out(await database(call.request).run_read(load))


async def get_practice(call: ApiCall) -> Response:
    practice_id = call.path_id("practice_id")
    published = await _published_sessions(call)

    def load(db: Session) -> PracticeOut:
        body = _network(db, call)
        practice = queries.practice_of_body(db, body=body, practice_id=practice_id)
        # Under moderation, rejected or sent back: as if it did not exist.
        if practice is None or practice.status != PracticeStatus.PUBLISHED:
            raise not_found()
        return _out(call, body, queries.practice_view(db, practice=practice), published)

    return json_out(await database(call.request).run_read(load))


OPERATIONS = [
    Operation(
        "GET",
        f"{BODY}/practices",
        list_practices,
        "A network's published good practices",
        response=PracticeOut,
        many=True,
        errors=(422,),
        description="Newest first; with `q`, best matches first (a title match before a"
        " summary's). Practices under moderation, sent back or rejected are never listed.",
        query=(
            QueryParam("country", _TEXT, "An ISO 3166-1 alpha-2 country code."),
            QueryParam("theme", _TEXT, "A theme's slug."),
            QueryParam("language", _TEXT, "A language code its title is written in."),
            QueryParam(
                "q",
                _TEXT,
                "Words to find, in any order and any case, with or without accents, in titles"
                " and summaries, in every language (the programme's search rules).",
            ),
        ),
        tags=("bodies",),
    ),
    Operation(
        "GET",
        f"{BODY}/practices/{{practice_id:int}}",
        get_practice,
        "A published good practice",
        response=PracticeOut,
        tags=("bodies",),
    ),
]
