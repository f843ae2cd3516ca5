"""Orders through the client: windows and pagination, typed models, PII separation, shipments."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from saleor_asc_app.amazon.errors import InvalidInput, NotFound
from saleor_asc_app.amazon.models.common import Money
from saleor_asc_app.amazon.models.orders import FulfillmentStatus, IncludedData, Order
from saleor_asc_app.amazon.models.shipments import ConfirmShipmentOrderItem, ConfirmShipmentRequest, PackageDetail
from saleor_asc_app.simulator import Role
from tests.amazon.harness import Harness


def _shipment(order: Order, reference: str, quantities: dict[str, int], harness: Harness) -> ConfirmShipmentRequest:
    return ConfirmShipmentRequest(
        marketplace_id=order.sales_channel.marketplace_id or "",
        package_detail=PackageDetail(
            package_reference_id=reference,
            carrier_code="DHL",
            tracking_number=f"JD0146000{reference}",
            ship_date=harness.clock.now(),
            order_items=[ConfirmShipmentOrderItem(order_item_id=k, quantity=v) for k, v in quantities.items()],
        ),
    )


async def test_window_ends_obey_the_two_minute_rule(harness: Harness) -> None:
    seller = harness.state.add_seller("AWINDOW")
    harness.state.generate_orders(seller, 30, seed=1, end=harness.clock.now() - timedelta(seconds=30))
    client = harness.client(seller)
    now = harness.clock.now()
    page = await client.search_orders(created_after=now - timedelta(days=8), created_before=now)
    assert page.created_before == now - timedelta(minutes=2)  # clamped, so Amazon accepts it
    recent = [o for o in seller.orders.values() if o.created > now - timedelta(minutes=2)]
    assert {o.order_id for o in page.orders}.isdisjoint(o.order_id for o in recent)
    with pytest.raises(ValueError, match="exactly one"):
        await client.search_orders(created_after=now, last_updated_after=now)
    with pytest.raises(ValueError, match="window"):
        await client.search_orders(created_after=now - timedelta(seconds=30))


async def test_pagination_repeats_the_parameters_and_finds_every_order(harness: Harness) -> None:
    seller = harness.state.add_seller("APAGES", marketplace_ids=["A1F83G8C2ARO7P", "A1PA6795UKMFR9"])
    harness.state.generate_orders(seller, 130, seed=2)
    client = harness.client(seller)
    start = harness.clock.now() - timedelta(days=8)
    pages = [
        p
        async for p in client.iter_order_pages(
            created_after=start, created_before=harness.clock.now(), max_results_per_page=25
        )
    ]
    assert [len(p.orders) for p in pages] == [25] * 5 + [5]
    assert len({o.order_id for p in pages for o in p.orders}) == 130
    assert len({p.created_before for p in pages}) == 1
    queries = [rq.url.params for rq, _ in harness.recorder.spapi()]
    assert len({q["createdBefore"] for q in queries}) == 1  # the same window end on every page
    # A token used with other parameters is refused.
    with pytest.raises(InvalidInput):
        await client.search_orders(
            created_after=start, marketplace_ids=["A1F83G8C2ARO7P"], pagination_token=pages[0].next_token
        )


async def test_orders_are_typed_with_decimal_money(harness: Harness) -> None:
    seller = harness.state.add_seller("AMONEY", marketplace_ids=["A1VC38T7YXB528", "ATVPDKIKX0DER"])
    harness.state.generate_orders(seller, 40, seed=3)
    client = harness.client(seller)
    orders = [
        o
        async for p in client.iter_order_pages(created_after=harness.clock.now() - timedelta(days=8))
        for o in p.orders
    ]
    priced = [o for o in orders if o.proceeds and o.proceeds.grand_total]
    assert priced
    for order in priced:
        total = order.proceeds.grand_total  # type: ignore[union-attr]
        assert isinstance(total, Money) and isinstance(total.amount, Decimal)
        if total.currency_code == "JPY":
            assert total.amount == total.amount.to_integral_value()
        items = sum(
            (i.proceeds.proceeds_total.amount for i in order.order_items if i.proceeds and i.proceeds.proceeds_total),
            Decimal(0),
        )
        tips = sum(
            (b.subtotal.amount for b in order.proceeds.breakdowns or [] if b.type == "DELIVERY_TIP"),  # type: ignore[union-attr]
            Decimal(0),
        )
        assert items + tips == total.amount
    with pytest.raises(ValidationError):
        Money.model_validate({"amount": 12.5, "currencyCode": "USD"})  # floats lose precision: refused
    assert Money.model_validate({"amount": "5980", "currencyCode": "JPY"}).to_wire() == {
        "amount": "5980",
        "currencyCode": "JPY",
    }


async def test_pii_only_with_the_roles_and_kept_apart(harness: Harness) -> None:
    with_roles = harness.state.add_seller("AWITHROLES", roles=[Role.DIRECT_TO_CONSUMER_SHIPPING, Role.TAX_INVOICING])
    without = harness.state.add_seller("AWITHOUT")
    for seller in (with_roles, without):
        harness.state.generate_orders(seller, 40, seed=4, afn_share=0.0, cancel_share=0.0, preorder_share=0.0)
        harness.clock.advance(0)
    harness.clock.advance(3 * 3600)  # every order is out of PENDING
    start = harness.clock.now() - timedelta(days=9)

    full = [o async for p in harness.client(with_roles).iter_order_pages(created_after=start) for o in p.orders]
    bare = [o async for p in harness.client(without).iter_order_pages(created_after=start) for o in p.orders]
    assert all(o.buyer and o.buyer.buyer_email and o.buyer.buyer_name for o in full)
    assert all(
        o.recipient and o.recipient.delivery_address and o.recipient.delivery_address.address_line1 for o in full
    )
    assert all(o.buyer is None for o in bare)
    for order in bare:
        address = order.recipient.delivery_address  # type: ignore[union-attr]
        assert address is not None and address.city and address.country_code
        assert address.name is None and address.address_line1 is None and address.postal_code is None

    order = full[0]
    pii = order.pii()
    assert pii.buyer == order.buyer and not pii.is_empty()
    assert order.buyer is not None and order.buyer.buyer_email is not None
    assert order.buyer.buyer_email not in repr(order.buyer)
    assert order.buyer.buyer_email not in repr(pii)
    clean = order.without_pii()
    assert clean.buyer is None
    assert clean.recipient and clean.recipient.delivery_address
    assert clean.recipient.delivery_address.address_line1 is None
    assert clean.recipient.delivery_address.city == order.recipient.delivery_address.city  # type: ignore[union-attr]
    assert clean.proceeds == order.proceeds
    dumped = clean.model_dump_json()
    assert all(value not in dumped for value in harness.state.pii_values(with_roles))


async def test_shipments_are_confirmed_and_visible_in_later_searches(harness: Harness) -> None:
    seller = harness.state.add_seller("ASHIPPER", marketplace_ids=["A1F83G8C2ARO7P"])
    harness.state.generate_orders(
        seller,
        60,
        seed=5,
        afn_share=0.0,
        mfn_auto_ship_share=0.0,
        cancel_share=0.0,
        preorder_share=0.0,
        multi_line_share=1.0,
    )
    harness.clock.advance(3 * 3600)
    client = harness.client(seller)
    start = harness.clock.now() - timedelta(days=9)
    unshipped = [
        o
        async for p in client.iter_order_pages(created_after=start, fulfillment_statuses=[FulfillmentStatus.UNSHIPPED])
        for o in p.orders
    ]
    assert len(unshipped) == 60
    order = unshipped[0]
    first, *rest = order.order_items

    checkpoint = harness.clock.now()
    harness.clock.advance(300)
    await client.confirm_shipment(
        order.order_id, _shipment(order, "1", {first.order_item_id: first.quantity_ordered}, harness)
    )
    early = [o async for p in client.iter_order_pages(last_updated_after=checkpoint) for o in p.orders]
    assert early == []  # the change is newer than the window end (now - 2 min)
    harness.clock.advance(121)  # the change must be older than the two-minute lag to be searchable
    changed = [o async for p in client.iter_order_pages(last_updated_after=checkpoint) for o in p.orders]
    assert [o.order_id for o in changed] == [order.order_id]
    partial = changed[0]
    assert partial.status is FulfillmentStatus.PARTIALLY_SHIPPED
    shipped_item = next(i for i in partial.order_items if i.order_item_id == first.order_item_id)
    assert shipped_item.fulfillment and shipped_item.fulfillment.quantity_fulfilled == first.quantity_ordered
    assert partial.packages and partial.packages[0].tracking_number == "JD01460001"

    await client.confirm_shipment(
        order.order_id, _shipment(order, "2", {i.order_item_id: i.quantity_ordered for i in rest}, harness)
    )
    done = await client.get_order(order.order_id, [IncludedData.FULFILLMENT, IncludedData.PACKAGES])
    assert done.status is FulfillmentStatus.SHIPPED
    assert [p.package_reference_id for p in done.packages or []] == ["1", "2"]
    assert len(harness.state.shipments(seller)) == 2

    with pytest.raises(InvalidInput) as too_many:
        await client.confirm_shipment(order.order_id, _shipment(order, "3", {first.order_item_id: 1}, harness))
    assert too_many.value.amazon_code == "Invalid Input"
    with pytest.raises(NotFound) as missing:
        await client.confirm_shipment("202-0000000-0000000", _shipment(order, "1", {first.order_item_id: 1}, harness))
    assert missing.value.request_id and missing.value.status == 404
