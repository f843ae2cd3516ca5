"""The "View Amazon PII" check (docs/saleor.md): membership of the permission group chosen on the configuration page,
asked of Saleor with the staff user's own dashboard token (``me { permissionGroups }``; membership is not in the
token), plus channel access: a group that restricts channels only covers orders of its channels, and a user whose
own access is restricted only sees orders of channels they can reach.

Saleor's answer is cached per installation, user and token until the token expires (at most its 5-minute life), so
a user removed from the group loses access with their next token. Anything unknown or failed denies.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import httpx

from saleor_asc_app.auth.dashboard import DashboardUser
from saleor_asc_app.clock import Clock
from saleor_asc_app.db.models import Installation
from saleor_asc_app.logging import get_logger
from saleor_asc_app.saleor.client import create_saleor_client
from saleor_asc_app.saleor.errors import SaleorError

log = get_logger(__name__)

MAX_CACHE_ENTRIES = 10_000
GROUP_CACHE = timedelta(minutes=5)


class Refusal(StrEnum):
    NO_GROUP_CONFIGURED = "NO_GROUP_CONFIGURED"
    NOT_IN_GROUP = "NOT_IN_GROUP"
    CHANNEL_NOT_ALLOWED = "CHANNEL_NOT_ALLOWED"
    INACTIVE_USER = "INACTIVE_USER"
    NOT_STAFF = "NOT_STAFF"
    CHECK_FAILED = "CHECK_FAILED"


MESSAGES = {
    Refusal.NO_GROUP_CONFIGURED: (
        "Nobody can view Amazon buyer data: no permission group is chosen for it on the app's configuration page."
    ),
    Refusal.NOT_IN_GROUP: "Viewing Amazon buyer data needs membership of the permission group chosen for it.",
    Refusal.CHANNEL_NOT_ALLOWED: "Your permission groups do not give you access to this order's channel.",
    Refusal.INACTIVE_USER: "Your staff account is not active.",
    Refusal.NOT_STAFF: "Only staff users can view Amazon buyer data.",
    Refusal.CHECK_FAILED: "Saleor could not confirm your permission groups just now, so buyer data stays hidden.",
}


@dataclass(frozen=True, slots=True)
class GroupAccess:
    name: str
    restricted: bool
    channels: frozenset[str]


@dataclass(frozen=True, slots=True)
class Viewer:
    """What Saleor says about the user behind a token."""

    user_id: str
    is_active: bool
    is_staff: bool
    restricted: bool
    channels: frozenset[str]
    groups: dict[str, GroupAccess]


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    refusal: Refusal | None = None
    group_name: str | None = None

    @property
    def message(self) -> str:
        return MESSAGES[self.refusal] if self.refusal else "Allowed."


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """Who may view buyer data: the group's name and its active members' e-mails (staff, not buyers)."""

    name: str
    members: tuple[str, ...]


class AccessCheckFailed(Exception):
    pass


class _ExpiringCache:
    def __init__(self) -> None:
        self._items: dict[tuple[str, ...], tuple[datetime, object]] = {}

    def get(self, key: tuple[str, ...], now: datetime) -> object | None:
        item = self._items.get(key)
        if item is None:
            return None
        if item[0] <= now:
            del self._items[key]
            return None
        return item[1]

    def put(self, key: tuple[str, ...], value: object, expires_at: datetime, now: datetime) -> None:
        if expires_at <= now:
            return
        if len(self._items) >= MAX_CACHE_ENTRIES:
            for stale in [k for k, (until, _) in self._items.items() if until <= now] or list(self._items)[:1000]:
                del self._items[stale]
        self._items[key] = (expires_at, value)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PiiAccess:
    """Answers "may this user see this order's buyer data?" — one per process (it holds the cache)."""

    def __init__(self, http_client: httpx.AsyncClient, clock: Clock) -> None:
        self._http = http_client
        self._clock = clock
        self._cache = _ExpiringCache()
        self.saleor_calls = 0

    async def viewer(self, user: DashboardUser) -> Viewer:
        key = ("viewer", str(user.installation.id), user.user_id, _token_hash(user.token))
        now = self._clock.now()
        cached = self._cache.get(key, now)
        if isinstance(cached, Viewer):
            return cached
        client = create_saleor_client(user.installation.saleor_api_url, user.token, self._http)
        self.saleor_calls += 1
        try:
            me = (await client.pii_viewer()).me
        except SaleorError as exc:
            log.info("PII access check: Saleor refused `me`", error_type=type(exc).__name__)
            raise AccessCheckFailed(type(exc).__name__) from None
        if me is None:
            raise AccessCheckFailed("me is null")
        viewer = Viewer(
            user_id=me.id,
            is_active=me.is_active,
            is_staff=me.is_staff,
            restricted=me.restricted_access_to_channels,
            channels=frozenset(c.slug for c in me.accessible_channels or ()),
            groups={
                g.id: GroupAccess(
                    g.name, g.restricted_access_to_channels, frozenset(c.slug for c in g.accessible_channels or ())
                )
                for g in me.permission_groups or ()
            },
        )
        self._cache.put(key, viewer, user.expires_at, now)
        return viewer

    async def order_channel(self, user: DashboardUser, saleor_order_id: str) -> str:
        key = ("order", str(user.installation.id), _token_hash(user.token), saleor_order_id)
        now = self._clock.now()
        cached = self._cache.get(key, now)
        if isinstance(cached, str):
            return cached
        client = create_saleor_client(user.installation.saleor_api_url, user.token, self._http)
        self.saleor_calls += 1
        try:
            order = (await client.pii_order_channel(id=saleor_order_id)).order
        except SaleorError as exc:
            log.info("PII access check: Saleor refused the order", error_type=type(exc).__name__)
            raise AccessCheckFailed(type(exc).__name__) from None
        if order is None:
            raise AccessCheckFailed("order not visible")
        self._cache.put(key, order.channel.slug, user.expires_at, now)
        return order.channel.slug

    async def decide(self, user: DashboardUser, group_id: str | None, saleor_order_id: str) -> Decision:
        if not user.claims.get("is_staff", False):
            return Decision(False, Refusal.NOT_STAFF)
        if not group_id:
            return Decision(False, Refusal.NO_GROUP_CONFIGURED)
        try:
            viewer = await self.viewer(user)
            if viewer.user_id != user.user_id:
                return Decision(False, Refusal.CHECK_FAILED)
            if not viewer.is_active:
                return Decision(False, Refusal.INACTIVE_USER)
            if not viewer.is_staff:
                return Decision(False, Refusal.NOT_STAFF)
            group = viewer.groups.get(group_id)
            if group is None:
                return Decision(False, Refusal.NOT_IN_GROUP)
            if group.restricted or viewer.restricted:
                channel = await self.order_channel(user, saleor_order_id)
                if (group.restricted and channel not in group.channels) or (
                    viewer.restricted and channel not in viewer.channels
                ):
                    return Decision(False, Refusal.CHANNEL_NOT_ALLOWED, group.name)
        except AccessCheckFailed:
            return Decision(False, Refusal.CHECK_FAILED)
        return Decision(True, None, group.name)

    async def group_summary(self, installation: Installation, app_token: str, group_id: str) -> GroupSummary | None:
        """Read with the app token (MANAGE_STAFF); ``None`` when Saleor does not say."""
        key = ("group", str(installation.id), group_id)
        now = self._clock.now()
        cached = self._cache.get(key, now)
        if isinstance(cached, GroupSummary):
            return cached
        client = create_saleor_client(installation.saleor_api_url, app_token, self._http)
        self.saleor_calls += 1
        try:
            group = (await client.pii_group(id=group_id)).permission_group
        except SaleorError as exc:
            log.info("PII group could not be read", error_type=type(exc).__name__)
            return None
        if group is None:
            return None
        summary = GroupSummary(group.name, tuple(sorted(u.email for u in group.users or () if u.is_active)))
        self._cache.put(key, summary, now + GROUP_CACHE, now)
        return summary
