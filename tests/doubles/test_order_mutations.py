"""Order follow-up mutations, metadata and app problems on the double, through the generated client."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.saleor.client import create_saleor_client
from saleor_asc_app.saleor.errors import SaleorAuthError, SaleorMutationError
from saleor_asc_app.saleor.graphql_client.enums import ErrorPolicyEnum, OrderStatus, StockUpdatePolicyEnum
from saleor_asc_app.saleor.graphql_client.input_types import (
    AppProblemCreateInput,
    FulfillmentUpdateTrackingInput,
    MetadataInput,
    OrderFulfillInput,
    OrderFulfillLineInput,
    OrderFulfillStockInput,
)
from tests.doubles.conftest import APP_PERMISSIONS, Store, make_double
from tests.doubles.orders_input import line, order


async def _one_order(store: Store, reference: str = "114-1") -> str:
    result = await store.client().order_bulk_create(
        [order(store, reference, [line(store, "MUG-BLUE-350", 3, "12.00")])],
        ErrorPolicyEnum.REJECT_FAILED_ROWS,
        StockUpdatePolicyEnum.UPDATE,
    )
    created = result.order_bulk_create.results[0].order  # type: ignore[union-attr]
    assert created is not None
    return created.id


async def test_fulfill_partially_then_fully_moves_stock_and_status(store: Store) -> None:
    client = store.client()
    order_id = await _one_order(store)
    details = (await client.order_details(order_id)).order
    assert details is not None and details.total.gross.amount == pytest.approx(36 + 4.99)
    line_id = details.lines[0].id
    warehouse = store.demo.warehouses["main-warehouse"]

    def fulfil(quantity: int, tracking: str | None = None) -> OrderFulfillInput:
        stocks = [OrderFulfillStockInput(quantity=quantity, warehouse=warehouse.id)]
        return OrderFulfillInput(
            lines=[OrderFulfillLineInput(order_line_id=line_id, stocks=stocks)], tracking_number=tracking
        )

    first = await client.order_fulfill(order_id, fulfil(1, "1Z999"))
    assert first.order_fulfill is not None and first.order_fulfill.order is not None
    assert first.order_fulfill.order.status is OrderStatus.PARTIALLY_FULFILLED
    fulfillment = (first.order_fulfill.fulfillments or [])[0]
    assert fulfillment.tracking_number == "1Z999" and fulfillment.lines[0].quantity == 1  # type: ignore[index]
    with pytest.raises(SaleorMutationError) as caught:
        await client.order_fulfill(order_id, fulfil(5))
    assert caught.value.error_code == "FULFILL_ORDER_LINE"
    second = await client.order_fulfill(order_id, fulfil(2))
    assert second.order_fulfill.order.status is OrderStatus.FULFILLED  # type: ignore[union-attr]
    stock = store.double.state.stock_for(store.demo.variants["MUG-BLUE-350"].pk, warehouse.pk)
    assert stock is not None and (stock.quantity, stock.quantity_allocated) == (117, 0)
    events = [e.event_type for e in store.double.state.events]
    assert events.count("FULFILLMENT_CREATED") == 2
    assert "FULFILLMENT_TRACKING_NUMBER_UPDATED" in events and "ORDER_FULFILLED" in events
    with pytest.raises(SaleorMutationError) as cancel_error:
        await client.order_cancel(order_id)
    assert cancel_error.value.error_code == "CANNOT_CANCEL_ORDER"

    tracking = await client.fulfillment_update_tracking(
        fulfillment.id, FulfillmentUpdateTrackingInput(tracking_number="1Z-NEW")
    )
    assert tracking.order_fulfillment_update_tracking.fulfillment.tracking_number == "1Z-NEW"  # type: ignore[union-attr]


async def test_cancel_releases_allocation(store: Store) -> None:
    order_id = await _one_order(store)
    result = await store.client().order_cancel(order_id)
    assert result.order_cancel.order.status is OrderStatus.CANCELED  # type: ignore[union-attr]
    stock = store.double.state.stock_for(
        store.demo.variants["MUG-BLUE-350"].pk, store.demo.warehouses["main-warehouse"].pk
    )
    assert stock is not None and stock.quantity_allocated == 0
    assert store.double.state.events[-2].event_type == "ORDER_CANCELLED"
    with pytest.raises(SaleorMutationError):
        await store.client().order_cancel(order_id)


async def test_notes_and_metadata(store: Store) -> None:
    client = store.client()
    order_id = await _one_order(store)
    note = await client.order_note_add(order_id, "Imported from Amazon")
    assert note.order_note_add is not None and note.order_note_add.event is not None
    with pytest.raises(SaleorMutationError) as empty:
        await client.order_note_add(order_id, "   ")
    assert empty.value.error_code == "REQUIRED"
    private = await client.update_private_metadata(order_id, [MetadataInput(key="amazon.order_id", value="114-1")])
    assert [(m.key, m.value) for m in private.update_private_metadata.item.private_metadata] == [  # type: ignore[union-attr]
        ("amazon.order_id", "114-1")
    ]
    public = await client.update_metadata(order_id, [MetadataInput(key="source", value="amazon")])
    assert public.update_metadata.item.metadata[0].key == "source"  # type: ignore[union-attr]
    details = (await client.order_details(order_id)).order
    assert details is not None and {m.key for m in details.private_metadata} == {"amazon.order_id"}
    own = await client.update_private_metadata(store.app.id, [MetadataInput(key="settings", value="{}")])
    assert own.update_private_metadata is not None
    assert (await client.fetch_app_details()).app.private_metadata[0].key == "settings"  # type: ignore[union-attr]
    _app, weak_token = store.double.create_app("products-only", ["MANAGE_PRODUCTS"])
    with pytest.raises(SaleorAuthError):
        await store.client(weak_token).update_private_metadata(order_id, [MetadataInput(key="k", value="v")])


async def test_app_problems_aggregate_turn_critical_and_dismiss() -> None:
    clock = VirtualClock(datetime(2026, 5, 1, tzinfo=UTC))
    double = make_double(clock=clock)
    app, token = double.create_app("a", APP_PERMISSIONS)
    async with double.client() as http:
        client = create_saleor_client(double.api_url, token, http)
        problem = AppProblemCreateInput(
            message="Amazon authorization expires in 7 days",
            key="lwa-expiry",
            critical_threshold=2,
            aggregation_period=60,
        )
        first = (await client.app_problem_create(problem)).app_problem_create.app_problem  # type: ignore[union-attr]
        clock.advance(600)
        second = (await client.app_problem_create(problem)).app_problem_create.app_problem  # type: ignore[union-attr]
        assert first is not None and second is not None and first.id == second.id
        assert (second.count, second.is_critical) == (2, True)
        clock.advance(3700)
        third = (await client.app_problem_create(problem)).app_problem_create.app_problem  # type: ignore[union-attr]
        assert third is not None and third.id != first.id and third.count == 1
        with pytest.raises(SaleorMutationError):
            await client.app_problem_create(AppProblemCreateInput(message="m", key="lwa-expiry"))
        await client.app_problem_dismiss(["lwa-expiry"])
    assert all(p.dismissed_by_app for p in double.state.app_problems.values() if p.app_pk == app.pk)
    assert double.violations == []
