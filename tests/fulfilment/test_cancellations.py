"""Saleor cancellations of Amazon orders become cancel actions with the configured reason; as sending them to
Amazon is not built yet, each one Amazon still needs is refused with the instruction to cancel in Seller Central
(shown and recorded as a processing error); one Amazon has cancelled already is confirmed."""

from __future__ import annotations

from pathlib import Path

from saleor_asc_app.amazon.models.orders import FulfillmentStatus
from tests.fulfilment.harness import actions, deliver, fulfilment_env, import_unshipped_orders, staff_graphql
from tests.fulfilment.test_shipments import errors

CANCEL = "mutation($id: ID!) { orderCancel(id: $id) { errors { code message } } }"


async def test_a_saleor_cancellation_asks_staff_to_cancel_in_seller_central(sqlite_url: str, tmp_path: Path) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        first, second, *_ = await import_unshipped_orders(env, 3)
        for order_id in (first, second):
            order = env.saleor_order(order_id)
            assert order is not None
            data = await staff_graphql(env, CANCEL, {"id": order.id})
            assert data["orderCancel"]["errors"] == []
        env.simulator.advance_order(second, FulfillmentStatus.CANCELLED)  # Amazon cancelled it too
        await deliver(env)
        await deliver(env)
        await env.run_jobs()
        by_order = {a.amazon_order_id: a for a in await actions(env)}
        assert set(by_order) == {first, second}
        assert by_order[first].kind == "cancel" and by_order[first].cancel_reason == "NO_INVENTORY"
        assert by_order[first].state == "refused"
        assert by_order[first].message is not None and "Cancel order" in by_order[first].message
        assert by_order[second].state == "confirmed"
        assert [(e.code, e.amazon_order_id) for e in await errors(env)] == [("cancel_manual", first)]
