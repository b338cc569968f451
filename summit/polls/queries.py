"""Reads of a session's polls, each in a fixed number of queries.

Counts are read only for polls whose results anyone may see (shown live, or closed): a poll
whose results wait for its close has none to leak, in any page, fragment, push or export.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from summit.polls.models import Poll, PollOption, PollStatus, PollVote, ResultsShown

MAX_SHOWN = 20
"""A session shows at most this many polls, newest first (every push re-sends them)."""


@dataclass(frozen=True)
class OptionView:
    id: int
    label: dict[str, str]
    votes: int | None
    """None while the results are hidden."""


@dataclass(frozen=True)
class PollView:
    poll: Poll
    options: list[OptionView]
    voters: int | None
    """How many accounts voted; None while the results are hidden."""

    @property
    def id(self) -> int:
        assert self.poll.id is not None  # noqa: S101 - read from the table
        return self.poll.id

    @property
    def is_open(self) -> bool:
        return self.poll.status == PollStatus.OPEN

    def share(self, votes: int | None) -> int:
        """An option's share of the voters, in whole percent (0 with none)."""
        return round(100 * (votes or 0) / self.voters) if self.voters else 0


def shows_results(poll: Poll) -> bool:
    return poll.results == ResultsShown.LIVE or poll.status == PollStatus.CLOSED


def _views(db: Session, polls: list[Poll]) -> list[PollView]:
    ids = [poll.id for poll in polls]
    if not ids:
        return []
    options = list(
        db.exec(
            select(PollOption)
            .where(col(PollOption.poll_id).in_(ids))
            .order_by(col(PollOption.position), col(PollOption.id))
        )
    )
    visible = [poll.id for poll in polls if shows_results(poll)]
    counts: dict[int, int] = {}
    voters: dict[int, int] = {}
    if visible:
        counts = {
            option_id: count
            for option_id, count in db.exec(
                select(PollVote.option_id, func.count())
                .where(col(PollVote.poll_id).in_(visible))
                .group_by(col(PollVote.option_id))
            )
        }
        voters = {
            poll_id: count
            for poll_id, count in db.exec(
                select(PollVote.poll_id, func.count(func.distinct(PollVote.account_id)))
                .where(col(PollVote.poll_id).in_(visible))
                .group_by(col(PollVote.poll_id))
            )
        }
    return [
        PollView(
            poll=poll,
            options=[
                OptionView(
                    id=option.id or 0,
                    label=option.label,
                    votes=counts.get(option.id or 0, 0) if shows_results(poll) else None,
                )
                for option in options
                if option.poll_id == poll.id
            ],
            voters=voters.get(poll.id or 0, 0) if shows_results(poll) else None,
        )
        for poll in polls
    ]


def views_of(db: Session, *, poll_ids: list[int]) -> list[PollView]:
    """These polls, whatever their state (for the API's answer about one)."""
    return _views(db, list(db.exec(select(Poll).where(col(Poll.id).in_(poll_ids)))))


def shown(db: Session, *, session_id: int) -> list[PollView]:
    """The polls everyone sees: open and closed ones, newest first."""
    polls = list(
        db.exec(
            select(Poll)
            .where(Poll.session_id == session_id, Poll.status != PollStatus.DRAFT)
            .order_by(col(Poll.id).desc())
            .limit(MAX_SHOWN)
        )
    )
    return _views(db, polls)


def drafts(db: Session, *, session_id: int) -> list[PollView]:
    """Polls made but never opened: for moderators."""
    polls = list(
        db.exec(
            select(Poll)
            .where(Poll.session_id == session_id, Poll.status == PollStatus.DRAFT)
            .order_by(col(Poll.id).desc())
        )
    )
    return _views(db, polls)


def choices_of(db: Session, *, session_id: int, account_id: int) -> set[int]:
    """The options one account chose in the session's polls."""
    return set(
        db.exec(
            select(PollVote.option_id)
            .join(Poll, col(Poll.id) == col(PollVote.poll_id))
            .where(Poll.session_id == session_id, PollVote.account_id == account_id)
        )
    )
