"""Apps, staff users and permission groups."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from tests.doubles.saleor_double.auth import require
from tests.doubles.saleor_double.ids import pk_of
from tests.doubles.saleor_double.models import App, Channel, PermissionGroup, StaffUser
from tests.doubles.saleor_double.resolvers.base import connection, ctx, resolver

PERMISSION_NAMES = {
    "MANAGE_USERS": "Manage customers.",
    "MANAGE_STAFF": "Manage staff.",
    "IMPERSONATE_USER": "Impersonate user.",
    "MANAGE_APPS": "Manage apps",
    "MANAGE_OBSERVABILITY": "Manage observability",
    "MANAGE_CHECKOUTS": "Manage checkouts",
    "HANDLE_CHECKOUTS": "Handle checkouts",
    "HANDLE_TAXES": "Handle taxes",
    "MANAGE_TAXES": "Manage taxes",
    "MANAGE_CHANNELS": "Manage channels.",
    "MANAGE_CUSTOMER_TYPES_AND_ATTRIBUTES": "Manage customer types and attributes.",
    "MANAGE_DISCOUNTS": "Manage sales and vouchers.",
    "MANAGE_GIFT_CARD": "Manage gift cards.",
    "MANAGE_MENUS": "Manage navigation.",
    "MANAGE_ORDERS": "Manage orders.",
    "MANAGE_ORDERS_IMPORT": "Manage orders import.",
    "MANAGE_PAGES": "Manage pages.",
    "MANAGE_PAGE_TYPES_AND_ATTRIBUTES": "Manage page types and attributes.",
    "HANDLE_PAYMENTS": "Handle payments",
    "MANAGE_PLUGINS": "Manage plugins",
    "MANAGE_PRODUCTS": "Manage products.",
    "MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES": "Manage product types and attributes.",
    "MANAGE_SHIPPING": "Manage shipping.",
    "MANAGE_SETTINGS": "Manage settings.",
    "MANAGE_TRANSLATIONS": "Manage translations.",
}


def permission_list(codes: set[str] | frozenset[str]) -> list[dict[str, str]]:
    return [{"code": code, "name": PERMISSION_NAMES.get(code, code)} for code in sorted(codes)]


@resolver("Query", "app")
def resolve_app(_root: Any, info: GraphQLResolveInfo, id: str | None = None) -> App | None:
    context = ctx(info)
    principal = context.principal
    if id is None:
        return principal.app
    pk = pk_of(id, "App")
    app = context.state.apps.get(pk) if pk else None
    if principal.app is not None and app is principal.app:
        return app
    require(principal, "MANAGE_APPS")
    return app if app is not None and not app.removed else None


@resolver("App", "permissions")
def resolve_app_permissions(app: App, _info: GraphQLResolveInfo) -> list[dict[str, str]]:
    return permission_list(app.permissions)


@resolver("App", "type")
def resolve_app_type(_app: App, _info: GraphQLResolveInfo) -> str:
    return "THIRDPARTY"


@resolver("App", "extensions")
def resolve_app_extensions(_app: App, _info: GraphQLResolveInfo) -> list[Any]:
    return []


@resolver("App", "breakerState")
def resolve_app_breaker_state(_app: App, _info: GraphQLResolveInfo) -> str:
    return "CLOSED"


@resolver("Query", "me")
def resolve_me(_root: Any, info: GraphQLResolveInfo) -> StaffUser | None:
    return ctx(info).principal.user


@resolver("Query", "permissionGroups")
def resolve_permission_groups(
    _root: Any,
    info: GraphQLResolveInfo,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    filter: dict[str, Any] | None = None,
    **_: Any,
) -> dict[str, Any]:
    groups = list(ctx(info).state.groups.values())
    if filter and filter.get("ids"):
        wanted = {pk_of(i, "Group") for i in filter["ids"]}
        groups = [g for g in groups if g.pk in wanted]
    if filter and filter.get("search"):
        needle = str(filter["search"]).lower()
        groups = [g for g in groups if needle in g.name.lower()]
    return connection(groups, "permissionGroups", first, after, last)


@resolver("Query", "permissionGroup")
def resolve_permission_group(_root: Any, info: GraphQLResolveInfo, id: str) -> PermissionGroup | None:
    require(ctx(info).principal, "MANAGE_STAFF")
    pk = pk_of(id, "Group")
    return ctx(info).state.groups.get(pk) if pk else None


@resolver("Query", "staffUsers")
def resolve_staff_users(
    _root: Any,
    info: GraphQLResolveInfo,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    filter: dict[str, Any] | None = None,
    **_: Any,
) -> dict[str, Any]:
    users = [u for u in ctx(info).state.staff.values() if u.is_staff]
    filter = filter or {}
    if filter.get("status") == "ACTIVE":
        users = [u for u in users if u.is_active]
    elif filter.get("status") == "DEACTIVATED":
        users = [u for u in users if not u.is_active]
    if filter.get("ids"):
        wanted = {pk_of(i, "User") for i in filter["ids"]}
        users = [u for u in users if u.pk in wanted]
    if filter.get("search"):
        needle = str(filter["search"]).lower()
        users = [u for u in users if needle in f"{u.email} {u.first_name} {u.last_name}".lower()]
    return connection(users, "staffUsers", first, after, last)


@resolver("User", "permissionGroups")
def resolve_user_groups(user: StaffUser, info: GraphQLResolveInfo) -> list[PermissionGroup]:
    groups = ctx(info).state.groups
    return [groups[pk] for pk in user.group_pks if pk in groups]


@resolver("User", "userPermissions")
def resolve_user_permissions(user: StaffUser, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    return permission_list(ctx(info).state.staff_permissions(user))


@resolver("User", "accessibleChannels")
def resolve_user_channels(user: StaffUser, info: GraphQLResolveInfo) -> list[Channel]:
    return ctx(info).state.user_channels(user)[1]


@resolver("User", "restrictedAccessToChannels")
def resolve_user_restricted(user: StaffUser, info: GraphQLResolveInfo) -> bool:
    return ctx(info).state.user_channels(user)[0]


@resolver("User", "editableGroups")
def resolve_user_editable_groups(user: StaffUser, info: GraphQLResolveInfo) -> list[PermissionGroup]:
    return resolve_user_groups(user, info)


@resolver("Group", "users")
def resolve_group_users(group: PermissionGroup, info: GraphQLResolveInfo) -> list[StaffUser]:
    return [u for u in ctx(info).state.staff.values() if group.pk in u.group_pks]


@resolver("Group", "permissions")
def resolve_group_permissions(group: PermissionGroup, _info: GraphQLResolveInfo) -> list[dict[str, str]]:
    return permission_list(group.permissions)


@resolver("Group", "accessibleChannels")
def resolve_group_channels(group: PermissionGroup, info: GraphQLResolveInfo) -> list[Channel]:
    channels = ctx(info).state.channels
    if not group.restricted_access_to_channels:
        return list(channels.values())
    return [channels[pk] for pk in group.channel_pks if pk in channels]


@resolver("Group", "userCanManage")
def resolve_group_user_can_manage(group: PermissionGroup, info: GraphQLResolveInfo) -> bool:
    principal = ctx(info).principal
    return principal.user is not None and group.permissions <= principal.permissions
