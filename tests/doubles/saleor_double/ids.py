"""Saleor's global IDs: base64 of `<Type>:<pk>` (graphql-relay), e.g. `ProductVariant:402`, `Order:<uuid>`."""

from __future__ import annotations

import base64
import binascii


class InvalidGlobalId(ValueError):
    pass


def to_global_id(type_name: str, pk: object) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def from_global_id(global_id: str) -> tuple[str, str]:
    try:
        decoded = base64.b64decode(global_id.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidGlobalId(global_id) from None
    type_name, sep, pk = decoded.partition(":")
    if not sep or not type_name or not pk:
        raise InvalidGlobalId(global_id)
    return type_name, pk


def pk_of(global_id: str, expected_type: str) -> str | None:
    """The pk if `global_id` is a valid ID of `expected_type`, else None."""
    try:
        type_name, pk = from_global_id(global_id)
    except InvalidGlobalId:
        return None
    return pk if type_name == expected_type else None
