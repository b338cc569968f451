"""Who may do what: plain predicates over a principal, used by pages, fragments, exports, the
API and the live layer alike. Nothing here touches the database or the web."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from summit.auth.models import Role


@dataclass(frozen=True, slots=True)
class Grant:
    summit_id: int
    role: Role
    delegation_id: int | None = None
    person_id: int | None = None


@dataclass(frozen=True, slots=True)
class Principal:
    """The one asking: an account with its roles, or nobody."""

    account_id: int | None = None
    display_name: str = ""
    session_version: int = 0
    grants: tuple[Grant, ...] = field(default_factory=tuple)
    language: str | None = None
    """The language the account chose for its pages, if any."""
    timezone: str | None = None
    """The time zone the account chose for its pages, if any."""

    @property
    def is_authenticated(self) -> bool:
        return self.account_id is not None

    def roles_in(self, summit_id: int) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.grants if grant.summit_id == summit_id)

    def has_role(self, summit_id: int, role: Role | str) -> bool:
        """Templates pass the role's name; ``Role`` is a string enum, so both compare equal."""
        return any(grant.summit_id == summit_id and grant.role == role for grant in self.grants)


ANONYMOUS = Principal()


class Access(StrEnum):
    """What a route asks of the one calling it. Every route declares one."""

    PUBLIC = "public"
    """Anyone, signed in or not."""
    SIGNED_IN = "signed_in"
    """Any active account."""
    ORGANISER = "organiser"
    """An organiser of the summit named in the path."""
    JUROR = "juror"
    """A juror of the summit named in the path."""
    DELEGATE = "delegate"
    """A delegate of the summit named in the path."""
    MEMBER = "member"
    """Anyone holding any role in the summit named in the path."""
    SPEAKER = "speaker"
    """A speaker of the summit named in the path, linked to their programme entry."""


def is_organiser(principal: Principal, summit_id: int) -> bool:
    return principal.has_role(summit_id, Role.ORGANISER)


def allows(principal: Principal, access: Access, summit_id: int | None) -> bool:
    """Whether ``principal`` may use a route that declares ``access``."""
    if access is Access.PUBLIC:
        return True
    if not principal.is_authenticated:
        return False
    if access is Access.SIGNED_IN:
        return True
    if summit_id is None:
        return False
    if access is Access.MEMBER:
        return bool(principal.roles_in(summit_id))
    role = {
        Access.ORGANISER: Role.ORGANISER,
        Access.JUROR: Role.JUROR,
        Access.DELEGATE: Role.DELEGATE,
        Access.SPEAKER: Role.SPEAKER,
    }[access]
    if access is Access.SPEAKER:
        return speaker_person(principal, summit_id) is not None
    return principal.has_role(summit_id, role)


def speaker_person(principal: Principal, summit_id: int) -> int | None:
    """The person a speaker account speaks as in this summit: the only one its portal edits.

    None for anyone else, and for a speaker whose programme entry was removed."""
    return next(
        (
            grant.person_id
            for grant in principal.grants
            if grant.summit_id == summit_id and grant.role == Role.SPEAKER and grant.person_id
        ),
        None,
    )


def can_invite(principal: Principal, summit_id: int) -> bool:
    return is_organiser(principal, summit_id)


def can_see_audit_log(principal: Principal, summit_id: int) -> bool:
    return is_organiser(principal, summit_id)


def can_manage_roles(principal: Principal, summit_id: int) -> bool:
    return is_organiser(principal, summit_id)


def live_topics(principal: Principal, summit_id: int) -> frozenset[str]:
    """The live topics a page of this summit may follow, for this principal."""
    topics = {f"summit:{summit_id}:public"}
    if principal.account_id is not None:
        topics.add(f"account:{principal.account_id}")
    if is_organiser(principal, summit_id):
        topics.add(f"summit:{summit_id}:organisers")
    return frozenset(topics)
