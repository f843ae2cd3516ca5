"""updateMetadata and updatePrivateMetadata: permission by object type, as Saleor checks them."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from tests.doubles.saleor_double.auth import Principal, require
from tests.doubles.saleor_double.models import App, Order, WithMetadata
from tests.doubles.saleor_double.resolvers.base import ctx, resolver
from tests.doubles.saleor_double.resolvers.common import (
    PRIVATE_METADATA_PERMISSIONS,
    PUBLIC_METADATA_WRITE_PERMISSIONS,
    typename_of,
)


def _errors(field: str, code: str, message: str) -> list[dict[str, Any]]:
    return [{"field": field, "code": code, "message": message}]


def _check_write(principal: Principal, item: Any, private: bool) -> None:
    if isinstance(item, App) and principal.app is item:
        return
    table = PRIVATE_METADATA_PERMISSIONS if private else PUBLIC_METADATA_WRITE_PERMISSIONS
    require(principal, *table.get(typename_of(item), ("MANAGE_SETTINGS",)))


def _update(info: GraphQLResolveInfo, id: str, input: list[dict[str, str]], private: bool) -> dict[str, Any]:
    context = ctx(info)
    item = context.state.node(id)
    if item is None or not isinstance(item, WithMetadata):
        errors = _errors("id", "NOT_FOUND", f"Couldn't resolve to a node: {id}")
        return {"errors": errors, "metadataErrors": errors, "item": None}
    _check_write(context.principal, item, private)
    if any(not entry["key"].strip() for entry in input):
        errors = _errors("input", "REQUIRED", "Metadata key cannot be empty.")
        return {"errors": errors, "metadataErrors": errors, "item": None}
    store = item.private_metadata if private else item.metadata
    for entry in input:
        store[entry["key"]] = entry["value"]
    if isinstance(item, Order):
        item.updated_at = context.state.clock.now()
        context.state.emit("ORDER_METADATA_UPDATED", {"order": item}, context.principal.principal)
    return {"errors": [], "metadataErrors": [], "item": item}


@resolver("Mutation", "updateMetadata")
def resolve_update_metadata(_root: Any, info: GraphQLResolveInfo, id: str, input: list[dict[str, str]]) -> Any:
    return _update(info, id, input, private=False)


@resolver("Mutation", "updatePrivateMetadata")
def resolve_update_private_metadata(_root: Any, info: GraphQLResolveInfo, id: str, input: list[dict[str, str]]) -> Any:
    return _update(info, id, input, private=True)
