"""What the configuration is validated against: the store's channels, warehouses, shipping methods and groups."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Channel:
    slug: str
    name: str
    currency: str


@dataclass(frozen=True, slots=True)
class NamedItem:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class ShippingMethod:
    id: str
    name: str
    channel_slug: str


@dataclass(frozen=True, slots=True)
class StoreSnapshot:
    """The Saleor data the page offers as choices. ``None`` means Saleor would not tell (missing permission)."""

    channels: tuple[Channel, ...] = ()
    warehouses: tuple[NamedItem, ...] = ()
    shipping_methods: tuple[ShippingMethod, ...] = ()
    permission_groups: tuple[NamedItem, ...] | None = None
    staff_users: tuple[NamedItem, ...] | None = None
    settings_managers: tuple[NamedItem, ...] | None = None
    problems: tuple[str, ...] = field(default=())

    def channel(self, slug: str) -> Channel | None:
        return next((c for c in self.channels if c.slug == slug), None)

    def has_warehouse(self, warehouse_id: str) -> bool:
        return any(w.id == warehouse_id for w in self.warehouses)

    def has_shipping_method(self, channel_slug: str, method_id: str) -> bool:
        return any(m.id == method_id and m.channel_slug == channel_slug for m in self.shipping_methods)
