"""The `event` root of webhook subscriptions: the double executes a subscription document against one event."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from tests.doubles.saleor_double.resolvers.base import ctx, resolver


@resolver("Subscription", "event")
def resolve_event(_root: Any, info: GraphQLResolveInfo) -> Any:
    return ctx(info).extra.get("event")
