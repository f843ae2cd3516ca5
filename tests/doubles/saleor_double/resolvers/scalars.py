"""Saleor's custom scalars as the double serializes and parses them."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from graphql import GraphQLScalarType, GraphQLSchema, ValueNode, value_from_ast_untyped


def _serialize_datetime(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def _serialize_decimal(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _serialize_json_string(value: Any) -> Any:
    return value if value is None or isinstance(value, str) else json.dumps(value)


def _parse_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("DateTime must be an ISO 8601 string")
    return datetime.fromisoformat(value)


def _parse_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("not a number")
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not result.is_finite():
        raise ValueError("not a finite number")
    return result


def _parse_positive_decimal(value: Any) -> Decimal:
    result = _parse_decimal(value)
    if result < 0:
        raise ValueError("Value cannot be lower than 0.")
    return result


def _literal(parse: Any) -> Any:
    def parse_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> Any:
        return parse(value_from_ast_untyped(node, variables))

    return parse_literal


def bind_scalars(schema: GraphQLSchema) -> None:
    rules: dict[str, tuple[Any, Any]] = {
        "DateTime": (_serialize_datetime, _parse_datetime),
        "Date": (_serialize_datetime, None),
        "Decimal": (_serialize_decimal, _parse_decimal),
        "PositiveDecimal": (_serialize_decimal, _parse_positive_decimal),
        "WeightScalar": (_serialize_decimal, _parse_positive_decimal),
        "JSONString": (_serialize_json_string, None),
    }
    for name, (serialize, parse) in rules.items():
        scalar = schema.get_type(name)
        if not isinstance(scalar, GraphQLScalarType):
            continue
        scalar.serialize = serialize  # type: ignore[method-assign]
        if parse is not None:
            scalar.parse_value = parse  # type: ignore[method-assign]
            scalar.parse_literal = _literal(parse)  # type: ignore[method-assign]
