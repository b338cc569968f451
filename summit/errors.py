"""Errors the domain raises; the web layer turns them into 404 and 422 answers."""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses, with the field it concerns when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The thing does not exist, or the asker may not know that it does."""
