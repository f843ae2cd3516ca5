"""The builder API tests use to set up the double's store: channels, warehouses, catalog, staff, apps, orders."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tests.doubles.saleor_double.auth import hash_token
from tests.doubles.saleor_double.install import new_app_token
from tests.doubles.saleor_double.models import (
    App,
    Channel,
    Order,
    PermissionGroup,
    Product,
    ProductType,
    ShippingMethod,
    StaffUser,
    Stock,
    TaxClass,
    Variant,
    Warehouse,
)

if TYPE_CHECKING:
    from tests.doubles.saleor_double.state import DoubleState


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


class StoreBuilder:
    state: DoubleState

    def add_channel(
        self,
        slug: str,
        currency: str,
        *,
        name: str | None = None,
        default_country: str = "US",
        warehouses: list[Warehouse] | None = None,
        is_active: bool = True,
    ) -> Channel:
        channel = Channel(
            pk=self.state.next_pk(),
            slug=slug,
            name=name or slug,
            currency_code=currency,
            default_country=default_country,
            is_active=is_active,
            warehouse_pks=[w.pk for w in warehouses or []],
        )
        self.state.channels[channel.pk] = channel
        return channel

    def add_order(
        self, channel_slug: str, *, status: str = "UNFULFILLED", created: datetime | None = None, **fields: Any
    ) -> Order:
        """An order without lines in the channel, as another client (the app's import, a storefront) creates it."""
        channel = self.state.channel_by_slug(channel_slug)
        assert channel is not None, channel_slug
        now = created or self.state.clock.now()
        order = Order(
            pk=self.state.new_uuid(),
            number=self.state.next_order_number(),
            channel_pk=channel.pk,
            status=status,
            created=now,
            updated_at=now,
            currency=channel.currency_code,
            **fields,
        )
        self.state.orders[order.pk] = order
        return order

    def add_warehouse(
        self,
        name: str,
        *,
        country: str = "US",
        channels: list[Channel] | None = None,
        external_reference: str | None = None,
        pk: str | None = None,
    ) -> Warehouse:
        warehouse = Warehouse(
            pk=pk or self.state.new_uuid(),
            name=name,
            slug=_slug(name),
            country=country,
            external_reference=external_reference,
        )
        self.state.warehouses[warehouse.pk] = warehouse
        for channel in channels or []:
            channel.warehouse_pks.append(warehouse.pk)
        return warehouse

    def add_tax_class(self, name: str, *, pk: str | None = None) -> TaxClass:
        tax_class = TaxClass(pk=pk or self.state.next_pk(), name=name)
        self.state.tax_classes[tax_class.pk] = tax_class
        return tax_class

    def add_shipping_method(
        self,
        name: str,
        prices: dict[str, Decimal | str | int],
        *,
        countries: list[str] | None = None,
        min_days: int | None = None,
        max_days: int | None = None,
        pk: str | None = None,
    ) -> ShippingMethod:
        """`prices` maps channel slug to the price in that channel's currency."""
        method = ShippingMethod(
            pk=pk or self.state.next_pk(),
            name=name,
            prices={slug: Decimal(str(p)) for slug, p in prices.items()},
            countries=list(countries or []),
            minimum_delivery_days=min_days,
            maximum_delivery_days=max_days,
        )
        self.state.shipping_methods[method.pk] = method
        return method

    def add_product_type(
        self, name: str, *, is_shipping_required: bool = True, tax_class: TaxClass | None = None
    ) -> ProductType:
        product_type = ProductType(
            pk=self.state.next_pk(),
            name=name,
            slug=_slug(name),
            is_shipping_required=is_shipping_required,
            tax_class_pk=tax_class.pk if tax_class else None,
        )
        self.state.product_types[product_type.pk] = product_type
        return product_type

    def add_product(self, name: str, product_type: ProductType, *, tax_class: TaxClass | None = None) -> Product:
        product = Product(
            pk=self.state.next_pk(),
            name=name,
            slug=_slug(name),
            product_type_pk=product_type.pk,
            tax_class_pk=tax_class.pk if tax_class else None,
        )
        self.state.products[product.pk] = product
        return product

    def add_variant(
        self,
        sku: str | None,
        *,
        product: Product | None = None,
        name: str = "",
        prices: dict[str, Decimal | str | int] | None = None,
        stocks: dict[Warehouse, int] | None = None,
        track_inventory: bool = True,
        external_reference: str | None = None,
        pk: str | None = None,
    ) -> Variant:
        """A variant (with a product and product type made up if none is given) and its stock rows."""
        if product is None:
            product_type = next(iter(self.state.product_types.values()), None) or self.add_product_type("Default")
            product = self.add_product(f"Product {sku}", product_type)
        now = self.state.clock.now()
        variant = Variant(
            pk=pk or self.state.next_pk(),
            product_pk=product.pk,
            sku=sku,
            name=name or (sku or ""),
            prices={slug: Decimal(str(p)) for slug, p in (prices or {}).items()},
            track_inventory=track_inventory,
            external_reference=external_reference,
            created=now,
            updated_at=now,
        )
        self.state.variants[variant.pk] = variant
        for warehouse, quantity in (stocks or {}).items():
            self.set_stock(variant, warehouse, quantity)
        return variant

    def set_stock(self, variant: Variant, warehouse: Warehouse, quantity: int, *, allocated: int = 0) -> Stock:
        stock = self.state.stock_for(variant.pk, warehouse.pk)
        if stock is None:
            stock = Stock(pk=self.state.next_pk(), variant_pk=variant.pk, warehouse_pk=warehouse.pk, quantity=0)
            self.state.stocks[stock.pk] = stock
        stock.quantity = quantity
        stock.quantity_allocated = allocated
        return stock

    def add_group(
        self, name: str, permissions: Iterable[str] = (), *, channels: list[Channel] | None = None
    ) -> PermissionGroup:
        """A permission group; passing `channels` restricts the group to them."""
        group = PermissionGroup(
            pk=self.state.next_pk(),
            name=name,
            permissions=set(permissions),
            restricted_access_to_channels=channels is not None,
            channel_pks=[c.pk for c in channels or []],
        )
        self.state.groups[group.pk] = group
        return group

    def add_staff(
        self,
        email: str,
        permissions: Iterable[str] = (),
        groups: list[PermissionGroup] | None = None,
        *,
        is_active: bool = True,
        first_name: str = "",
        last_name: str = "",
    ) -> StaffUser:
        """A staff user; `permissions` are granted through a personal group, as Saleor only has group grants."""
        group_list = list(groups or [])
        if permissions:
            group_list.append(self.add_group(f"{email} permissions", permissions))
        now = self.state.clock.now()
        user = StaffUser(
            pk=self.state.next_pk(),
            email=email,
            first_name=first_name,
            last_name=last_name,
            is_active=is_active,
            group_pks=[g.pk for g in group_list],
            jwt_token_key=secrets.token_urlsafe(9),
            date_joined=now,
            updated_at=now,
        )
        self.state.staff[user.pk] = user
        return user

    def create_app(
        self, identifier: str, permissions: Iterable[str] = (), *, name: str | None = None
    ) -> tuple[App, str]:
        """An installed, active app and its raw token (without running the install flow)."""
        token = new_app_token()
        app = App(
            pk=self.state.next_pk(),
            identifier=identifier,
            name=name or identifier,
            permissions=set(permissions),
            token_hashes={hash_token(token)},
            created=self.state.clock.now(),
        )
        self.state.apps[app.pk] = app
        return app, token

    def issue_app_token(self, app: App) -> str:
        token = new_app_token()
        app.token_hashes.add(hash_token(token))
        return token
