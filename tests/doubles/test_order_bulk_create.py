"""orderBulkCreate traps the double reproduces, driven through the generated client."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from saleor_asc_app.saleor.errors import SaleorAuthError, SaleorGraphQLError, SaleorMutationError
from saleor_asc_app.saleor.graphql_client.enums import (
    CountryCode,
    DiscountValueTypeEnum,
    ErrorPolicyEnum,
    OrderBulkCreateErrorCode,
    StockUpdatePolicyEnum,
)
from saleor_asc_app.saleor.graphql_client.input_types import AddressInput, OrderDiscountCommonInput
from tests.doubles.conftest import Store
from tests.doubles.orders_input import line, order

REJECT_ROWS = ErrorPolicyEnum.REJECT_FAILED_ROWS
UPDATE = StockUpdatePolicyEnum.UPDATE


def _errors(result: object) -> list[list[tuple[str | None, str | None]]]:
    rows = result.order_bulk_create.results  # type: ignore[attr-defined]
    return [[(e.path, e.code.value if e.code else None) for e in row.errors or []] for row in rows]


async def test_creates_orders_with_totals_allocation_and_event(store: Store) -> None:
    client = store.client()
    discount = OrderDiscountCommonInput(value_type=DiscountValueTypeEnum.FIXED, value=Decimal("2.00"))
    inputs = [
        order(
            store,
            "111-0000001-0000001",
            [line(store, "MUG-BLUE-350", 2, "12.00"), line(store, "TEE-BLACK-M", 1, "19.99")],
            discounts=[discount],
        ),
        order(store, "111-0000001-0000002", [line(store, "BOOK-PY-101", 1, "29.00")]),
    ]
    result = await client.order_bulk_create(inputs, REJECT_ROWS, UPDATE)
    payload = result.order_bulk_create
    assert payload is not None and payload.count == 2 and _errors(result) == [[], []]
    first = payload.results[0].order
    assert first is not None and first.external_reference == "111-0000001-0000001"
    assert first.total.gross.amount == pytest.approx(24.00 + 19.99 + 4.99 - 2.00)
    assert [ln.variant.sku for ln in first.lines if ln.variant] == ["MUG-BLUE-350", "TEE-BLACK-M"]
    stock = store.double.state.stock_for(
        store.demo.variants["MUG-BLUE-350"].pk, store.demo.warehouses["main-warehouse"].pk
    )
    assert stock is not None and (stock.quantity, stock.quantity_allocated) == (120, 2)
    assert [e.event_type for e in store.double.state.events] == ["ORDER_BULK_CREATED"]
    assert len(store.double.state.events[0].objects["orders"]) == 2
    found = await client.order_by_external_reference("111-0000001-0000002")
    assert found.order is not None and found.order.id == payload.results[1].order.id  # type: ignore[union-attr]


async def test_existing_external_reference_is_a_unique_row_error(store: Store) -> None:
    client = store.client()
    first = order(store, "DUP-1", [line(store, "MUG-BLUE-350", 1, "12.00")])
    await client.order_bulk_create([first], REJECT_ROWS, UPDATE)
    again = await client.order_bulk_create([first], ErrorPolicyEnum.IGNORE_FAILED, UPDATE)
    assert again.order_bulk_create is not None and again.order_bulk_create.count == 0
    assert _errors(again) == [[("external_reference", "UNIQUE")]]


async def test_same_external_reference_twice_in_one_call_fails_the_whole_call(store: Store) -> None:
    client = store.client()
    rows = [order(store, "TWICE", [line(store, "MUG-BLUE-350", 1, "12.00")]) for _ in range(2)]
    with pytest.raises(SaleorGraphQLError) as caught:
        await client.order_bulk_create(rows, REJECT_ROWS, UPDATE)
    assert caught.value.exception_codes == ["IntegrityError"]
    assert store.double.state.orders == {}


async def test_more_than_fifty_orders_are_refused(store: Store) -> None:
    rows = [order(store, f"BULK-{i}", [line(store, "MUG-BLUE-350", 1, "12.00")]) for i in range(51)]
    with pytest.raises(SaleorMutationError) as caught:
        await store.client().order_bulk_create(rows, REJECT_ROWS, UPDATE)
    assert caught.value.codes == ["BULK_LIMIT"]
    assert store.double.state.orders == {}


async def test_future_date_wrong_currency_and_missing_stock(store: Store) -> None:
    now = store.double.state.clock.now()
    fba = store.demo.warehouses["amazon-fba"]
    rows = [
        order(store, "FUTURE", [line(store, "MUG-BLUE-350", 1, "12.00")], created=now + timedelta(minutes=6)),
        order(store, "SOON", [line(store, "MUG-BLUE-350", 1, "12.00")], created=now + timedelta(minutes=4)),
        order(store, "EUR-IN-US", [line(store, "MUG-BLUE-350", 1, "12.00")], currency="EUR"),
        order(store, "NO-STOCK", [line(store, "TEE-BLACK-M", 1, "19.99", warehouse=fba)]),
        order(store, "TOO-MANY", [line(store, "BOOK-PY-101", 16, "29.00")]),
    ]
    result = await store.client().order_bulk_create(rows, REJECT_ROWS, UPDATE)
    assert _errors(result) == [
        [("created_at", "FUTURE_DATE")],
        [],
        [("currency", "INCORRECT_CURRENCY")],
        [("lines.0", "NON_EXISTING_STOCK")],
        [("lines.0", "INSUFFICIENT_STOCK")],
    ]
    assert result.order_bulk_create is not None and result.order_bulk_create.count == 1


async def test_skip_stock_policy_needs_no_stock_row(store: Store) -> None:
    fba = store.demo.warehouses["amazon-fba"]
    row = order(store, "FBA-1", [line(store, "TEE-BLACK-M", 1, "19.99", warehouse=fba)])
    result = await store.client().order_bulk_create([row], REJECT_ROWS, StockUpdatePolicyEnum.SKIP)
    assert result.order_bulk_create is not None and result.order_bulk_create.count == 1


async def test_reject_everything_drops_valid_rows_too(store: Store) -> None:
    rows = [
        order(store, "GOOD", [line(store, "MUG-BLUE-350", 1, "12.00")]),
        order(store, "NO-TAX", [line(store, "MUG-BLUE-350", 1, "12.00", tax_class=False)]),
    ]
    result = await store.client().order_bulk_create(rows, ErrorPolicyEnum.REJECT_EVERYTHING, UPDATE)
    assert result.order_bulk_create is not None and result.order_bulk_create.count == 0
    assert _errors(result) == [[], [("lines.0", "NOT_FOUND"), ("lines.0", "NON_EXISTING_STOCK")]]
    assert result.order_bulk_create.results[1].errors[0].message == "Can't return TaxClass instance."  # type: ignore[index]
    assert all(r.order is None for r in result.order_bulk_create.results)


async def test_ignore_failed_keeps_orders_with_tax_class_errors(store: Store) -> None:
    row = order(store, "IGNORED", [line(store, "MUG-BLUE-350", 1, "12.00", tax_class=False)])
    result = await store.client().order_bulk_create([row], ErrorPolicyEnum.IGNORE_FAILED, UPDATE)
    assert result.order_bulk_create is not None and result.order_bulk_create.count == 1
    assert _errors(result) == [[("lines.0", "NOT_FOUND")]]
    assert result.order_bulk_create.results[0].order is not None


async def test_variant_sku_never_resolves(store: Store) -> None:
    by_sku = line(store, "MUG-BLUE-350", 1, "12.00")
    by_sku.variant_id = None
    by_sku.variant_sku = "MUG-BLUE-350"
    result = await store.client().order_bulk_create([order(store, "SKU", [by_sku])], REJECT_ROWS, UPDATE)
    assert _errors(result) == [[("lines.0.variant_sku", "NOT_FOUND"), ("lines.0", "NON_EXISTING_STOCK")]]
    row = result.order_bulk_create.results[0]  # type: ignore[union-attr]
    assert row.errors is not None and row.errors[0].code is OrderBulkCreateErrorCode.NOT_FOUND


async def test_invalid_address_is_rejected_by_i18n_rules(store: Store) -> None:
    row = order(store, "BAD-ZIP", [line(store, "MUG-BLUE-350", 1, "12.00")])
    row.billing_address = row.billing_address.model_copy(update={"postal_code": "ABC", "phone": "1234"})
    amazon_style = order(store, "EXT-PHONE", [line(store, "MUG-BLUE-350", 1, "12.00")])
    amazon_style.billing_address = amazon_style.billing_address.model_copy(
        update={"phone": "+1 206-266-1000 ext. 12345"}
    )
    result = await store.client().order_bulk_create([row, amazon_style], REJECT_ROWS, UPDATE)
    assert _errors(result) == [[("billing_address", "INVALID")], []]
    assert result.order_bulk_create is not None
    assert result.order_bulk_create.results[0].errors[0].message == "Invalid billing address."  # type: ignore[index]


async def test_skip_validation_still_requires_the_countrys_fields(store: Store) -> None:
    """What a real Saleor answered the app's first country-only placeholder; the double used to accept it."""
    country_only = AddressInput(country=CountryCode.US, skip_validation=True)
    refused = order(store, "COUNTRY-ONLY", [line(store, "MUG-BLUE-350", 1, "12.00")])
    refused.billing_address = refused.shipping_address = country_only
    loose = order(store, "LOOSE", [line(store, "MUG-BLUE-350", 1, "12.00")])
    loose.billing_address = loose.billing_address.model_copy(
        update={"postal_code": "ABC", "phone": "1234", "country_area": "Nowhere", "skip_validation": True}
    )
    result = await store.client().order_bulk_create([refused, loose], REJECT_ROWS, UPDATE)
    assert _errors(result) == [[("billing_address", "INVALID"), ("shipping_address", "INVALID")], []]
    messages = [e.message for e in result.order_bulk_create.results[0].errors]  # type: ignore[union-attr]
    assert messages == ["Invalid billing address.", "Invalid shipping address."]
    created = store.double.state.order_by_external_reference("LOOSE")
    assert created is not None and created.billing_address and created.shipping_address
    billing, shipping = created.billing_address, created.shipping_address
    assert (billing["postalCode"], billing["countryArea"], billing["city"]) == ("ABC", "Nowhere", "Seattle")
    assert (shipping["city"], shipping["countryArea"]) == ("SEATTLE", "WA"), "a valid address is stored normalised"


async def test_needs_manage_orders_import(store: Store) -> None:
    _app, token = store.double.create_app("orders-only", ["MANAGE_ORDERS"])
    row = order(store, "PERM", [line(store, "MUG-BLUE-350", 1, "12.00")])
    with pytest.raises(SaleorAuthError):
        await store.client(token).order_bulk_create([row], REJECT_ROWS, UPDATE)
    assert store.double.state.orders == {}


async def test_scalars_round_trip_through_the_generated_client(store: Store) -> None:
    row = order(store, "SCALARS", [line(store, "MUG-BLUE-350", 2, "12.50")])
    result = await store.client().order_bulk_create([row], REJECT_ROWS, UPDATE)
    sent = store.double.requests[-1].variables["orders"][0]  # type: ignore[index]
    assert sent["lines"][0]["totalPrice"] == {"gross": "25.00", "net": "25.00"}, "Decimal goes out as a string"
    assert datetime.fromisoformat(sent["createdAt"]) == row.created_at, "DateTime goes out as ISO 8601"
    created = result.order_bulk_create.results[0].order  # type: ignore[union-attr]
    assert created is not None and created.created == row.created_at, "DateTime comes back as an aware datetime"
    assert created.total.gross.amount == pytest.approx(29.99)
