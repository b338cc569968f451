"""What organisers decide on an award's results board: the places and honourable mentions,
the chair's casting vote, publication, the live reveal, and reopening a juror's card. Each
change goes back to the board, or shows it again with why it was refused (422)."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError
from sqlmodel import Session, col, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from summit.auth.audit import AuditAction
from summit.awards import results, scoring
from summit.awards.award_request import AwardRequest
from summit.awards.forms import ResultInput
from summit.awards.manage_pages import award_page
from summit.awards.models import (
    Award,
    AwardRound,
    CastingVote,
    JuryAssignment,
    ScoreCard,
    Submission,
)
from summit.awards.results_routes import results_page
from summit.awards.services import set_results
from summit.awards.standings import compute, next_reveal, places_of, ties
from summit.errors import DomainError
from summit.eventlog import record
from summit.events import AwardPlaceRevealed
from summit.i18n.viewer import translate_error
from summit.parsing import optional_row_id, row_id
from summit.persistence import pk
from summit.web.context import database
from summit.web.forms import FieldReader, FieldsRefused, field_errors, read_form, text_fields

Change = Callable[[Session, Award], None]


async def _change(call: AwardRequest, change: Change) -> Response:
    """Run an organiser's change, then go back to the board (or show why not)."""
    try:
        await database(call.request).run_write(lambda db: change(db, call.award(db)))
    except FieldsRefused as refused:
        return await results_page(call, errors=refused.errors, status_code=422)
    except ValidationError as invalid:
        return await results_page(call, errors=field_errors(invalid), status_code=422)
    except DomainError as failure:
        message = translate_error(failure.template, failure.params)
        if failure.field:
            return await results_page(call, errors={failure.field: message}, status_code=422)
        return await results_page(call, error=message, status_code=422)
    await call.request.app.state.broker.announce()
    return call.go_to("award_results")


async def set_places(request: Request) -> Response:
    """Places 1 to 3 and honourable mentions; departing from the computed order needs a
    reason, which goes to the audit log."""
    call = AwardRequest.of(request)
    form = await read_form(request)
    fields = text_fields(form, "place-1", "place-2", "place-3", "reason")
    mentions = [value for value in form.getlist("mention") if isinstance(value, str)]

    def change(db: Session, award: Award) -> None:
        computed = compute(db, award)
        if any(row.revealed_at for row in computed.places):
            raise DomainError("The reveal has begun: the places can no longer change.")
        known = {pk(s) for s in computed.board.submissions}
        reader = FieldReader()

        def chosen(text: str, field: str) -> int | None:
            picked = reader.read(optional_row_id, text, field=field)
            if picked is not None and picked not in known:
                reader.refuse(DomainError("Choose from the list.", field=field))
                return None
            return picked

        places = {place: chosen(fields[f"place-{place}"], f"place-{place}") for place in (1, 2, 3)}
        mentioned = [chosen(raw, "mention") for raw in mentions]
        reason = fields["reason"].strip()
        order = [entry.submission_id for entry in computed.ranked if entry.rank is not None]
        overrides = [
            f"{place}:{submission_id}"
            for place, submission_id in places.items()
            if submission_id is not None
            and (len(order) < place or order[place - 1] != submission_id)
        ]
        if overrides and not reason:
            reader.refuse(
                DomainError(
                    "These places differ from the computed ranking: give a reason.", field="reason"
                )
            )
        reader.check()
        decided = [
            ResultInput(submission_id=submission_id, place=place, reason=fields["reason"])
            for place, submission_id in places.items()
            if submission_id is not None
        ] + [
            ResultInput(submission_id=submission_id, is_mention=True, reason=fields["reason"])
            for submission_id in mentioned
            if submission_id is not None
        ]
        set_results(db, award=award, results=decided, published_at=award.results_published_at)
        call.audit(
            db,
            AuditAction.AWARD_PLACES_SET,
            award,
            places=[f"{r.place or 'mention'}:{r.submission_id}" for r in decided],
            overrides=overrides,
            reason=reason[:500],
        )

    return await _change(call, change)


async def casting_vote(request: Request) -> Response:
    """Record the chair's choice among submissions that stay tied."""
    call = AwardRequest.of(request)
    fields = text_fields(await read_form(request), "tied", "submission_id")

    def change(db: Session, award: Award) -> None:
        if "chair" not in award.tie_break:
            raise DomainError("This award does not break ties with the chair's vote.")
        tied = fields["tied"]
        if tied not in {
            results.tie_key(e.submission_id for e in group)
            for group in ties(compute(db, award).ranked)
        }:
            raise DomainError("These submissions are no longer tied.")
        chosen = row_id(fields["submission_id"], field="submission_id")
        if str(chosen) not in tied.split(","):
            raise DomainError("Choose from the list.", field="submission_id")
        db.add(
            CastingVote(
                award_id=pk(award), tied=tied, submission_id=chosen, recorded_by_id=call.account_id
            )
        )
        call.audit(
            db,
            AuditAction.AWARD_CASTING_VOTE,
            award,
            tied=tied,
            chosen=chosen,
        )

    return await _change(call, change)


async def publish_results(request: Request) -> Response:
    """Places and mentions become public together."""
    call = AwardRequest.of(request)

    def change(db: Session, award: Award) -> None:
        if not any(row.place == 1 for row in places_of(db, award)):
            raise DomainError("Choose at least the first place before publishing.")
        if award.results_published_at is None:
            award.results_published_at = call.now
            call.audit(
                db,
                AuditAction.AWARD_RESULTS_PUBLISHED,
                award,
            )

    return await _change(call, change)


async def reveal_next(request: Request) -> Response:
    """Reveal the next place live: mentions, then third, second and first."""
    call = AwardRequest.of(request)

    def change(db: Session, award: Award) -> None:
        row = next_reveal(places_of(db, award))
        if row is None:
            raise DomainError("Every place has been revealed.")
        submission = db.get(Submission, row.submission_id)
        assert submission is not None  # noqa: S101 - a foreign key
        row.revealed_at = call.now
        record(
            db,
            [
                AwardPlaceRevealed(
                    summit_id=pk(call.summit),
                    award_id=pk(award),
                    award_name=dict(award.name),
                    submission_id=pk(submission),
                    place=row.place,
                    entity_name=submission.entity_name,
                    title=submission.title,
                )
            ],
            at=call.now,
        )
        call.audit(
            db,
            AuditAction.AWARD_PLACE_REVEALED,
            award,
            place=row.place or "mention",
            submission=pk(submission),
        )

    return await _change(call, change)


async def reopen(request: Request) -> Response:
    """Let a juror change a card after the deadline, or after marking it final."""
    call = AwardRequest.of(request)
    card_id: int = request.path_params["card_id"]

    def change(db: Session, award: Award) -> None:
        card = db.exec(
            select(ScoreCard)
            .join(JuryAssignment, col(JuryAssignment.id) == ScoreCard.assignment_id)
            .join(AwardRound, col(AwardRound.id) == JuryAssignment.round_id)
            .where(ScoreCard.id == card_id, AwardRound.award_id == award.id)
        ).first()
        if card is None:
            raise HTTPException(status_code=404)
        scoring.reopen_card(db, card=card, account_id=call.account_id or 0, now=call.now)
        call.audit(
            db,
            AuditAction.SCORE_CARD_REOPENED,
            award,
            target=f"score_card:{card_id}",
            award=award.slug,
        )

    return await _change(call, change)


routes = [
    award_page("/results/places", set_places, "award_places", post=True),
    award_page("/results/casting-vote", casting_vote, "award_casting_vote", post=True),
    award_page("/results/publish", publish_results, "award_publish", post=True),
    award_page("/results/reveal", reveal_next, "award_reveal", post=True),
    award_page("/results/cards/{card_id:int}/reopen", reopen, "award_card_reopen", post=True),
]
