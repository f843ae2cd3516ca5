"""Shared pieces of the SP-API models: the camelCase base, Money and the error list."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    """A shape Amazon sends or receives: snake_case in Python, camelCase on the wire.

    Unknown fields are ignored; the contract tests prove that every field of the models'
    examples is modelled (a parsed example dumps back to the original).
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        frozen=True,
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready dict Amazon expects: camelCase keys, unset fields left out."""
        data: dict[str, Any] = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        return data


def _decimal_from_wire(value: object) -> object:
    # Amazon's `Decimal` is a string ("a decimal number with no loss of precision"); a float would
    # already have lost it.
    if isinstance(value, float):
        raise ValueError("amounts must be decimal strings, not floats")
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


Amount = Annotated[
    Decimal,
    BeforeValidator(_decimal_from_wire),
    PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json"),
]


class Money(ApiModel):
    amount: Amount
    currency_code: str


class Error(ApiModel):
    code: str
    message: str | None = None
    details: str | None = None


class ErrorList(ApiModel):
    errors: list[Error]
