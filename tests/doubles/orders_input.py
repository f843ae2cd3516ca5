"""Building `orderBulkCreate` inputs with the generated models, from the demo store."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from saleor_asc_app.saleor.graphql_client.enums import CountryCode, LanguageCodeEnum, OrderStatus
from saleor_asc_app.saleor.graphql_client.input_types import (
    AddressInput,
    OrderBulkCreateDeliveryMethodInput,
    OrderBulkCreateInput,
    OrderBulkCreateOrderLineInput,
    OrderBulkCreateUserInput,
    OrderDiscountCommonInput,
    TaxedMoneyInput,
)
from tests.doubles.conftest import Store
from tests.doubles.saleor_double.models import Warehouse

ADDRESS = AddressInput(
    first_name="Test",
    last_name="Buyer",
    street_address_1="410 Terry Ave N",
    city="Seattle",
    postal_code="98109",
    country_area="WA",
    country=CountryCode.US,
)


def money(amount: str) -> TaxedMoneyInput:
    return TaxedMoneyInput(gross=Decimal(amount), net=Decimal(amount))


def line(
    store: Store,
    sku: str,
    quantity: int,
    unit: str,
    *,
    warehouse: Warehouse | None = None,
    tax_class: bool = True,
    created: datetime | None = None,
) -> OrderBulkCreateOrderLineInput:
    variant = store.demo.variants[sku]
    total = str(Decimal(unit) * quantity)
    return OrderBulkCreateOrderLineInput(
        variant_id=variant.id,
        product_name=variant.name,
        product_sku=sku,
        created_at=created or store.double.state.clock.now(),
        is_shipping_required=True,
        is_gift_card=False,
        quantity=quantity,
        total_price=money(total),
        undiscounted_total_price=money(total),
        warehouse=(warehouse or store.demo.warehouses["main-warehouse"]).id,
        tax_class_id=store.demo.tax_classes["Standard rate"].id if tax_class else None,
    )


def order(
    store: Store,
    reference: str | None,
    lines: list[OrderBulkCreateOrderLineInput],
    *,
    channel: str = "amazon-us",
    currency: str = "USD",
    shipping: str = "4.99",
    created: datetime | None = None,
    discounts: list[OrderDiscountCommonInput] | None = None,
) -> OrderBulkCreateInput:
    return OrderBulkCreateInput(
        external_reference=reference,
        channel=channel,
        created_at=created or store.double.state.clock.now(),
        status=OrderStatus.UNFULFILLED,
        user=OrderBulkCreateUserInput(email="buyer@marketplace.invalid"),
        billing_address=ADDRESS,
        shipping_address=ADDRESS,
        currency=currency,
        language_code=LanguageCodeEnum.EN_US,
        lines=lines,
        delivery_method=OrderBulkCreateDeliveryMethodInput(
            shipping_method_id=store.demo.shipping_methods["standard"].id,
            shipping_method_name="Standard",
            shipping_price=money(shipping),
            shipping_tax_class_id=store.demo.tax_classes["Standard rate"].id,
        ),
        discounts=discounts,
    )
