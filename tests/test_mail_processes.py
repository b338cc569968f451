"""Two ``summit serve`` processes on one PostgreSQL database share its outbox: every message
reaches the SMTP server exactly once."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from summit.db import Database
from summit.mail.models import MailStatus, OutboxMessage
from summit.mail.outbox import queue_many
from summit.migrate import upgrade
from tests.mailbox import smtp_server, wait_until
from tests.servers import serving
from tests.test_mail_delivery import _draft

MESSAGES = 300


def _all_sent(database: Database) -> bool:
    with database.read() as db:
        waiting = db.exec(
            select(OutboxMessage.id).where(col(OutboxMessage.status) != MailStatus.SENT)
        ).first()
        return waiting is None


@pytest.mark.postgres
def test_two_servers_on_postgres_send_each_message_once(
    postgres_engine: Engine, tmp_path: Path
) -> None:
    upgrade(postgres_engine)
    database = Database(postgres_engine)
    url = postgres_engine.url.render_as_string(hide_password=False)
    with smtp_server() as server, ExitStack() as stack:
        for index in range(2):
            stack.enter_context(
                serving(
                    url,
                    tmp_path / f"server{index}.log",
                    ready_within=90,
                    environment={
                        "SUMMIT_MAIL_URL": server.url,
                        "SUMMIT_MAIL_POLL_SECONDS": "0.05",
                        "SUMMIT_MAIL_FROM": f"server{index}@example.org",
                    },
                )
            )
        # Queued once both senders poll, so that they race for every batch.
        with database.write() as db:
            queue_many(db, [_draft(number) for number in range(MESSAGES)])
        wait_until(lambda: _all_sent(database), "every message sent", seconds=60)
        subjects = server.inbox.subjects()
        senders = {str(message["From"]) for message in server.inbox.messages}

    assert sorted(subjects) == sorted(f"Message {n}" for n in range(MESSAGES)), senders
