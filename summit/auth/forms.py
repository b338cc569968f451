"""Validated input for accounts and roles."""

from __future__ import annotations

from pydantic import EmailStr, Field, field_validator

from summit.auth.models import Role
from summit.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
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
