"""The award's results as they are read: the organisers' board (totals, ties, places, jury
progress), its CSV export, and the public page of revealed places. What organisers decide on
the board (places, the chair's vote, publication, the reveal) is in ``decision_routes``.

Until the results are published, only organisers see any figure; the public page shows a place
only once it has been revealed or published.
"""

from __future__ import annotations

import csv
import io

from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import Response

from summit.auth.permissions import Access
from summit.awards import results
from summit.awards.award_request import AwardRequest
from summit.awards.manage_pages import award_page
from summit.awards.models import Award, AwardResult, Submission
from summit.awards.standings import compute, jurors_progress, next_reveal, suggestions, ties
from summit.persistence import pk
from summit.web.access import page
from summit.web.rendering import render


async def results_page(
    call: AwardRequest,
    *,
    error: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    award, computed = await call.read(lambda db, award: (award, compute(db, award)))
    per_submission: dict[int, dict[str, int]] = {}
    for row in computed.board.rows:
        counts = per_submission.setdefault(row.submission_id, {"final": 0, "draft": 0})
        if row.progress in counts:
            counts[row.progress] += 1
    context = {
        "summit": call.summit,
        "award": award,
        "computed": computed,
        "ranked": computed.ranked,
        "submissions": {pk(s): s for s in computed.board.submissions},
        "per_submission": per_submission,
        "placed": {row.submission_id: row for row in computed.places},
        "ties": ties(computed.ranked),
        "tie_key": results.tie_key,
        "criterion_names": {c.slug: c.name for c in computed.board.criteria},
        "progress": jurors_progress(computed.board),
        "final_rows": [row for row in computed.board.rows if row.card is not None],
        "next_reveal": next_reveal(computed.places),
        "suggestions": suggestions(computed),
        "error": error,
        "errors": errors or {},
        "live_page": "award-results",
    }
    # A live refresh asks for the progress block; a refusal shows the whole board with why.
    return render(
        call.request,
        "awards/results/manage.html",
        context,
        block="progress" if status_code == 200 else None,
        status_code=status_code,
    )


async def manage_results(request: Request) -> Response:
    return await results_page(AwardRequest.of(request))


UNSAFE_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(UNSAFE_STARTS) else text


async def results_csv(request: Request) -> Response:
    call = AwardRequest.of(request)
    award, computed = await call.read(lambda db, award: (award, compute(db, award)))
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
    call = AwardRequest.of(request)

    def load(db: Session, award: Award) -> tuple[Award, list[tuple[AwardResult, Submission]]]:
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

    award, rows = await call.read(load)
    return render(
        request, "awards/results/public.html", {"summit": call.summit, "award": award, "rows": rows}
    )


routes = [
    award_page("/results", manage_results, "award_results"),
    award_page("/results.csv", results_csv, "award_results_csv"),
    page(
        "/{slug:str}/awards/{award_slug:str}",
        public_results,
        access=Access.PUBLIC,
        name="award_public",
    ),
]
