"""The award's results: the organisers' board (totals, ties, places, publication, the live
reveal, reopening cards, a CSV export) and the public page of revealed places.

Until the results are published, only organisers see any figure; the public page shows a place
only once it has been revealed or published.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from summit.auth.audit import AuditAction
from summit.auth.audit import record as audit
from summit.auth.permissions import Access, Principal
from summit.awards import results, scoring
from summit.awards.forms import ResultInput
from summit.awards.models import (
    Award,
    AwardResult,
    AwardRound,
    CastingVote,
    JuryAssignment,
    ScoreCard,
    Submission,
)
from summit.awards.services import set_results
from summit.errors import DomainError
from summit.eventlog import record
from summit.events import AwardPlaceRevealed
from summit.i18n.viewer import translate_error
from summit.persistence import pk
from summit.web.access import page
from summit.web.context import current_summit, database, now
from summit.web.forms import read_form, text_fields
from summit.web.htmx import is_htmx
from summit.web.rendering import render

REVEAL_ORDER = (None, 3, 2, 1)
"""Honourable mentions first, then third, second and first place."""


@dataclass(frozen=True)
class Computed:
    board: scoring.Board
    ranked: list[results.Ranked]
    places: list[AwardResult]
    votes: dict[str, int]

    def submission(self, submission_id: int) -> Submission:
        return next(s for s in self.board.submissions if s.id == submission_id)


def compute(db: Session, award: Award) -> Computed:
    """The board and the ranking, computed now from the final cards and the current weights."""
    board = scoring.load_board(db, award=award)
    specs = [
        results.CriterionSpec(pk(c), c.slug, c.weight, c.scale_min, c.scale_max)
        for c in board.criteria
    ]
    finals = [
        results.FinalCard(row.juror_id, row.submission_id, row.scores)
        for row in board.rows
        if row.progress == "final"
    ]
    table = results.standings(specs, finals, [pk(s) for s in board.submissions])
    votes = {
        vote.tied: vote.submission_id
        for vote in db.exec(select(CastingVote).where(CastingVote.award_id == award.id))
    }
    ranked = results.rank(
        table, rules=award.tie_break, by_normalised=award.normalise, casting_votes=votes
    )
    places = list(db.exec(select(AwardResult).where(AwardResult.award_id == award.id)))
    return Computed(board, ranked, places, votes)


def _award(db: Session, summit_id: int, slug: str) -> Award:
    award = db.exec(select(Award).where(Award.summit_id == summit_id, Award.slug == slug)).first()
    if award is None:
        raise HTTPException(status_code=404)
    return award


def _account(request: Request) -> int | None:
    principal: Principal = request.state.principal
    return principal.account_id


def _ties(ranked: list[results.Ranked]) -> list[list[results.Ranked]]:
    """The groups no rule separates, for the chair's casting vote."""
    groups: dict[int, list[results.Ranked]] = {}
    for entry in ranked:
        if entry.unresolved and entry.rank is not None:
            groups.setdefault(entry.rank, []).append(entry)
    return [group for group in groups.values() if len(group) > 1]


def _progress(board: scoring.Board) -> list[dict[str, Any]]:
    jurors: dict[int, dict[str, Any]] = {}
    for row in board.rows:
        entry = jurors.setdefault(
            row.juror_id,
            {"name": row.juror_name, "final": 0, "draft": 0, "not_started": 0},
        )
        entry[row.progress] += 1
    return list(jurors.values())


async def results_page(request: Request, *, error: str = "", status_code: int = 200) -> Response:
    summit = current_summit(request)
    slug = request.path_params["award_slug"]

    def load(db: Session) -> tuple[Award, Computed]:
        award = _award(db, pk(summit), slug)
        return award, compute(db, award)

    award, computed = await database(request).run_read(load)
    by_submission = {row.submission_id: row for row in computed.places}
    per_submission: dict[int, dict[str, int]] = {}
    for row in computed.board.rows:
        counts = per_submission.setdefault(row.submission_id, {"final": 0, "draft": 0})
        if row.progress in counts:
            counts[row.progress] += 1
    context = {
        "summit": summit,
        "award": award,
        "computed": computed,
        "ranked": computed.ranked,
        "submissions": {pk(s): s for s in computed.board.submissions},
        "per_submission": per_submission,
        "placed": by_submission,
        "ties": _ties(computed.ranked),
        "tie_key": results.tie_key,
        "criterion_names": {c.slug: c.name for c in computed.board.criteria},
        "progress": _progress(computed.board),
        "final_rows": [row for row in computed.board.rows if row.card is not None],
        "next_reveal": _next_reveal(computed.places),
        "suggestions": _suggestions(computed),
        "error": error,
        "live_page": "award-results",
    }
    return render(
        request, "awards/results/manage.html", context, block="progress", status_code=status_code
    )


async def manage_results(request: Request) -> Response:
    return await results_page(request)


def _suggestions(computed: Computed) -> dict[int, int]:
    """What the places form starts from: the decided places, or else the computed order."""
    decided = {row.place: row.submission_id for row in computed.places if row.place}
    if decided:
        return decided
    order = [entry.submission_id for entry in computed.ranked if entry.rank is not None]
    return {place: submission for place, submission in zip((1, 2, 3), order, strict=False)}


def _next_reveal(places: list[AwardResult]) -> AwardResult | None:
    waiting = [row for row in places if row.revealed_at is None]
    for place in REVEAL_ORDER:
        for row in sorted(waiting, key=lambda row: row.submission_id):
            if row.place == place:
                return row
    return None


async def _change(request: Request, run: Any) -> Response:
    """Run an organiser's change, then go back to the board (or show why not)."""
    summit = current_summit(request)
    try:
        await database(request).run_write(run)
    except DomainError as failure:
        return await results_page(
            request, error=translate_error(failure.template, failure.params), status_code=422
        )
    await request.app.state.broker.announce()
    target = request.url_for(
        "award_results", slug=summit.slug, award_slug=request.path_params["award_slug"]
    ).path
    if is_htmx(request):
        return Response(status_code=204, headers={"hx-redirect": target})
    return RedirectResponse(target, status_code=303)


async def set_places(request: Request) -> Response:
    """Places 1 to 3 and honourable mentions; departing from the computed order needs a
    reason, which goes to the audit log."""
    summit = current_summit(request)
    form = await read_form(request)
    fields = text_fields(form, "place-1", "place-2", "place-3", "reason")
    mentions = [value for value in form.getlist("mention") if isinstance(value, str)]
    slug = request.path_params["award_slug"]
    account_id = _account(request)

    def run(db: Session) -> None:
        award = _award(db, pk(summit), slug)
        computed = compute(db, award)
        if any(row.revealed_at for row in computed.places):
            raise DomainError("The reveal has begun: the places can no longer change.")
        known = {pk(s) for s in computed.board.submissions}
        chosen: list[ResultInput] = []
        overrides: list[str] = []
        order = [entry.submission_id for entry in computed.ranked if entry.rank is not None]
        for place in (1, 2, 3):
            raw = fields[f"place-{place}"]
            if not raw:
                continue
            if not raw.isdigit() or int(raw) not in known:
                raise DomainError("Choose from the list.", field=f"place-{place}")
            submission_id = int(raw)
            if len(order) < place or order[place - 1] != submission_id:
                overrides.append(f"{place}:{submission_id}")
            chosen.append(
                ResultInput(submission_id=submission_id, place=place, reason=fields["reason"])
            )
        for raw in mentions:
            if not raw.isdigit() or int(raw) not in known:
                raise DomainError("Choose from the list.", field="mention")
            chosen.append(
                ResultInput(submission_id=int(raw), is_mention=True, reason=fields["reason"])
            )
        reason = fields["reason"].strip()
        if overrides and not reason:
            raise DomainError(
                "These places differ from the computed ranking: give a reason.", field="reason"
            )
        set_results(db, award=award, results=chosen, published_at=award.results_published_at)
        audit(
            db,
            action=AuditAction.AWARD_PLACES_SET,
            summit_id=summit.id,
            account_id=account_id,
            target=f"award:{award.slug}",
            places=[f"{r.place or 'mention'}:{r.submission_id}" for r in chosen],
            overrides=overrides,
            reason=reason[:500],
        )

    return await _change(request, run)


async def casting_vote(request: Request) -> Response:
    """Record the chair's choice among submissions that stay tied."""
    summit = current_summit(request)
    fields = text_fields(await read_form(request), "tied", "submission_id")
    slug = request.path_params["award_slug"]
    account_id = _account(request)

    def run(db: Session) -> None:
        award = _award(db, pk(summit), slug)
        computed = compute(db, award)
        if "chair" not in award.tie_break:
            raise DomainError("This award does not break ties with the chair's vote.")
        ties = {results.tie_key(e.submission_id for e in group) for group in _ties(computed.ranked)}
        tied = fields["tied"]
        if tied not in ties:
            raise DomainError("These submissions are no longer tied.")
        raw = fields["submission_id"]
        if not raw.isdigit() or raw not in tied.split(","):
            raise DomainError("Choose from the list.", field="submission_id")
        db.add(
            CastingVote(
                award_id=pk(award),
                tied=tied,
                submission_id=int(raw),
                recorded_by_id=account_id,
            )
        )
        audit(
            db,
            action=AuditAction.AWARD_CASTING_VOTE,
            summit_id=summit.id,
            account_id=account_id,
            target=f"award:{award.slug}",
            tied=tied,
            chosen=int(raw),
        )

    return await _change(request, run)


async def publish_results(request: Request) -> Response:
    """Places and mentions become public together."""
    summit = current_summit(request)
    slug = request.path_params["award_slug"]
    account_id = _account(request)
    moment = now(request)

    def run(db: Session) -> None:
        award = _award(db, pk(summit), slug)
        places = db.exec(select(AwardResult).where(AwardResult.award_id == award.id)).all()
        if not any(row.place == 1 for row in places):
            raise DomainError("Choose at least the first place before publishing.")
        if award.results_published_at is None:
            award.results_published_at = moment
            audit(
                db,
                action=AuditAction.AWARD_RESULTS_PUBLISHED,
                summit_id=summit.id,
                account_id=account_id,
                target=f"award:{award.slug}",
            )

    return await _change(request, run)


async def reveal_next(request: Request) -> Response:
    """Reveal the next place live: mentions, then third, second and first."""
    summit = current_summit(request)
    slug = request.path_params["award_slug"]
    account_id = _account(request)
    moment = now(request)

    def run(db: Session) -> None:
        award = _award(db, pk(summit), slug)
        places = list(db.exec(select(AwardResult).where(AwardResult.award_id == award.id)))
        row = _next_reveal(places)
        if row is None:
            raise DomainError("Every place has been revealed.")
        submission = db.get(Submission, row.submission_id)
        assert submission is not None  # noqa: S101 - a foreign key
        row.revealed_at = moment
        record(
            db,
            [
                AwardPlaceRevealed(
                    summit_id=pk(summit),
                    award_id=pk(award),
                    award_name=dict(award.name),
                    submission_id=pk(submission),
                    place=row.place,
                    entity_name=submission.entity_name,
                    title=submission.title,
                )
            ],
            at=moment,
        )
        audit(
            db,
            action=AuditAction.AWARD_PLACE_REVEALED,
            summit_id=summit.id,
            account_id=account_id,
            target=f"award:{award.slug}",
            place=row.place or "mention",
            submission=pk(submission),
        )

    return await _change(request, run)


async def reopen(request: Request) -> Response:
    """Let a juror change a card after the deadline, or after marking it final."""
    summit = current_summit(request)
    slug = request.path_params["award_slug"]
    card_id: int = request.path_params["card_id"]
    account_id = _account(request)
    moment = now(request)

    def run(db: Session) -> None:
        award = _award(db, pk(summit), slug)
        card = db.exec(
            select(ScoreCard)
            .join(JuryAssignment, col(JuryAssignment.id) == ScoreCard.assignment_id)
            .join(AwardRound, col(AwardRound.id) == JuryAssignment.round_id)
            .where(ScoreCard.id == card_id, AwardRound.award_id == award.id)
        ).first()
        if card is None:
            raise HTTPException(status_code=404)
        scoring.reopen_card(db, card=card, account_id=account_id or 0, now=moment)
        audit(
            db,
            action=AuditAction.SCORE_CARD_REOPENED,
            summit_id=summit.id,
            account_id=account_id,
            target=f"score_card:{card_id}",
            award=award.slug,
        )

    return await _change(request, run)


UNSAFE_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(UNSAFE_STARTS) else text


async def results_csv(request: Request) -> Response:
    summit = current_summit(request)
    slug = request.path_params["award_slug"]

    def load(db: Session) -> tuple[Award, Computed]:
        award = _award(db, pk(summit), slug)
        return award, compute(db, award)

    award, computed = await database(request).run_read(load)
    placed = {row.submission_id: row for row in computed.places}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "rank",
            "code",
            "entity",
            "title",
            "final_cards",
            "raw_total",
            "normalised_total",
            "tied",
            "resolved_by",
            "place",
        ]
    )
    for entry in computed.ranked:
        submission = computed.submission(entry.submission_id)
        standing = entry.standing
        result = placed.get(entry.submission_id)
        place = "" if result is None else (result.place or "mention")
        writer.writerow(
            safe_cell(value)
            for value in (
                entry.rank or "",
                submission.code,
                submission.entity_name,
                submission.title,
                standing.cards,
                "" if standing.raw is None else f"{standing.raw:.2f}",
                "" if standing.normalised is None else f"{standing.normalised:.3f}",
                "yes" if entry.unresolved else "",
                entry.resolved_by or "",
                place,
            )
        )
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{award.slug}-results.csv"'},
    )


async def public_results(request: Request) -> Response:
    """The places the public may see: revealed ones, or all once published."""
    summit = current_summit(request)
    slug = request.path_params["award_slug"]

    def load(db: Session) -> tuple[Award, list[tuple[AwardResult, Submission]]]:
        award = _award(db, pk(summit), slug)
        query = (
            select(AwardResult, Submission)
            .join(Submission, col(Submission.id) == AwardResult.submission_id)
            .where(AwardResult.award_id == award.id)
        )
        if award.results_published_at is None:
            query = query.where(col(AwardResult.revealed_at).is_not(None))
        rows = list(db.exec(query))
        rows.sort(key=lambda pair: (pair[0].place or 4, pair[1].code))
        return award, rows

    award, rows = await database(request).run_read(load)
    return render(
        request, "awards/results/public.html", {"summit": summit, "award": award, "rows": rows}
    )


ORGANISER = Access.ORGANISER
BOARD = "/{slug:str}/manage/awards/{award_slug:str}/results"
routes = [
    page(BOARD, manage_results, access=ORGANISER, name="award_results"),
    page(BOARD + ".csv", results_csv, access=ORGANISER, name="award_results_csv"),
    page(BOARD + "/places", set_places, access=ORGANISER, methods=["POST"], name="award_places"),
    page(
        BOARD + "/casting-vote",
        casting_vote,
        access=ORGANISER,
        methods=["POST"],
        name="award_casting_vote",
    ),
    page(
        BOARD + "/publish",
        publish_results,
        access=ORGANISER,
        methods=["POST"],
        name="award_publish",
    ),
    page(BOARD + "/reveal", reveal_next, access=ORGANISER, methods=["POST"], name="award_reveal"),
    page(
        BOARD + "/cards/{card_id:int}/reopen",
        reopen,
        access=ORGANISER,
        methods=["POST"],
        name="award_card_reopen",
    ),
    page(
        "/{slug:str}/awards/{award_slug:str}",
        public_results,
        access=Access.PUBLIC,
        name="award_public",
    ),
]
