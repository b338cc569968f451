"""Validated input for people and delegations."""

from __future__ import annotations

from pydantic import EmailStr, Field, model_validator

from summit.people.models import DelegationKind, DelegationRole
from summit.validation import CountryCode, Input, RequiredTexts, RowId, ShortTexts, Slug, Texts


class DelegationInput(Input):
    slug: Slug
    name: RequiredTexts
    kind: DelegationKind
    country_code: CountryCode | None = None

    @model_validator(mode="after")
    def _governments_have_a_country(self) -> DelegationInput:
        if self.kind is DelegationKind.GOVERNMENT and self.country_code is None:
            raise ValueError("a government delegation needs its country code")
        return self


class PersonInput(Input):
    slug: Slug
    full_name: str = Field(min_length=1, max_length=200)
    title: ShortTexts = Field(default_factory=dict)
    organisation: ShortTexts = Field(default_factory=dict)
    bio: Texts = Field(default_factory=dict)
    delegation_id: RowId | None = None
    delegation_role: DelegationRole | None = None
    email: EmailStr | None = None

    @model_validator(mode="after")
    def _role_needs_delegation(self) -> PersonInput:
        if self.delegation_role is not None and self.delegation_id is None:
            raise ValueError("a role in a delegation needs the delegation")
        if self.delegation_id is not None and self.delegation_role is None:
            raise ValueError("say whether the person heads the delegation or is a member")
        return self
