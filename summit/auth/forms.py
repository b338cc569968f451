"""Validated input for accounts and roles."""

from __future__ import annotations

from typing import Literal

from pydantic import EmailStr, Field, field_validator

from summit.auth.models import Role
from summit.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from summit.i18n.viewer import known_zones
from summit.validation import Input, LanguageCode, RowId


class AccountInput(Input):
    email: EmailStr
    display_name: str = Field(min_length=1, max_length=200)
    password: str | None = Field(
        default=None, min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH
    )
    language: LanguageCode | None = None

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class RoleInput(Input):
    role: Role
    delegation_id: RowId | None = None
    person_id: RowId | None = None


class PreferencesInput(Input):
    """How an account's pages are shown: one of the interface's languages, an IANA zone."""

    language: Literal["en", "fr", "ar"]
    timezone: str = Field(max_length=64)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in known_zones():
            raise ValueError("unknown time zone")
        return value
