"""Domain events: what happened that open pages should show. A leaf module.

Services return the events they caused; the caller writes them to the event table in the same
transaction as the change (``summit.eventlog.record``), commits, then tells the live layer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class DomainEvent:
    summit_id: int
    kind: ClassVar[str] = "event"

    @property
    def topic(self) -> str:
        """Who may hear of it: by default everyone following the summit's public pages."""
        return f"summit:{self.summit_id}:public"

    @property
    def subject(self) -> str:
        return f"summit:{self.summit_id}"

    def payload(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SessionEvent(DomainEvent):
    """An event about one session: the pages of that session are its subject."""

    session_id: int

    @property
    def subject(self) -> str:
        return f"session:{self.session_id}"


@dataclass(frozen=True)
class SessionStatusChanged(SessionEvent):
    """Fires when an organiser marks a published session live, running late, ended or
    cancelled: the public sees it at once, without a publication."""

    status: str
    delay_minutes: int
    kind: ClassVar[str] = "session.status"


@dataclass(frozen=True)
class SpeakerAnswered(SessionEvent):
    """Fires when a speaker says on their portal whether they will take part in a session: the
    organisers' open schedule editors count the session's answers again. Only organisers hear
    of it."""

    kind: ClassVar[str] = "speaker.answered"

    @property
    def topic(self) -> str:
        return f"summit:{self.summit_id}:organisers"


@dataclass(frozen=True)
class FollowChanged(DomainEvent):
    """Fires when an account adds a session to its agenda or takes it out: that account's open
    "My agenda" pages add or drop the session. Only that account hears of it."""

    account_id: int
    session_id: int
    following: bool
    kind: ClassVar[str] = "agenda.follow"

    @property
    def topic(self) -> str:
        return f"account:{self.account_id}"

    @property
    def subject(self) -> str:
        return f"session:{self.session_id}"


@dataclass(frozen=True)
class ProgrammePublished(DomainEvent):
    """Fires when a new version of the programme is published."""

    version: int
    session_ids: tuple[int, ...]
    kind: ClassVar[str] = "programme.published"


@dataclass(frozen=True)
class QuestionsChanged(SessionEvent):
    """Fires when a session's questions change as everyone sees them: one asked without
    pre-moderation or approved, a vote given or taken back, one pinned or unpinned, marked
    answered or unanswered, hidden or unhidden. Pages of the session show the list again, in
    its new order (and the answered questions, when ``change`` moved one in or out of them)."""

    question_id: int
    change: str
    kind: ClassVar[str] = "qa.questions"


@dataclass(frozen=True)
class ModeratorsQuestionsChanged(SessionEvent):
    """A change only moderators hear of: the summit's organisers, or with ``account_id`` one
    account that moderates the session without being an organiser."""

    question_id: int
    change: str
    account_id: int | None = None

    @property
    def topic(self) -> str:
        if self.account_id is not None:
            return f"account:{self.account_id}"
        return f"summit:{self.summit_id}:organisers"


@dataclass(frozen=True)
class PendingQuestionsChanged(ModeratorsQuestionsChanged):
    """Fires when the questions waiting for approval change (one asked under pre-moderation,
    approved, hidden or unhidden)."""

    kind: ClassVar[str] = "qa.pending"


@dataclass(frozen=True)
class HiddenQuestionsChanged(ModeratorsQuestionsChanged):
    """Fires when a moderator hides a question or unhides one: moderators' pages show the
    hidden questions again."""

    kind: ClassVar[str] = "qa.hidden"


@dataclass(frozen=True)
class AwardPlaceRevealed(DomainEvent):
    """Fires when an organiser reveals a place (or an honourable mention) during the ceremony:
    every open page of the summit shows it. It carries what the pages show, and nothing that
    is not public from that moment."""

    award_id: int
    award_name: dict[str, str]
    submission_id: int
    place: int | None
    entity_name: str
    title: str
    kind: ClassVar[str] = "award.revealed"

    @property
    def subject(self) -> str:
        return f"award:{self.award_id}"


@dataclass(frozen=True)
class ScoresChanged(DomainEvent):
    """Fires when a juror saves a scoresheet: the organisers' progress board counts again."""

    award_id: int
    kind: ClassVar[str] = "award.scores"

    @property
    def topic(self) -> str:
        return f"summit:{self.summit_id}:organisers"

    @property
    def subject(self) -> str:
        return f"award:{self.award_id}"


@dataclass(frozen=True)
class PollsChanged(SessionEvent):
    """Fires when a session's polls change as everyone sees them: one opened or closed, or a
    vote given or changed in a poll whose results show live (a vote in a poll whose results
    wait for the close changes nothing anyone sees, and fires nothing). Pages of the session
    show the polls again. Moderators' drafts are not in it: they see those on their own page."""

    poll_id: int
    change: str
    kind: ClassVar[str] = "polls.changed"


@dataclass(frozen=True)
class ElectionPublished(DomainEvent):
    """Fires when an organiser publishes an election's results: every open page of the summit
    shows who was elected. It carries only what is public from that moment."""

    election_id: int
    election_slug: str
    title: dict[str, str]
    elected: list[dict[str, str]]
    """The elected delegations' names, in order."""
    kind: ClassVar[str] = "election.published"

    @property
    def subject(self) -> str:
        return f"election:{self.election_id}"
