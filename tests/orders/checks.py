"""Assertions shared by the order-import tests: what must be true of Saleor, the app's rows and its logs."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from decimal import Decimal

from saleor_asc_app.amazon.models.orders import FulfillmentStatus
from saleor_asc_app.orders.tables import OrderState
from saleor_asc_app.simulator.orders import SimOrder
from tests.orders.harness import OrdersEnv

IMPORTABLE = (FulfillmentStatus.UNSHIPPED, FulfillmentStatus.PARTIALLY_SHIPPED, FulfillmentStatus.SHIPPED)


def sim_orders(env: OrdersEnv) -> list[SimOrder]:
    return [o for seller in env.simulator.sellers.values() for o in seller.orders.values()]


def unknown_skus(order: SimOrder) -> set[str]:
    return {i["product"]["sellerSku"] for i in order.body["orderItems"] if i["product"]["sellerSku"].startswith("UNK")}


async def check_exactly_once(env: OrdersEnv, *, parked_unknown: bool, relinked: bool = False) -> Counter[str]:
    """Every order Amazon lets us import is in Saleor exactly once, with Amazon's total to the cent; the rest
    are where they belong. Returns a tally of what was checked."""
    now = env.clock.now()
    references = Counter(o.external_reference for o in env.saleor_orders())
    assert all(count == 1 for count in references.values()), "an Amazon order was imported twice"
    rows = {row.amazon_order_id: row for row in await env.rows()}
    tally: Counter[str] = Counter()
    for order in sim_orders(env):
        status = order.status(now)
        saleor = env.saleor_order(order.order_id)
        row = rows.get(order.order_id)
        afn = order.fulfilled_by == "AMAZON"
        importable = status in IMPORTABLE and (not afn or status is FulfillmentStatus.SHIPPED)
        if importable and unknown_skus(order) and parked_unknown:
            assert saleor is None and row is not None
            assert (row.state, row.reason_code) == (OrderState.PARKED.value, "unknown_sku")
            assert row.reason is not None and "no Saleor variant: add the variant or a SKU mapping" in row.reason
            tally["parked"] += 1
            continue
        if importable:
            assert saleor is not None, (
                f"{order.order_id} ({status}) is not in Saleor: {row and (row.state, row.reason)}"
            )
        if saleor is None:
            assert status not in IMPORTABLE or (afn and status is not FulfillmentStatus.SHIPPED)
            tally["not imported"] += 1
            continue
        grand_total = order.body["proceeds"]["grandTotal"]
        assert saleor.total.gross.amount == Decimal(grand_total["amount"]), order.order_id
        assert saleor.currency == grand_total["currencyCode"]
        assert row is not None
        if not (relinked and status is FulfillmentStatus.CANCELLED):  # a rerun leaves cancelled orders unlinked
            assert row.saleor_order_id == saleor.id, (order.order_id, row.state, row.reason_code)
            assert row.saleor_total_amount is not None, order.order_id  # also when linked after a re-install
            assert Decimal(row.saleor_total_amount) == saleor.total.gross.amount, order.order_id
        if status is FulfillmentStatus.CANCELLED:
            events = {e.type for e in saleor.events}
            assert saleor.status == "CANCELED" or "NOTE_ADDED" in events, order.order_id
            tally["cancelled in Saleor"] += 1
        elif status is FulfillmentStatus.SHIPPED:
            assert saleor.status == "FULFILLED", (order.order_id, saleor.status)
            assert all(line.quantity_fulfilled == line.quantity for line in saleor.lines)
            tally["shipped"] += 1
        else:
            shipped = order.shipped(now)
            fulfilled = sum(line.quantity_fulfilled for line in saleor.lines)
            assert fulfilled == sum(shipped.values()), order.order_id  # SKU mappings here have ratio 1
            tally["unshipped or partly shipped"] += 1
        tally["in Saleor"] += 1
    linked = sum(1 for r in rows.values() if r.saleor_order_id)
    assert linked == len(references) or (relinked and linked < len(references))
    return tally


def buyer_data(env: OrdersEnv) -> set[str]:
    """The simulator's buyer PII values, except short numbers (postal codes) that random ids contain by chance."""
    values = set().union(*(env.simulator.pii_values(s) for s in env.simulator.sellers))
    return {v for v in values if not (v.replace(" ", "").isdigit() and len(v) < 8)}


def assert_no_pii(env: OrdersEnv, logs: str) -> None:
    pii = buyer_data(env)
    assert pii, "the simulator should have generated buyer data"
    saleor_text = json.dumps([asdict(o) for o in env.saleor_orders()], default=str)
    for value in pii:
        assert value not in saleor_text
        assert value not in logs


async def assert_no_pii_in_tables(env: OrdersEnv) -> None:
    pii = buyer_data(env)
    stored = json.dumps([r.order_json for r in await env.rows()])
    assert not [value for value in pii if value in stored]
