"""The mail schedule on the demo summit: which messages it queues, in whose language, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from summit.agenda.models import Follow, ProgrammeSession, PublishedSession, SessionPerson, Summit
from summit.agenda.publishing import publish
from summit.auth.models import Account
from summit.awards.models import Award, CardStatus, JuryAssignment, JuryMember, ScoreCard
from summit.db import Database
from summit.mail.models import MailKind, OutboxMessage
from summit.mail.preferences import set_choice
from summit.mail.schedule import MailSchedule

SCHEDULE = MailSchedule(base_url="https://summit.example.org", secret_key="k" * 40)
SPEAKER_PERSON = 23  # the demo speaker account's entry on the programme


def _queued(database: Database) -> list[tuple[str, str, str]]:
    with database.read() as db:
        rows = db.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))
        return [(str(row.kind), row.recipient, row.language) for row in rows]


def _run(database: Database, now: datetime) -> None:
    with database.write() as db:
        SCHEDULE(db, now)


def _account(db: Session, email: str) -> Account:
    return db.exec(select(Account).where(Account.email == email)).one()


def _award(db: Session) -> Award:
    return db.exec(select(Award)).one()


def test_jurors_hear_of_their_assignments_once(demo_database: Database) -> None:
    with demo_database.read() as db:
        closes = _award(db).scoring_closes_at

    _run(demo_database, closes - timedelta(days=10))
    _run(demo_database, closes - timedelta(days=9))

    assert sorted(_queued(demo_database)) == [
        ("juror_assignment", "juror1@example.org", "fr"),
        ("juror_assignment", "juror2@example.org", "en"),
        ("juror_assignment", "juror3@example.org", "ar"),
        ("juror_assignment", "juror4@example.org", "en"),
    ]


def test_deadline_reminders_go_3_days_and_1_day_before_to_jurors_with_work_left(
    demo_database: Database,
) -> None:
    with demo_database.write() as db:
        award = _award(db)
        closes = award.scoring_closes_at
        juror = _account(db, "juror3@example.org")
        card = db.exec(
            select(ScoreCard)
            .join(JuryAssignment, col(JuryAssignment.id) == ScoreCard.assignment_id)
            .join(JuryMember, col(JuryMember.id) == JuryAssignment.jury_member_id)
            .where(JuryMember.account_id == juror.id)
        ).first()
        assert card is not None
        card.status = CardStatus.DRAFT
        db.add(card)

    _run(demo_database, closes - timedelta(days=4))
    before = [row for row in _queued(demo_database) if row[0] == "juror_deadline"]
    _run(demo_database, closes - timedelta(days=2))
    _run(demo_database, closes - timedelta(days=2))
    _run(demo_database, closes - timedelta(hours=12))

    reminders = [row for row in _queued(demo_database) if row[0] == "juror_deadline"]
    assert before == []
    assert reminders == [("juror_deadline", "juror3@example.org", "ar")] * 2
    with demo_database.read() as db:
        last = db.exec(
            select(OutboxMessage).where(OutboxMessage.kind == MailKind.JUROR_DEADLINE)
        ).first()
    assert last is not None and 'dir="rtl"' in last.html_body
    assert "https://summit.example.org/ogp2021/jury" in last.text_body


def test_entrants_hear_of_their_receipt_and_result_in_their_language(
    demo_database: Database,
) -> None:
    with demo_database.write() as db:
        award = _award(db)
        received = award.closes_at + timedelta(hours=1)
        award.results_published_at = award.scoring_closes_at + timedelta(days=1)
        published = award.results_published_at + timedelta(hours=1)
        db.add(award)

    _run(demo_database, received)
    _run(demo_database, published)

    queued = _queued(demo_database)
    receipts = [row for row in queued if row[0] == "entrant_received"]
    results = [row for row in queued if row[0] == "entrant_result"]
    assert ("entrant_received", "contact@example.org", "fr") in receipts
    assert sorted(to for _, to, _ in results) == sorted(to for _, to, _ in receipts)
    assert len(set(receipts)) == len(receipts) > 1


def _move_a_session(database: Database, now: datetime) -> int:
    """Moves a session the demo speaker is in by an hour, publishes, and returns its id."""
    with database.write() as db:
        summit = db.exec(select(Summit)).one()
        session_id = db.exec(
            select(SessionPerson.session_id).where(SessionPerson.person_id == SPEAKER_PERSON)
        ).first()
        session = db.get(ProgrammeSession, session_id)
        assert session is not None and session.starts_at and session.ends_at
        for email in ("delegate@example.org", "delegate2@example.org"):
            db.add(Follow(account_id=_account(db, email).id or 0, session_id=session_id or 0))
        set_choice(
            db,
            account_id=_account(db, "delegate2@example.org").id or 0,
            kind=MailKind.PROGRAMME_DIGEST,
            enabled=False,
        )
        session.starts_at += timedelta(hours=1)
        session.ends_at += timedelta(hours=1)
        db.add(session)
        db.flush()
        publish(db, summit=summit, comment="", now=now)
        return session.id or 0


def test_a_publication_sends_one_digest_to_followers_and_a_note_to_speakers(
    demo_database: Database,
) -> None:
    now = datetime(2021, 12, 14, 9, 0, tzinfo=UTC)
    _move_a_session(demo_database, now)

    _run(demo_database, now + timedelta(minutes=1))
    _run(demo_database, now + timedelta(minutes=2))

    assert sorted(_queued(demo_database)) == [
        ("programme_digest", "delegate@example.org", "ar"),
        ("speaker_change", "speaker@example.org", "en"),
    ]
    with demo_database.read() as db:
        digest = db.exec(
            select(OutboxMessage).where(OutboxMessage.kind == MailKind.PROGRAMME_DIGEST)
        ).one()
    assert digest.headers["List-Unsubscribe"].startswith(
        "<https://summit.example.org/mail/unsubscribe/"
    )


def test_a_followed_session_is_reminded_at_the_chosen_time_once(
    demo_database: Database,
) -> None:
    with demo_database.write() as db:
        session = db.exec(select(PublishedSession).order_by(col(PublishedSession.id))).first()
        assert session is not None
        starts = session.starts_at
        for email in ("delegate@example.org", "delegate2@example.org"):
            db.add(Follow(account_id=_account(db, email).id or 0, session_id=session.id))
        set_choice(
            db,
            account_id=_account(db, "delegate2@example.org").id or 0,
            kind=MailKind.SESSION_REMINDER,
            enabled=True,
            minutes_before=60,
        )

    _run(demo_database, starts - timedelta(minutes=61))
    nothing = _queued(demo_database)
    _run(demo_database, starts - timedelta(minutes=50))
    early = _queued(demo_database)
    _run(demo_database, starts - timedelta(minutes=14))
    _run(demo_database, starts - timedelta(minutes=5))

    assert nothing == []
    assert early == [("session_reminder", "delegate2@example.org", "en")]
    assert _queued(demo_database) == [
        ("session_reminder", "delegate2@example.org", "en"),
        ("session_reminder", "delegate@example.org", "ar"),
    ]
