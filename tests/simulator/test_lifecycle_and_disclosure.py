"""Order statuses move with (virtual) time and by hand; PII follows status, roles and fulfilment."""

from __future__ import annotations

from datetime import timedelta

import pytest

from saleor_asc_app.amazon.models.orders import FulfillmentStatus, IncludedData
from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.simulator import Role, SimulatorError, SimulatorState
from saleor_asc_app.simulator.disclosure import Disclosure
from tests.harness import START

ALL = {d.value for d in IncludedData}


def _state() -> tuple[SimulatorState, VirtualClock]:
    clock = VirtualClock(START)
    return SimulatorState(clock), clock


def test_statuses_move_over_time() -> None:
    state, clock = _state()
    seller = state.add_seller("ATIMELINE", marketplace_ids=["A1F83G8C2ARO7P"])
    orders = state.generate_orders(
        seller,
        200,
        seed=3,
        start=clock.now() - timedelta(minutes=4),
        end=clock.now(),
        afn_share=0.5,
        mfn_auto_ship_share=1.0,
        preorder_share=0.0,
        cancel_share=0.1,
    )
    first = {o.order_id: o.status(clock.now()) for o in orders}
    assert set(first.values()) <= {FulfillmentStatus.PENDING, FulfillmentStatus.CANCELLED}
    clock.advance(3 * 3600)
    middle = {o.order_id: o.status(clock.now()) for o in orders}
    assert FulfillmentStatus.UNSHIPPED in middle.values()
    clock.advance(10 * 24 * 3600)
    last = {o.order_id: o.status(clock.now()) for o in orders}
    assert set(last.values()) == {FulfillmentStatus.SHIPPED, FulfillmentStatus.CANCELLED}
    for order in orders:
        if last[order.order_id] is FulfillmentStatus.CANCELLED:
            assert not any(s.at <= clock.now() for s in order.shipments)
        # lastUpdatedTime moves forward with every change, never beyond now.
        assert order.created <= order.last_updated(START) <= order.last_updated(clock.now()) <= clock.now()
    partial = [o for o in orders if len(o.shipments) == 2]
    assert partial
    between = partial[0].shipments[0].at + timedelta(seconds=1)
    assert partial[0].status(between) is FulfillmentStatus.PARTIALLY_SHIPPED


def test_orders_can_be_moved_by_hand() -> None:
    state, clock = _state()
    seller = state.add_seller("AHAND")
    order = state.generate_orders(
        seller,
        1,
        seed=1,
        afn_share=0.0,
        mfn_auto_ship_share=0.0,
        cancel_share=0.0,
        preorder_share=0.0,
        multi_line_share=1.0,
        start=clock.now() - timedelta(minutes=3),
        end=clock.now(),
    )[0]
    assert order.status(clock.now()) is FulfillmentStatus.PENDING
    state.advance_order(order.order_id, "UNSHIPPED")
    assert order.status(clock.now()) is FulfillmentStatus.UNSHIPPED
    clock.advance(60)
    state.advance_order(order.order_id, FulfillmentStatus.PARTIALLY_SHIPPED)
    assert order.status(clock.now()) is FulfillmentStatus.PARTIALLY_SHIPPED
    assert order.last_updated(clock.now()) == clock.now()
    with pytest.raises(SimulatorError):
        state.advance_order(order.order_id, "CANCELLED")  # something already shipped
    state.advance_order(order.order_id, "SHIPPED")
    assert order.status(clock.now()) is FulfillmentStatus.SHIPPED
    other = state.generate_orders(seller, 1, seed=2, cancel_share=0.0, preorder_share=0.0)[0]
    state.advance_order(other.order_id, "CANCELLED")
    rendered = other.render(clock.now(), ALL, Disclosure(set()))
    assert rendered["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    assert all(i["cancellation"]["cancellationExecution"] for i in rendered["orderItems"])
    state.advance(30)
    assert clock.now() == START + timedelta(seconds=90)


@pytest.mark.parametrize(
    ("roles", "fulfilled_by", "marketplace", "expect"),
    [
        # (email, name, street and postal code, phone, gift message, buyer tax registration)
        ({Role.DIRECT_TO_CONSUMER_SHIPPING}, "MERCHANT", "A1PA6795UKMFR9", (True, True, True, True, True, False)),
        ({Role.DIRECT_TO_CONSUMER_SHIPPING}, "AMAZON", "A1PA6795UKMFR9", (False, True, True, False, True, False)),
        ({Role.TAX_INVOICING}, "MERCHANT", "A1PA6795UKMFR9", (False, True, False, False, False, True)),
        ({Role.TAX_REMITTANCE}, "MERCHANT", "A1F83G8C2ARO7P", (False, True, False, False, False, True)),
        ({Role.TAX_INVOICING}, "MERCHANT", "ATVPDKIKX0DER", (False, False, False, False, False, False)),
        (set(), "MERCHANT", "A1PA6795UKMFR9", (False, False, False, False, False, False)),
    ],
)
def test_pii_follows_roles_and_fulfilment(
    roles: set[Role], fulfilled_by: str, marketplace: str, expect: tuple[bool, ...]
) -> None:
    state, clock = _state()
    seller = state.add_seller("APII", marketplace_ids=[marketplace], roles=roles)
    orders = state.generate_orders(
        seller,
        80,
        seed=5,
        afn_share=1.0 if fulfilled_by == "AMAZON" else 0.0,
        cancel_share=0.0,
        preorder_share=0.0,
        business_share=1.0,
        gift_share=1.0,
        replacement_share=0.0,
    )
    clock.advance(3 * 3600)
    disclosure = Disclosure(seller.roles)
    for order in orders:
        body = order.render(clock.now(), ALL, disclosure)
        address = body.get("recipient", {}).get("deliveryAddress", {})
        registrations = body.get("tax", {}).get("taxRegistrations", [])
        gift = body["orderItems"][0].get("fulfillment", {}).get("packing", {}).get("giftOption", {})
        seen = (
            "buyerEmail" in body.get("buyer", {}),
            "buyerName" in body.get("buyer", {}),
            "addressLine1" in address and "postalCode" in address,
            "phone" in address,
            "giftMessage" in gift,
            any(r["entityType"] == "BUYER" for r in registrations),
        )
        assert seen == expect
        assert address["city"] and address["countryCode"]  # never PII
        assert "giftWrapLevel" in gift


def test_no_pii_before_payment_or_after_cancellation() -> None:
    state, clock = _state()
    seller = state.add_seller("AEARLY", roles=list(Role))
    orders = state.generate_orders(
        seller, 40, seed=6, start=clock.now() - timedelta(minutes=4), end=clock.now(), preorder_share=0.0
    )
    pending = [o for o in orders if o.status(clock.now()) is FulfillmentStatus.PENDING]
    assert pending
    for order in pending:
        body = order.render(clock.now(), ALL, Disclosure(seller.roles))
        assert "buyer" not in body
        assert "name" not in body["recipient"]["deliveryAddress"]
    state.advance_order(pending[0].order_id, "CANCELLED")
    body = pending[0].render(clock.now(), ALL, Disclosure(seller.roles))
    assert "buyer" not in body
