"""The draft as organisers see it over the API: its sessions, its conflicts, what publishing
would change, and the publication itself.

Programme changes (``summit.api.sessions_writes``) change the draft, as in the schedule editor;
the public sees them at the next publication, which reaches every open page at once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

from sqlmodel import Session, col, select
from starlette.responses import Response

from summit.agenda import editor, publishing
from summit.agenda.models import ProgrammeSession, SessionPerson
from summit.api.declare import ApiCall, documented, json_out
from summit.api.inputs import AcceptInput, PublishInput
from summit.api.reads import SUMMIT
from summit.api.schemas import ChangeOut, ConflictOut, DraftSessionOut, ReleaseOut, SessionPersonOut
from summit.api.writing import fresh_summit, own_row, write_call
from summit.auth.api_tokens import ApiScope
from summit.persistence import pk
from summit.web.context import database, now

PROGRAMME = ApiScope.PROGRAMME_WRITE
DRAFT_SESSION = f"{SUMMIT}/draft/sessions/{{session_id:int}}"


def draft_out(session: ProgrammeSession, links: list[SessionPerson]) -> DraftSessionOut:
    people = [SessionPersonOut(person_id=link.person_id, role=link.role) for link in links]
    shared = DraftSessionOut.model_fields.keys() - {"theme_id", "people"}
    return DraftSessionOut.model_validate(
        {
            **{name: getattr(session, name) for name in shared},
            "theme_id": session.track_id,
            "people": people,
        }
    )


def links_of(db: Session, ids: list[int]) -> dict[int, list[SessionPerson]]:
    """The people of each of these sessions, in their order on the session."""
    found: dict[int, list[SessionPerson]] = {}
    if ids:
        for link in db.exec(
            select(SessionPerson)
            .where(col(SessionPerson.session_id).in_(ids))
            .order_by(col(SessionPerson.position), col(SessionPerson.id))
        ):
            found.setdefault(link.session_id, []).append(link)
    return found


def saved(db: Session, session: ProgrammeSession) -> DraftSessionOut:
    return draft_out(session, links_of(db, [pk(session)]).get(pk(session), []))


async def list_drafts(call: ApiCall) -> Response:
    """Every draft session, scheduled or not"""
    summit = call.the_summit

    def load(db: Session) -> list[DraftSessionOut]:
        state = editor.editor_state(db, summit=summit)
        cards = state.cards + state.unscheduled
        links = links_of(db, [pk(card.session) for card in cards])
        return [draft_out(card.session, links.get(pk(card.session), [])) for card in cards]

    return json_out(await database(call.request).run_read(load))


async def get_draft(call: ApiCall) -> Response:
    """A draft session"""

    def load(db: Session) -> DraftSessionOut:
        return saved(db, own_row(db, call, ProgrammeSession, "session_id"))

    return json_out(await database(call.request).run_read(load))


async def list_conflicts(call: ApiCall) -> Response:
    """The draft's scheduling conflicts, open and accepted"""
    summit = call.the_summit

    def load(db: Session) -> list[ConflictOut]:
        state = editor.editor_state(db, summit=summit)
        return [
            ConflictOut(
                key=conflict.key,
                kind=conflict.kind.value,
                session_ids=list(conflict.session_ids),
                person_id=conflict.person_id,
                stream_id=conflict.stream_id,
                accepted=accepted,
            )
            for accepted, conflicts in ((False, state.conflicts), (True, state.accepted))
            for conflict in conflicts
        ]

    return json_out(await database(call.request).run_read(load))


async def accept_conflict(call: ApiCall) -> Response:
    """Accept a conflict: it stops being flagged

    409 when no conflict of the draft has this key."""
    body = await call.body(AcceptInput)
    summit = call.the_summit
    account_id = call.principal.account_id

    def run(db: Session) -> None:
        editor.accept_conflict(db, summit=summit, key=body.key, by_id=account_id)

    return await write_call(call, run)


async def pending_changes(call: ApiCall) -> Response:
    """What publishing now would change"""
    summit = call.the_summit
    changes = await database(call.request).run_read(
        lambda db: publishing.pending_changes(db, summit=summit)
    )
    return json_out([ChangeOut.model_validate(change) for change in changes])


async def publish(call: ApiCall) -> Response:
    """Publish the draft as the next programme version

    409 when nothing has changed since the last publication, or while the draft has open
    conflicts (accept each one that should stand first)."""
    body = await call.body(PublishInput)
    moment: datetime = now(call.request)

    def run(db: Session) -> ReleaseOut:
        fresh = fresh_summit(db, call)
        release, changes = editor.publish_draft(
            db, summit=fresh, comment=body.comment.strip(), now=moment, confirmed=()
        )
        return ReleaseOut(
            version=release.version,
            comment=release.comment,
            published_at=release.published_at.astimezone(UTC),
            changes=[ChangeOut.model_validate(change) for change in changes],
        )

    return await write_call(call, run, status=201, announce=True)


CONFLICTS = f"{SUMMIT}/draft/conflicts"
_draft = partial(documented, scope=PROGRAMME, tags=("programme (organisers)",))
OPERATIONS = [
    _draft("GET", f"{SUMMIT}/draft/sessions", list_drafts, response=DraftSessionOut, many=True),
    _draft("GET", DRAFT_SESSION, get_draft, response=DraftSessionOut),
    _draft("GET", CONFLICTS, list_conflicts, response=ConflictOut, many=True),
    _draft(
        "POST", f"{CONFLICTS}/accept", accept_conflict, body=AcceptInput, status=204, errors=(409,)
    ),
    _draft("GET", f"{SUMMIT}/draft/changes", pending_changes, response=ChangeOut, many=True),
    _draft(
        "POST",
        f"{SUMMIT}/publish",
        publish,
        body=PublishInput,
        response=ReleaseOut,
        status=201,
        errors=(409,),
    ),
]
