"""Resolvers of the double, bound once onto the pinned executable schema."""

from __future__ import annotations

from graphql import GraphQLInterfaceType, GraphQLSchema, GraphQLUnionType

from tests.doubles.saleor_double.resolvers import (  # noqa: F401  (registration side effects)
    accounts,
    app_problems,
    catalog,
    events,
    order_bulk_create,
    order_mutations,
    orders,
)
from tests.doubles.saleor_double.resolvers import metadata as metadata_mutations  # noqa: F401
from tests.doubles.saleor_double.resolvers.base import RESOLVERS
from tests.doubles.saleor_double.resolvers.common import bind_metadata, resolve_abstract_type
from tests.doubles.saleor_double.resolvers.scalars import bind_scalars

_BOUND: set[int] = set()


def bind_resolvers(schema: GraphQLSchema) -> GraphQLSchema:
    """Attach the double's resolvers and scalar rules to `schema` (idempotent)."""
    if id(schema) in _BOUND:
        return schema
    for (type_name, field_name), func in RESOLVERS.items():
        type_ = schema.get_type(type_name)
        fields = getattr(type_, "fields", None)
        if not fields or field_name not in fields:
            raise LookupError(f"{type_name}.{field_name} is not in the pinned schema")
        fields[field_name].resolve = func
    bind_metadata(schema)
    bind_scalars(schema)
    for type_ in schema.type_map.values():
        if isinstance(type_, GraphQLInterfaceType | GraphQLUnionType):
            type_.resolve_type = resolve_abstract_type
    _BOUND.add(id(schema))
    return schema
