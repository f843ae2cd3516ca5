"""The double's stored objects. Attribute names are the snake_case of the GraphQL field names, so the default
resolver serves most fields; computed fields have resolvers in `resolvers/`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from tests.doubles.saleor_double.ids import to_global_id


@dataclass(eq=False)
class Node:
    typename: ClassVar[str] = ""
    pk: str

    @property
    def id(self) -> str:
        return to_global_id(self.typename, self.pk)


@dataclass(eq=False)
class WithMetadata:
    metadata: dict[str, str] = field(default_factory=dict, kw_only=True)
    private_metadata: dict[str, str] = field(default_factory=dict, kw_only=True)


@dataclass(frozen=True)
class Money:
    typename: ClassVar[str] = "Money"
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class TaxedMoney:
    typename: ClassVar[str] = "TaxedMoney"
    net: Money
    gross: Money

    @property
    def currency(self) -> str:
        return self.gross.currency

    @property
    def tax(self) -> Money:
        return Money(self.gross.amount - self.net.amount, self.currency)

    @staticmethod
    def zero(currency: str) -> TaxedMoney:
        return TaxedMoney(Money(Decimal(0), currency), Money(Decimal(0), currency))

    def __add__(self, other: TaxedMoney) -> TaxedMoney:
        return TaxedMoney(
            Money(self.net.amount + other.net.amount, self.currency),
            Money(self.gross.amount + other.gross.amount, self.currency),
        )

    def scaled(self, factor: Decimal) -> TaxedMoney:
        return TaxedMoney(
            Money(self.net.amount * factor, self.currency), Money(self.gross.amount * factor, self.currency)
        )


@dataclass(eq=False)
class Shop(WithMetadata):
    typename: ClassVar[str] = "Shop"
    name: str
    domain_host: str
    ssl_enabled: bool
    default_country: str
    version: str = "3.23.28"
    schema_version: str = "3.23"

    @property
    def id(self) -> str:
        return to_global_id("Shop", "1")


@dataclass(eq=False)
class Channel(Node, WithMetadata):
    typename: ClassVar[str] = "Channel"
    slug: str
    name: str
    currency_code: str
    default_country: str
    is_active: bool = True
    warehouse_pks: list[str] = field(default_factory=list)


@dataclass(eq=False)
class Warehouse(Node, WithMetadata):
    typename: ClassVar[str] = "Warehouse"
    name: str
    slug: str
    country: str
    email: str = ""
    is_private: bool = True
    click_and_collect_option: str = "DISABLED"
    external_reference: str | None = None


@dataclass(eq=False)
class TaxClass(Node, WithMetadata):
    typename: ClassVar[str] = "TaxClass"
    name: str


@dataclass(eq=False)
class ShippingMethod(Node, WithMetadata):
    """A shipping method of a zone. Its pk is shared with the `ShippingMethodType` ID `shippingZones` shows."""

    typename: ClassVar[str] = "ShippingMethod"
    name: str
    prices: dict[str, Decimal]  # channel slug -> price in the channel's currency
    countries: list[str]  # the zone's countries; empty = every country
    minimum_delivery_days: int | None = None
    maximum_delivery_days: int | None = None
    active: bool = True
    description: str | None = None


@dataclass(eq=False)
class ProductType(Node, WithMetadata):
    typename: ClassVar[str] = "ProductType"
    name: str
    slug: str
    is_shipping_required: bool = True
    tax_class_pk: str | None = None
    kind: str = "NORMAL"


@dataclass(eq=False)
class Product(Node, WithMetadata):
    typename: ClassVar[str] = "Product"
    name: str
    slug: str
    product_type_pk: str
    tax_class_pk: str | None = None
    external_reference: str | None = None


@dataclass(eq=False)
class Variant(Node, WithMetadata):
    typename: ClassVar[str] = "ProductVariant"
    product_pk: str
    sku: str | None
    name: str
    prices: dict[str, Decimal] = field(default_factory=dict)  # channel slug -> price
    track_inventory: bool = True
    external_reference: str | None = None
    created: datetime | None = None
    updated_at: datetime | None = None


@dataclass(eq=False)
class Stock(Node):
    typename: ClassVar[str] = "Stock"
    variant_pk: str
    warehouse_pk: str
    quantity: int
    quantity_allocated: int = 0
    quantity_reserved: int = 0


@dataclass(eq=False)
class PermissionGroup(Node):
    typename: ClassVar[str] = "Group"
    name: str
    permissions: set[str] = field(default_factory=set)
    restricted_access_to_channels: bool = False
    channel_pks: list[str] = field(default_factory=list)


@dataclass(eq=False)
class StaffUser(Node, WithMetadata):
    typename: ClassVar[str] = "User"
    email: str
    first_name: str = ""
    last_name: str = ""
    is_staff: bool = True
    is_active: bool = True
    group_pks: list[str] = field(default_factory=list)
    jwt_token_key: str = ""
    language_code: str = "EN_US"
    is_confirmed: bool = True
    date_joined: datetime | None = None
    updated_at: datetime | None = None


@dataclass
class WebhookSpec:
    name: str
    target_url: str
    query: str
    async_events: list[str]
    is_active: bool = True
    custom_headers: dict[str, str] = field(default_factory=dict)


@dataclass(eq=False)
class App(Node, WithMetadata):
    typename: ClassVar[str] = "App"
    identifier: str
    name: str
    permissions: set[str] = field(default_factory=set)
    is_active: bool = True
    token_hashes: set[str] = field(default_factory=set)
    webhooks: list[WebhookSpec] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    audience: str | None = None
    removed: bool = False
    version: str | None = None
    app_url: str | None = None
    created: datetime | None = None


@dataclass(eq=False)
class AppProblem(Node):
    typename: ClassVar[str] = "AppProblem"
    app_pk: str
    key: str
    message: str
    created_at: datetime
    updated_at: datetime
    count: int = 1
    critical_threshold: int | None = None
    aggregation_period: int = 60
    dismissed_by_app: bool = False

    @property
    def is_critical(self) -> bool:
        return self.critical_threshold is not None and self.count >= self.critical_threshold

    @property
    def dismissed(self) -> dict[str, Any] | None:
        return {"by": "APP", "userEmail": None, "user": None} if self.dismissed_by_app else None


@dataclass(eq=False)
class OrderLine(Node, WithMetadata):
    typename: ClassVar[str] = "OrderLine"
    order_pk: str
    variant_pk: str | None
    product_name: str
    variant_name: str
    product_sku: str | None
    quantity: int
    total_price: TaxedMoney
    undiscounted_total_price: TaxedMoney
    warehouse_pk: str
    is_shipping_required: bool
    is_gift_card: bool = False
    quantity_fulfilled: int = 0
    tax_rate: Decimal = Decimal(0)
    tax_class_pk: str | None = None
    tax_class_name: str | None = None
    translated_product_name: str = ""
    translated_variant_name: str = ""
    unit_discount_reason: str | None = None
    unit_discount_type: str | None = None
    unit_discount_value: Decimal = Decimal(0)

    @property
    def quantity_to_fulfill(self) -> int:
        return self.quantity - self.quantity_fulfilled

    @property
    def unit_price(self) -> TaxedMoney:
        return self.total_price.scaled(Decimal(1) / Decimal(self.quantity))

    @property
    def undiscounted_unit_price(self) -> TaxedMoney:
        return self.undiscounted_total_price.scaled(Decimal(1) / Decimal(self.quantity))

    @property
    def product_variant_id(self) -> str | None:
        return to_global_id("ProductVariant", self.variant_pk) if self.variant_pk else None


@dataclass(eq=False)
class FulfillmentLine(Node):
    typename: ClassVar[str] = "FulfillmentLine"
    order_line_pk: str
    quantity: int


@dataclass(eq=False)
class Fulfillment(Node, WithMetadata):
    typename: ClassVar[str] = "Fulfillment"
    order_pk: str
    fulfillment_order: int
    status: str
    tracking_number: str
    created: datetime
    warehouse_pk: str | None
    lines: list[FulfillmentLine] = field(default_factory=list)


@dataclass(eq=False)
class OrderEvent(Node):
    typename: ClassVar[str] = "OrderEvent"
    date: datetime
    type: str
    message: str | None = None
    user_pk: str | None = None
    app_pk: str | None = None


@dataclass
class Discount:
    value_type: str  # FIXED | PERCENTAGE
    value: Decimal
    reason: str | None = None


@dataclass(eq=False)
class Order(Node, WithMetadata):
    """An order. Buyer data (addresses, e-mail, note) is kept because Saleor keeps it; the app never reads it."""

    typename: ClassVar[str] = "Order"
    number: str
    channel_pk: str
    status: str
    created: datetime
    updated_at: datetime
    currency: str
    lines: list[OrderLine] = field(default_factory=list)
    fulfillments: list[Fulfillment] = field(default_factory=list)
    events: list[OrderEvent] = field(default_factory=list)
    external_reference: str | None = None
    user_email: str | None = None
    billing_address: dict[str, Any] | None = None
    shipping_address: dict[str, Any] | None = None
    customer_note: str = ""
    shipping_method_pk: str | None = None
    collection_point_pk: str | None = None
    shipping_method_name: str | None = None
    shipping_price: TaxedMoney | None = None
    undiscounted_shipping_price: TaxedMoney | None = None
    shipping_tax_rate: Decimal = Decimal(0)
    shipping_tax_class_pk: str | None = None
    shipping_tax_class_name: str | None = None
    discounts: list[Discount] = field(default_factory=list)
    voucher_code: str | None = None
    gift_card_codes: list[str] = field(default_factory=list)
    language_code_enum: str = "EN_US"
    display_gross_prices: bool = True
    weight_kg: Decimal = Decimal(0)
    origin: str = "BULK_CREATE"
    redirect_url: str | None = None
    stored_at: datetime | None = None  # when the double stored it (``created`` is the client's createdAt)

    def shipping(self) -> TaxedMoney:
        return self.shipping_price or TaxedMoney.zero(self.currency)

    @property
    def subtotal(self) -> TaxedMoney:
        total = TaxedMoney.zero(self.currency)
        for line in self.lines:
            total = total + line.total_price
        return total

    @property
    def undiscounted_total(self) -> TaxedMoney:
        total = self.undiscounted_shipping_price or self.shipping()
        for line in self.lines:
            total = total + line.undiscounted_total_price
        return total

    @property
    def discount_amount(self) -> Decimal:
        base = self.subtotal.gross.amount
        amount = Decimal(0)
        for discount in self.discounts:
            amount += discount.value if discount.value_type == "FIXED" else base * discount.value / 100
        return amount

    @property
    def total(self) -> TaxedMoney:
        """Sum of line totals + shipping − order discounts (discounts taken off net and gross alike)."""
        before = self.subtotal + self.shipping()
        off = self.discount_amount
        return TaxedMoney(
            Money(max(Decimal(0), before.net.amount - off), self.currency),
            Money(max(Decimal(0), before.gross.amount - off), self.currency),
        )

    @property
    def is_shipping_required(self) -> bool:
        return any(line.is_shipping_required for line in self.lines)
