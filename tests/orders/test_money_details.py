"""Money details through the real import and the inbox API (issue 16): Amazon Points on the Saleor order and in the
inbox; an order from a marketplace whose prices include tax but without any TAX breakdown is imported with Amazon's
amounts and flagged on the order (metadata and a note) and in the inbox, never booked as silently tax-free."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from saleor_asc_app.orders.mapping import TAX_BREAKDOWN_NOTE
from saleor_asc_app.simulator.orders import SimOrder
from tests.orders.harness import SELLERS, OrdersEnv, orders_env
from tests.orders.test_dashboard_api import ORDERS

COMMON: dict[str, Any] = dict(afn_share=0.0, cancel_share=0.0, preorder_share=0.0, mfn_auto_ship_share=0.0,
                              replacement_share=0.0, promotion_share=0.0, gift_share=0.0, cod_share=0.0)  # fmt: skip


def _tax_included(order: SimOrder) -> bool:
    """Every item's total leaves its (non-zero) TAX out: the tax is contained in the price."""
    for entry in order.body["orderItems"]:
        proceeds = entry["proceeds"]
        amounts = {b["type"]: Decimal(b["subtotal"]["amount"]) for b in proceeds["breakdowns"]}
        untaxed = sum((v for k, v in amounts.items() if k != "TAX"), Decimal(0))
        if not amounts.get("TAX") or Decimal(proceeds["proceedsTotal"]["amount"]) != untaxed:
            return False
    return True


def _without_tax_breakdowns(order: SimOrder) -> None:
    """What Amazon sends when it leaves the tax out of a tax-inclusive order: the same totals, no TAX anywhere."""
    for entry in order.body["orderItems"]:
        entry["proceeds"]["breakdowns"] = [b for b in entry["proceeds"]["breakdowns"] if b["type"] != "TAX"]
    proceeds = order.body["proceeds"]
    proceeds["breakdowns"] = [b for b in proceeds["breakdowns"] if b["type"] != "TAX"]


async def _inbox(env: OrdersEnv) -> dict[str, dict[str, Any]]:
    query = ORDERS.replace("canSkip", "canSkip pointsGranted pointsValue taxBreakdownMissing")
    data = await env.env.dashboard_data(query, {"first": 50, "offset": 0})
    return {item["amazonOrderId"]: item for item in data["amazonOrders"]["items"]}


async def test_points_and_a_missing_tax_breakdown_reach_the_order_and_the_inbox(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with orders_env(sqlite_url, tmp_path) as env:
        await env.configure_without_orders("conn-eu", "conn-fe")
        start = env.clock.now()
        window = dict(start=start, end=start + timedelta(minutes=2), **COMMON)
        eu, fe = SELLERS["conn-eu"][1], SELLERS["conn-fe"][1]
        eu_orders = env.simulator.generate_orders(eu, 12, seed=5, marketplace_ids=["A1PA6795UKMFR9"], **window)
        included = [o for o in eu_orders if _tax_included(o)]
        untaxed, taxed = included[0], included[1]
        _without_tax_breakdowns(untaxed)
        jp = env.simulator.generate_orders(fe, 1, seed=6, **window)[0]
        sent = [untaxed, taxed, jp]
        for order in sent:
            env.simulator.advance_order(order.order_id, "UNSHIPPED")

        async def imported() -> bool:
            return all(env.saleor_order(o.order_id) is not None for o in sent)

        await env.run_until(imported, limit=3600)
        inbox = await _inbox(env)

        flagged = env.saleor_order(untaxed.order_id)
        assert flagged is not None
        grand_total = Decimal(untaxed.body["proceeds"]["grandTotal"]["amount"])
        assert flagged.total.gross.amount == grand_total, "imported with Amazon's amounts"
        assert flagged.metadata["amazon.tax_breakdown"] == "missing"
        assert [e.message for e in flagged.events if e.type == "NOTE_ADDED"] == [TAX_BREAKDOWN_NOTE]
        assert inbox[untaxed.order_id]["taxBreakdownMissing"] is True
        assert inbox[untaxed.order_id]["state"] == "imported"

        normal = env.saleor_order(taxed.order_id)
        assert normal is not None and "amazon.tax_breakdown" not in normal.metadata
        assert not [e for e in normal.events if e.type == "NOTE_ADDED"]
        assert inbox[taxed.order_id]["taxBreakdownMissing"] is False

        points = sum(i["expense"]["pointsCost"]["pointsGranted"]["pointsNumber"] for i in jp.body["orderItems"])
        assert points > 0
        japanese = env.saleor_order(jp.order_id)
        assert japanese is not None
        assert japanese.metadata["amazon.points_granted"] == str(points)
        assert japanese.metadata["amazon.points_value"] == str(points)  # one yen a point in the simulator
        assert (inbox[jp.order_id]["pointsGranted"], inbox[jp.order_id]["pointsValue"]) == (points, str(points))
        assert inbox[taxed.order_id]["pointsGranted"] is None
