"""The resolver registry, the default resolver, per-request context and Saleor-style permission checks.

Saleor writes each field's permission rule into the schema description ("Requires one of the following
permissions: MANAGE_ORDERS, …"); the middleware here enforces exactly those rules for every field it resolves,
so the double refuses what Saleor refuses without a hand-kept list.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graphql import GraphQLError, GraphQLResolveInfo, GraphQLSchema

from tests.doubles.saleor_double.auth import Principal, permission_denied
from tests.doubles.saleor_double.state import DoubleState

Resolver = Callable[..., Any]
F = TypeVar("F", bound=Resolver)

RESOLVERS: dict[tuple[str, str], Resolver] = {}

PAGINATION_LIMIT = 100
_REQUIRES = re.compile(r"Requires one of the following permissions: ([A-Z_][A-Z_, ]*[A-Z_])")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


@dataclass
class Context:
    state: DoubleState
    principal: Principal
    api_url: str
    # Set while building a webhook payload: the event being delivered.
    extra: dict[str, Any] = field(default_factory=dict)


def resolver(type_name: str, field_name: str) -> Callable[[F], F]:
    def register(func: F) -> F:
        RESOLVERS[(type_name, field_name)] = func
        return func

    return register


def ctx(info: GraphQLResolveInfo) -> Context:
    context = info.context
    assert isinstance(context, Context)
    return context


@functools.cache
def _snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def default_resolver(source: Any, info: GraphQLResolveInfo, **_args: Any) -> Any:
    name = info.field_name
    if isinstance(source, dict):
        return source.get(name, source.get(_snake(name)))
    return getattr(source, _snake(name), None)


def field_requirements(schema: GraphQLSchema, type_name: str, field_name: str) -> tuple[str, ...]:
    return _requirements(id(schema), schema, type_name, field_name)


@functools.lru_cache(maxsize=4096)
def _requirements(_key: int, schema: GraphQLSchema, type_name: str, field_name: str) -> tuple[str, ...]:
    parent = schema.get_type(type_name)
    fields = getattr(parent, "fields", None)
    description = fields[field_name].description if fields and field_name in fields else None
    match = _REQUIRES.search(description or "")
    if not match:
        return ()
    return tuple(p for p in re.split(r"[,\s]+", match.group(1)) if p and p != "OWNER")


def permission_middleware(next_: Resolver, root: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    context = ctx(info)
    if info.path.prev is None and context.principal.token_error:
        code, message = context.principal.token_error
        raise GraphQLError(message, extensions={"exception": {"code": code}})
    requirements = field_requirements(info.schema, info.parent_type.name, info.field_name)
    if requirements and not context.principal.satisfies_any(requirements):
        raise permission_denied(requirements)
    return next_(root, info, **args)


def saleor_error(message: str, code: str = "GraphQLError") -> GraphQLError:
    return GraphQLError(message, extensions={"exception": {"code": code}})


def metadata_list(values: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": k, "value": v} for k, v in values.items()]


# -- connections ------------------------------------------------------------------------------------------


def _cursor(index: int) -> str:
    return base64.b64encode(json.dumps([index]).encode()).decode()


def _index(cursor: str) -> int:
    try:
        value = json.loads(base64.b64decode(cursor.encode()).decode())
        return int(value[0])
    except (ValueError, TypeError, IndexError, KeyError):
        raise saleor_error(f"Received cursor ({cursor}) is invalid.") from None


def connection(
    items: Sequence[Any], field_name: str, first: int | None, after: str | None, last: int | None = None
) -> dict[str, Any]:
    """A Relay connection over `items` with Saleor's pagination rules (first/last required, at most 100)."""
    if first is None and last is None:
        raise saleor_error(
            f"You must provide a `first` or `last` value to properly paginate the `{field_name}` connection."
        )
    size = first if first is not None else last
    assert size is not None
    if size < 0:
        raise saleor_error(f"Argument 'first' or 'last' on connection '{field_name}' cannot be less than zero.")
    if size > PAGINATION_LIMIT:
        raise saleor_error(
            f"Requesting {size} records on the `{field_name}` connection exceeds the "
            f"`{'first' if first is not None else 'last'}` limit of {PAGINATION_LIMIT} records."
        )
    start = _index(after) + 1 if after else 0
    window = list(items[start : start + size]) if first is not None else list(items[max(0, len(items) - size) :])
    begin = start if first is not None else max(0, len(items) - size)
    edges = [{"node": node, "cursor": _cursor(begin + i)} for i, node in enumerate(window)]
    return {
        "edges": edges,
        "pageInfo": {
            "hasNextPage": begin + len(window) < len(items),
            "hasPreviousPage": begin > 0,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
        "totalCount": len(items),
    }
