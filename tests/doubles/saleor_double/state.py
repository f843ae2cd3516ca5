"""Everything the double stores, with lookups by pk, global ID, slug and SKU."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from saleor_asc_app.clock import Clock, SystemClock
from tests.doubles.saleor_double.ids import InvalidGlobalId, from_global_id
from tests.doubles.saleor_double.models import (
    App,
    AppProblem,
    Channel,
    Order,
    OrderLine,
    PermissionGroup,
    Product,
    ProductType,
    ShippingMethod,
    Shop,
    StaffUser,
    Stock,
    TaxClass,
    Variant,
    Warehouse,
)

T = TypeVar("T")


@dataclass
class EmittedEvent:
    """An event Saleor would send to subscribed apps; `objects` are what its payload resolves from."""

    event_type: str
    objects: dict[str, Any]
    issuing_principal: App | StaffUser | None
    issued_at: Any


@dataclass
class DoubleState:
    clock: Clock = field(default_factory=SystemClock)
    shop: Shop = field(
        default_factory=lambda: Shop(
            name="Saleor double", domain_host="saleor.test", ssl_enabled=True, default_country="US"
        )
    )
    channels: dict[str, Channel] = field(default_factory=dict)
    warehouses: dict[str, Warehouse] = field(default_factory=dict)
    tax_classes: dict[str, TaxClass] = field(default_factory=dict)
    shipping_methods: dict[str, ShippingMethod] = field(default_factory=dict)
    product_types: dict[str, ProductType] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    variants: dict[str, Variant] = field(default_factory=dict)
    stocks: dict[str, Stock] = field(default_factory=dict)
    groups: dict[str, PermissionGroup] = field(default_factory=dict)
    staff: dict[str, StaffUser] = field(default_factory=dict)
    apps: dict[str, App] = field(default_factory=dict)
    app_problems: dict[str, AppProblem] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    events: list[EmittedEvent] = field(default_factory=list)
    _counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _order_numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def next_pk(self) -> str:
        return str(next(self._counter))

    def next_order_number(self) -> str:
        return str(next(self._order_numbers))

    @staticmethod
    def new_uuid() -> str:
        return str(uuid.uuid4())

    # -- lookups -----------------------------------------------------------------------------------------

    def channel_by_slug(self, slug: str) -> Channel | None:
        return next((c for c in self.channels.values() if c.slug == slug), None)

    def variant_by_sku(self, sku: str) -> Variant | None:
        return next((v for v in self.variants.values() if v.sku == sku), None)

    def variant_by_external_reference(self, reference: str) -> Variant | None:
        return next((v for v in self.variants.values() if v.external_reference == reference), None)

    def stock_for(self, variant_pk: str, warehouse_pk: str) -> Stock | None:
        return next(
            (s for s in self.stocks.values() if s.variant_pk == variant_pk and s.warehouse_pk == warehouse_pk),
            None,
        )

    def stocks_of(self, variant_pk: str) -> list[Stock]:
        return [s for s in self.stocks.values() if s.variant_pk == variant_pk]

    def order_by_external_reference(self, reference: str) -> Order | None:
        return next((o for o in self.orders.values() if o.external_reference == reference), None)

    def order_line(self, pk: str) -> OrderLine | None:
        for order in self.orders.values():
            for line in order.lines:
                if line.pk == pk:
                    return line
        return None

    def staff_by_email(self, email: str) -> StaffUser | None:
        lowered = email.lower()
        return next((u for u in self.staff.values() if u.email.lower() == lowered), None)

    def staff_permissions(self, user: StaffUser) -> set[str]:
        perms: set[str] = set()
        for pk in user.group_pks:
            group = self.groups.get(pk)
            if group:
                perms |= group.permissions
        return perms

    def user_channels(self, user: StaffUser) -> tuple[bool, list[Channel]]:
        """(restricted, accessible channels): unrestricted if any group is unrestricted (or no group)."""
        groups = [self.groups[pk] for pk in user.group_pks if pk in self.groups]
        if not groups or any(not g.restricted_access_to_channels for g in groups):
            return False, list(self.channels.values())
        pks = {pk for g in groups for pk in g.channel_pks}
        return True, [c for c in self.channels.values() if c.pk in pks]

    def node(self, global_id: str) -> Any | None:
        """The object behind a global ID, or None."""
        try:
            type_name, pk = from_global_id(global_id)
        except InvalidGlobalId:
            return None
        tables: dict[str, dict[str, Any]] = {
            "Channel": self.channels,
            "Warehouse": self.warehouses,
            "TaxClass": self.tax_classes,
            "ShippingMethod": self.shipping_methods,
            "ProductType": self.product_types,
            "Product": self.products,
            "ProductVariant": self.variants,
            "Group": self.groups,
            "User": self.staff,
            "App": self.apps,
            "AppProblem": self.app_problems,
            "Order": self.orders,
        }
        if type_name in tables:
            return tables[type_name].get(pk)
        if type_name == "OrderLine":
            return self.order_line(pk)
        if type_name == "Fulfillment":
            for order in self.orders.values():
                for fulfillment in order.fulfillments:
                    if fulfillment.pk == pk:
                        return fulfillment
        return None

    def emit(self, event_type: str, objects: dict[str, Any], principal: App | StaffUser | None) -> None:
        self.events.append(EmittedEvent(event_type, objects, principal, self.clock.now()))
