"""Errors the domain raises; the web layer turns them into 404 and 422 answers."""

from __future__ import annotations

from summit.i18n.viewer import Plural


class DomainError(Exception):
    """A request the domain refuses, with the field it concerns when there is one.

    ``template`` is an English message, marked for translation; values that come from users go
    in ``params`` (never into the template), so that a translated message stays inert.
    """

    def __init__(self, template: str, *, field: str | None = None, **params: object) -> None:
        self.template = template
        self.params = params
        english = template.english(_count(params)) if isinstance(template, Plural) else template
        self.message = english % params if params else template
        self.field = field
        super().__init__(self.message)


def _count(params: dict[str, object]) -> int:
    count = params["num"]
    assert isinstance(count, int)  # noqa: S101 - a Plural always names its count num
    return count


class NotFound(DomainError):
    """The thing does not exist, or the asker may not know that it does."""
