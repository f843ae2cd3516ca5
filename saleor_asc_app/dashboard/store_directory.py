"""Reads the store data the configuration page offers as choices, through the typed Saleor client.

Channels, warehouses and shipping methods are read with the app's token. Permission groups and staff members are
read with the staff user's own dashboard token (Saleor runs it as the user, limited to app ∩ user permissions), so
the page never shows staff data the user could not see in Saleor; groups fall back to the user's own from ``me``.
A read Saleor refuses (a permission the app or user lacks) leaves that list ``None`` and adds a problem note, so
the page still opens.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Protocol, TypeVar

import httpx

from saleor_asc_app.auth.dashboard import DashboardUser
from saleor_asc_app.configuration.saleor_store import Channel, NamedItem, ShippingMethod, StoreSnapshot
from saleor_asc_app.crypto import SecretBox
from saleor_asc_app.installations import app_token
from saleor_asc_app.logging import get_logger
from saleor_asc_app.saleor.client import SaleorClient as Client
from saleor_asc_app.saleor.client import create_saleor_client
from saleor_asc_app.saleor.errors import SaleorError

log = get_logger(__name__)

PAGE_SIZE = 100
MAX_PAGES = 20
SETTINGS_PERMISSION = "MANAGE_SETTINGS"

T = TypeVar("T")


class StoreDirectory(Protocol):
    async def snapshot(self, user: DashboardUser) -> StoreSnapshot: ...


class SaleorStoreDirectory:
    def __init__(self, http_client: httpx.AsyncClient, secret_box: SecretBox) -> None:
        self._http = http_client
        self._box = secret_box

    def _client(self, url: str, token: str) -> Client:
        return create_saleor_client(url, token, self._http)

    async def snapshot(self, user: DashboardUser) -> StoreSnapshot:
        url = user.installation.saleor_api_url
        app = self._client(url, app_token(user.installation, self._box))
        as_user = self._client(url, user.token)
        problems: list[str] = []
        channels = await _attempt(_channels(app), "channels", problems) or ()
        warehouses = await _attempt(_warehouses(app), "warehouses", problems) or ()
        methods_per_channel = await asyncio.gather(
            *(_attempt(_shipping_methods(app, c.slug), f"shipping methods of {c.name}", problems) for c in channels)
        )
        shipping_methods = tuple(m for methods in methods_per_channel for m in methods or ())
        groups = await _attempt(_permission_groups(as_user), None, [])
        if groups is None:
            groups = await _attempt(_own_groups(as_user), "permission groups", problems)
            if groups is not None:
                problems.append(
                    "Only the permission groups you belong to are listed: listing every group needs "
                    "MANAGE_STAFF for both you and the app."
                )
        staff = await _attempt(_staff(as_user), None, [])
        if staff is None:
            problems.append(
                "Staff members cannot be listed (that needs MANAGE_STAFF for both you and the app); "
                "enter e-mail addresses instead."
            )
        return StoreSnapshot(
            channels=channels,
            warehouses=warehouses,
            shipping_methods=shipping_methods,
            permission_groups=groups,
            staff_users=tuple(NamedItem(u.id, u.name) for u, _ in staff) if staff is not None else None,
            settings_managers=tuple(NamedItem(u.id, u.name) for u, perms in staff if SETTINGS_PERMISSION in perms)
            if staff is not None
            else None,
            problems=tuple(problems),
        )


async def _attempt(coroutine: Awaitable[T], what: str | None, problems: list[str]) -> T | None:
    try:
        return await coroutine
    except SaleorError as exc:
        log.info("saleor read refused", what=what or "optional read", error_type=type(exc).__name__, detail=str(exc))
        if what is not None:
            problems.append(f"Saleor did not return the {what}.")
        return None


async def _channels(client: Client) -> tuple[Channel, ...]:
    result = await client.channels()
    return tuple(Channel(c.slug, c.name, c.currency_code) for c in result.channels or ())


async def _warehouses(client: Client) -> tuple[NamedItem, ...]:
    items: list[NamedItem] = []
    after: str | None = None
    for _ in range(MAX_PAGES):
        page = (await client.warehouses(first=PAGE_SIZE, after=after)).warehouses
        if page is None:
            break
        items += [NamedItem(e.node.id, e.node.name) for e in page.edges]
        if not page.page_info.has_next_page:
            break
        after = page.page_info.end_cursor
    return tuple(items)


async def _shipping_methods(client: Client, channel_slug: str) -> tuple[ShippingMethod, ...]:
    shop = (await client.available_shipping_methods(channel=channel_slug)).shop
    return tuple(ShippingMethod(m.id, m.name, channel_slug) for m in shop.available_shipping_methods or ())


async def _permission_groups(client: Client) -> tuple[NamedItem, ...]:
    items: list[NamedItem] = []
    after: str | None = None
    for _ in range(MAX_PAGES):
        page = (await client.permission_groups(first=PAGE_SIZE, after=after)).permission_groups
        if page is None:
            raise SaleorError("permissionGroups returned null")
        items += [NamedItem(e.node.id, e.node.name) for e in page.edges]
        if not page.page_info.has_next_page:
            break
        after = page.page_info.end_cursor
    return tuple(items)


async def _own_groups(client: Client) -> tuple[NamedItem, ...]:
    me = (await client.me()).me
    if me is None:
        return ()
    return tuple(NamedItem(g.id, g.name) for g in me.permission_groups or ())


async def _staff(client: Client) -> tuple[tuple[NamedItem, frozenset[str]], ...]:
    items: list[tuple[NamedItem, frozenset[str]]] = []
    after: str | None = None
    for _ in range(MAX_PAGES):
        page = (await client.staff_with_permission(first=PAGE_SIZE, after=after)).staff_users
        if page is None:
            raise SaleorError("staffUsers returned null")
        for edge in page.edges:
            perms = frozenset(str(p.code.value) for p in edge.node.user_permissions or ())
            items.append((NamedItem(edge.node.id, edge.node.email), perms))
        if not page.page_info.has_next_page:
            break
        after = page.page_info.end_cursor
    return tuple(items)
