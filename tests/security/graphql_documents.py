"""Minimal valid documents for every root field of the dashboard API, built from the schema itself, so a field
added later is covered without touching the tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
    is_abstract_type,
    parse,
    validate,
)
from graphql.pyutils import Undefined
from strawberry import Schema

SCALARS: dict[str, Any] = {
    "String": "x",
    "ID": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "Date": "2026-01-01",
    "DateTime": "2026-01-01T00:00:00+00:00",
    "Decimal": "1",
    "UUID": "00000000-0000-0000-0000-000000000000",
    "JSON": {},
}


@dataclass(frozen=True)
class RootField:
    operation: str  # "query" | "mutation"
    name: str  # GraphQL name
    permission_classes: tuple[str, ...]
    document: str
    variables: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.operation} {self.name}"


def minimal_value(type_: GraphQLInputType) -> Any:
    if isinstance(type_, GraphQLNonNull):
        return minimal_value(type_.of_type)
    if isinstance(type_, GraphQLList):
        return []
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return {
            name: minimal_value(field.type)
            for name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
        }
    if isinstance(type_, GraphQLScalarType):
        if type_.name not in SCALARS:
            raise LookupError(f"add a minimal value for the scalar {type_.name}")
        return SCALARS[type_.name]
    raise TypeError(type_)


def root_fields(schema: Schema) -> list[RootField]:
    core: GraphQLSchema = schema._schema
    fields = []
    for operation, root in (("query", core.query_type), ("mutation", core.mutation_type)):
        if root is None:
            continue
        for name, field in root.fields.items():
            definition = field.extensions.get("strawberry-definition")
            permissions = tuple(p.__name__ for p in getattr(definition, "permission_classes", []))
            required = {
                arg_name: arg
                for arg_name, arg in field.args.items()
                if isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined
            }
            declared = ", ".join(f"${a}: {arg.type}" for a, arg in required.items())
            arguments = ", ".join(f"{a}: ${a}" for a in required)
            named = get_named_type(field.type)
            selection = " { __typename }" if isinstance(named, GraphQLObjectType) or is_abstract_type(named) else ""
            document = (
                f"{operation} Probe{f'({declared})' if declared else ''} "
                f"{{ {name}{f'({arguments})' if arguments else ''}{selection} }}"
            )
            errors = validate(core, parse(document))
            assert not errors, (document, errors)
            variables = {a: minimal_value(arg.type) for a, arg in required.items()}
            fields.append(RootField(operation, name, permissions, document, variables))
    return fields
