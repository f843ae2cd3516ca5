"""The dashboard API: what the app's pages read and change. Every resolver works on ``context.installation_id``
only; no argument names an installation, so a request cannot reach another tenant."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, Info

from saleor_asc_app.configuration import marketplaces
from saleor_asc_app.configuration.repository import Actor, configuration_repository, load_configuration
from saleor_asc_app.configuration.validation import validate
from saleor_asc_app.connections.dashboard_api import ConnectionsMutation, ConnectionsQuery
from saleor_asc_app.dashboard import types as t
from saleor_asc_app.dashboard.auth import MANAGE_APPS
from saleor_asc_app.dashboard.context import DashboardContext
from saleor_asc_app.dashboard.permissions import CanManageApps, IsStaffUser
from saleor_asc_app.errors import AppError
from saleor_asc_app.fulfilment.dashboard_api import FulfilmentMutation, FulfilmentQuery
from saleor_asc_app.orders.dashboard_api import OrdersMutation, OrdersQuery
from saleor_asc_app.processing_errors.dashboard_api import ProcessingErrorsQuery

MAX_CHANGES = 200


def _ctx(info: Info[Any, Any]) -> DashboardContext:
    context: DashboardContext = info.context
    return context


async def resolve_app_status(info: Info[Any, Any]) -> t.AppStatus:
    ctx = _ctx(info)
    async with ctx.sessionmaker() as session:
        loaded = await load_configuration(session, ctx, ctx.installation_id)
    installation = ctx.user.installation
    return t.AppStatus(
        saleor_api_url=installation.saleor_api_url,
        installed_at=installation.installed_at,
        configured=loaded.version > 0,
        demo_mode=ctx.settings.demo_mode,
        connection_count=len(loaded.config.connections),
        viewer=t.Viewer(
            user_id=ctx.user.user_id, email=ctx.user.email, can_manage_configuration=ctx.user.has(MANAGE_APPS)
        ),
    )


async def resolve_configuration(info: Info[Any, Any]) -> t.Configuration:
    ctx = _ctx(info)
    async with ctx.sessionmaker() as session:
        loaded = await load_configuration(session, ctx, ctx.installation_id)
    return t.configuration_out(loaded, now=ctx.clock.now(), lifetime_days=ctx.settings.authorization_lifetime_days)


async def resolve_store_options(info: Info[Any, Any]) -> t.StoreOptions:
    ctx = _ctx(info)
    return t.store_options_out(await ctx.store.snapshot(ctx.user))


def resolve_marketplaces() -> list[t.Marketplace]:
    return [t.marketplace_out(m) for m in marketplaces.MARKETPLACES]


async def resolve_configuration_changes(info: Info[Any, Any], first: int = 50) -> list[t.ConfigurationChangeEntry]:
    ctx = _ctx(info)
    async with ctx.sessionmaker() as session:
        rows = await configuration_repository(session, ctx).changes(
            ctx.installation_id, limit=max(1, min(first, MAX_CHANGES))
        )
    return [t.change_out(row) for row in rows]


async def save_configuration(
    info: Info[Any, Any], input: t.ConfigurationInput, expected_version: int
) -> t.SaveConfigurationPayload:
    ctx = _ctx(info)
    async with ctx.sessionmaker() as session:
        stored = await load_configuration(session, ctx, ctx.installation_id)
    config = t.config_from_input(input, stored.config)
    pairs = list(zip(config.connections, input.connections, strict=True))
    new_tokens = {c.id: i.refresh_token.strip() for c, i in pairs if i.refresh_token and i.refresh_token.strip()}
    snapshot = await ctx.store.snapshot(ctx.user)
    errors = validate(config, snapshot, today=ctx.clock.now().date(), new_refresh_tokens=new_tokens)
    if errors:
        return t.SaveConfigurationPayload(
            configuration=None,
            errors=[t.ConfigurationFieldError(field=e.field, message=e.message, code=e.code) for e in errors],
        )
    token_changes: dict[str, str | None] = dict(new_tokens)
    token_changes.update({c.id: None for c, i in pairs if i.remove_authorization and c.id not in new_tokens})
    async with ctx.sessionmaker() as session, session.begin():
        saved = await configuration_repository(session, ctx).save(
            ctx.installation_id,
            config,
            expected_version=expected_version,
            refresh_tokens=token_changes,
            actor=Actor(user_id=ctx.user.user_id, email=ctx.user.email),
        )
    return t.SaveConfigurationPayload(
        configuration=t.configuration_out(
            saved, now=ctx.clock.now(), lifetime_days=ctx.settings.authorization_lifetime_days
        ),
        errors=[],
    )


@strawberry.type
class Query:
    app_status: t.AppStatus = strawberry.field(
        resolver=resolve_app_status, permission_classes=[IsStaffUser], description="The app's state for this store."
    )
    configuration: t.Configuration = strawberry.field(resolver=resolve_configuration, permission_classes=[IsStaffUser])
    store_options: t.StoreOptions = strawberry.field(
        resolver=resolve_store_options,
        permission_classes=[IsStaffUser],
        description="Channels, warehouses, shipping methods, groups and staff from Saleor.",
    )
    marketplaces: list[t.Marketplace] = strawberry.field(
        resolver=resolve_marketplaces,
        permission_classes=[IsStaffUser],
        description="Amazon marketplaces the app can connect.",
    )
    configuration_changes: list[t.ConfigurationChangeEntry] = strawberry.field(
        resolver=resolve_configuration_changes,
        permission_classes=[CanManageApps],
        description="Who changed the configuration, when and how (newest first).",
    )


@strawberry.type
class Mutation:
    save_configuration: t.SaveConfigurationPayload = strawberry.mutation(
        resolver=save_configuration, permission_classes=[CanManageApps]
    )


class DashboardSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Expected refusals (permissions, conflicts, validation of the query) are answers, not failures to log."""
        unexpected = [e for e in errors if e.original_error is not None and not _is_expected(e.original_error)]
        if unexpected:
            super().process_errors(unexpected, execution_context)


def _is_expected(error: BaseException) -> bool:
    return isinstance(error, AppError | GraphQLError)


def build_schema(*, debug: bool) -> strawberry.Schema:
    """Introspection is allowed only in debug mode (with GraphiQL); production answers no schema questions."""
    query = merge_types("Query", (Query, ConnectionsQuery, FulfilmentQuery, ProcessingErrorsQuery, OrdersQuery))
    mutation = merge_types("Mutation", (Mutation, ConnectionsMutation, FulfilmentMutation, OrdersMutation))
    return DashboardSchema(query=query, mutation=mutation, extensions=[] if debug else [DisableIntrospection])
