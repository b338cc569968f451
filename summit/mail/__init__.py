"""Outgoing mail: an outbox written with the change that causes a message, a sender task in
each process that delivers it (SMTP or the log), the messages themselves in the recipient's
language, and each account's choice of what it receives."""
