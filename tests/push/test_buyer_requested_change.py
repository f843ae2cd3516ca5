"""BuyerRequestedChange: the buyer asks at Amazon to cancel an unshipped order that is in Saleor. The simulator
notifies it as Amazon's schema and example show (``OrderChangeType`` BuyerRequestedChange, ``ChangeReason`` "Buyer
Requested Cancel", the items ``IsBuyerRequestedCancel``); the app answers with one ``getOrder`` for that order and
stores the request, which a cancellation sent from Saleor then reports to Amazon as ``BUYER_CANCELLED``."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
from sqlalchemy import select

from saleor_asc_app.fulfilment.cancellation import buyer_requested
from saleor_asc_app.orders.stored_orders import load_order
from saleor_asc_app.orders.tables import AmazonOrder
from tests.contracts import amazon_contracts
from tests.orders.harness import SELLERS
from tests.push.harness import push_env
from tests.push.sqs_server import SqsServer

ITEMS = "query($order: String!) { amazonOrderItems(saleorOrderId: $order) { orderItemId buyerCancelReason } }"
NA = "conn-na"
SELLER = SELLERS[NA][1]


async def test_a_buyer_cancellation_request_is_fetched_once_and_stored(
    sqlite_url: str, tmp_path: Path, sqs_server: SqsServer
) -> None:
    async with push_env(sqlite_url, tmp_path, sqs_server, visibility=1) as env:
        env.simulator.sellers[SELLER].orders.clear()
        await env.orders.configure({NA: SELLERS[NA]})
        await env.orders.run_jobs()
        center = env.simulator.notifications
        sent: list[dict[str, Any]] = []
        original = center.take_due

        def recording(now):  # type: ignore[no-untyped-def]
            due = original(now)
            sent.extend(json.loads(p.body) for p in due)
            return due

        center.take_due = recording
        worker = env.worker(sync=False)  # only push brings changes
        now = env.orders.clock.now()
        (order,) = env.simulator.generate_orders(
            SELLER, 1, seed=3, start=now - timedelta(minutes=1), end=now, afn_share=0.0, cancel_share=0.0,
            preorder_share=0.0, mfn_auto_ship_share=0.0, unknown_sku_share=0.0, cod_share=0.0, replacement_share=0.0,
        )  # fmt: skip
        order.pending_until = order.created
        await env.step(30, worker)
        assert [o.external_reference for o in env.orders.saleor_orders()] == [order.order_id]
        get_orders = env.simulator.stats.requests["getOrder"]

        order.request_cancellation("NO_LONGER_NEEDED", now=env.orders.clock.now())
        await env.step(30, worker)
        await env.step(30, worker)  # nothing more happens

        changes = [s["Payload"]["OrderChangeNotification"] for s in sent]
        assert [c["OrderChangeType"] for c in changes] == ["OrderStatusChange", "BuyerRequestedChange"]
        request = changes[1]
        schema = json.loads((amazon_contracts() / "OrderChangeNotification.json").read_text())
        jsonschema.validate(sent[1], schema)
        assert request["OrderChangeTrigger"]["ChangeReason"] == "Buyer Requested Cancel"
        assert request["Summary"]["OrderStatus"] == "Unshipped"
        assert all(item["IsBuyerRequestedCancel"] for item in request["Summary"]["OrderItems"])
        assert env.simulator.stats.requests["getOrder"] == get_orders + 1  # one getOrder for the request

        async with env.orders.state.sessionmaker() as session:
            stored = (
                await session.execute(select(AmazonOrder).where(AmazonOrder.amazon_order_id == order.order_id))
            ).scalar_one()
        amazon = load_order(stored.order_json)
        assert amazon is not None and buyer_requested(amazon)  # a cancellation from Saleor says BUYER_CANCELLED
        assert stored.state == "imported"  # still in Saleor, awaiting the seller's decision
        assert len(env.orders.saleor_orders()) == 1

        # Where staff see it: the order widget's Amazon items (the cancellation chooser).
        saleor_order = env.orders.saleor_order(order.order_id)
        assert saleor_order is not None
        listed = (await env.orders.env.dashboard_data(ITEMS, {"order": saleor_order.id}))["amazonOrderItems"]
        assert listed and {i["buyerCancelReason"] for i in listed} == {"NO_LONGER_NEEDED"}
