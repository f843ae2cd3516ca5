"""Cancellations of imported Amazon orders go to Amazon through the order acknowledgement feed (the simulator's),
batched per connection: a Saleor cancellation with the configured default reason, BuyerCanceled when Amazon shows the
buyer asked, the reason staff chose in the order widget, items staff chose; each action is "requested" until the
feed's processing report confirms it, and a row Amazon refuses fails with Amazon's message. cancelOrder (Orders
v2026, not in Amazon's published models) is used only with ASC_CANCEL_ORDER_API on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from saleor_asc_app.amazon.models.order_acknowledgement import FEED_TYPE
from saleor_asc_app.amazon.models.orders import FulfillmentStatus
from saleor_asc_app.simulator import FaultKind
from tests.fulfilment.harness import US_SELLER, actions, deliver, fulfilment_env, import_unshipped_orders, staff_graphql
from tests.fulfilment.test_shipments import errors
from tests.orders.harness import OrdersEnv

CANCEL = "mutation($id: ID!) { orderCancel(id: $id) { errors { code message } } }"
SEND = """mutation($order: String!, $reason: String!, $items: [String!]) {
  sendAmazonCancellation(saleorOrderId: $order, reason: $reason, orderItemIds: $items) {
  id kind state cancelReason message canRetry orderItemIds } }"""
ACTIONS = """query($order: String) { amazonOutgoingActions(saleorOrderId: $order) {
  kind state cancelReason message orderItemIds cancelledItems { orderItemId state message } } }"""
ITEMS = "query($order: String!) { amazonOrderItems(saleorOrderId: $order) { orderItemId sku cancellationState } }"


def feeds(env: OrdersEnv) -> list[str]:
    return [f.feed_id for f in env.simulator.feeds.values() if f.feed_type == FEED_TYPE]


async def cancel_in_saleor(env: OrdersEnv, amazon_order_id: str) -> None:
    order = env.saleor_order(amazon_order_id)
    assert order is not None
    data = await staff_graphql(env, CANCEL, {"id": order.id})
    assert data["orderCancel"]["errors"] == []


def saleor_id(env: OrdersEnv, amazon_order_id: str) -> str:
    order = env.saleor_order(amazon_order_id)
    assert order is not None
    return order.id


async def test_saleor_and_staff_cancellations_reach_amazon_in_one_feed_with_their_reasons(
    database_url: str, tmp_path: Path
) -> None:
    async with fulfilment_env(database_url, tmp_path) as env:
        default, buyer, staff, gone, shipped = await import_unshipped_orders(env, 5)
        env.simulator.order(buyer).request_cancellation()  # the buyer asked at Amazon
        env.simulator.advance_order(gone, FulfillmentStatus.CANCELLED)  # Amazon cancelled it already
        env.simulator.advance_order(shipped, FulfillmentStatus.SHIPPED)  # shipped from Seller Central meanwhile

        # Staff choose a reason in the widget before cancelling in Saleor.
        sent = await env.env.dashboard_data(SEND, {"order": saleor_id(env, staff), "reason": "PRICING_ERROR"})
        assert sent["sendAmazonCancellation"] == {
            "id": sent["sendAmazonCancellation"]["id"], "kind": "cancel", "state": "pending",
            "cancelReason": "PRICING_ERROR", "message": None, "canRetry": False, "orderItemIds": None,
        }  # fmt: skip
        for order_id in (default, buyer, staff, gone, shipped):
            await cancel_in_saleor(env, order_id)
        await deliver(env)
        await deliver(env)
        await env.run_jobs()
        assert feeds(env) == [] and {a.state for a in await actions(env)} == {"pending"}  # batched: not yet

        await env.run_for(150, step=30)  # the feed goes out; Amazon has not processed it yet
        by_order = {a.amazon_order_id: a for a in await actions(env)}
        assert len(by_order) == 5 and all(a.kind == "cancel" for a in by_order.values())  # one each, no duplicate
        assert {o: by_order[o].state for o in (default, buyer, staff)} == dict.fromkeys((default, buyer, staff),
                                                                                      "requested")  # fmt: skip
        assert by_order[gone].state == "confirmed" and by_order[gone].attempts == 0  # no row for it
        assert by_order[shipped].state == "refused" and by_order[shipped].attempts == 0
        assert by_order[shipped].message == "Amazon has shipped items of this order; it cannot be cancelled."
        assert env.simulator.stats.requests["cancelOrder"] == 0

        await env.run_for(300, step=30)  # Amazon processes the feed; the app reads its report
        [feed_id] = feeds(env)
        rows = [(c.order_id, c.order_item_id, c.reason, c.feed_id) for c in env.simulator.cancellations]
        reasons = {default: "NoInventory", buyer: "BuyerCanceled", staff: "GeneralAdjustment"}
        assert sorted(rows) == sorted(
            (o, item, reasons[o], feed_id) for o in reasons for item in env.simulator.order(o).quantities
        )
        by_order = {a.amazon_order_id: a for a in await actions(env)}
        for order_id in reasons:
            assert env.simulator.order(order_id).status(env.clock.now()) is FulfillmentStatus.CANCELLED
            action = by_order[order_id]
            assert (action.state, action.attempts) == ("confirmed", 1)
            assert {i["state"] for i in action.items or ()} == {"confirmed"}
        assert by_order[staff].cancel_reason == "PRICING_ERROR"
        assert by_order[buyer].cancel_reason == "BUYER_CANCELLED"
        assert [(e.source, e.code, e.amazon_order_id) for e in await errors(env)] == [
            ("cancellation", "order_shipped", shipped)
        ]

        # A confirmed cancellation cannot be sent again or change its reason.
        response = await env.env.client.post(
            "/api/graphql",
            json={"query": SEND, "variables": {"order": saleor_id(env, default), "reason": "PRICING_ERROR"}},
            headers=env.env.dashboard_headers(),
        )
        assert "already confirmed" in response.json()["errors"][0]["message"]
        shown = (await env.env.dashboard_data(ACTIONS, {"order": saleor_id(env, staff)}))["amazonOutgoingActions"]
        assert shown[0]["message"] == "Cancelled on Amazon (reason PRICING_ERROR)."
        assert shown[0]["state"] == "confirmed"


async def test_whole_order_and_chosen_items_go_out_as_one_feed_and_are_confirmed_by_its_report(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        whole, partial = await import_unshipped_orders(env, 2)
        items = list(env.simulator.order(partial).quantities)
        assert len(items) >= 2, "the generator gives multi-line orders here"
        chosen = items[:1]
        listed = (await env.env.dashboard_data(ITEMS, {"order": saleor_id(env, partial)}))["amazonOrderItems"]
        assert [i["orderItemId"] for i in listed] == items
        assert {i["cancellationState"] for i in listed} == {None}

        sent = await env.env.dashboard_data(
            SEND, {"order": saleor_id(env, partial), "reason": "NO_INVENTORY", "items": chosen}
        )
        assert sent["sendAmazonCancellation"]["orderItemIds"] == chosen
        await cancel_in_saleor(env, whole)
        await deliver(env)
        await env.run_for(600, step=30)

        [feed_id] = feeds(env)  # one feed for both
        cancelled = sorted((c.order_id, c.order_item_id) for c in env.simulator.cancellations)
        expected = [(whole, i) for i in env.simulator.order(whole).quantities] + [(partial, chosen[0])]
        assert cancelled == sorted(expected)
        assert {c.feed_id for c in env.simulator.cancellations} == {feed_id}
        assert env.simulator.order(whole).status(env.clock.now()) is FulfillmentStatus.CANCELLED
        assert env.simulator.order(partial).status(env.clock.now()) is FulfillmentStatus.UNSHIPPED  # the rest stays
        by_order = {a.amazon_order_id: a for a in await actions(env)}
        assert by_order[whole].state == by_order[partial].state == "confirmed"
        shown = (await env.env.dashboard_data(ACTIONS, {"order": saleor_id(env, partial)}))["amazonOutgoingActions"]
        assert shown == [
            {"kind": "cancel", "state": "confirmed", "cancelReason": "NO_INVENTORY",
             "message": "Cancelled on Amazon (reason NO_INVENTORY).", "orderItemIds": chosen,
             "cancelledItems": [{"orderItemId": chosen[0], "state": "confirmed", "message": None}]}
        ]  # fmt: skip
        listed = (await env.env.dashboard_data(ITEMS, {"order": saleor_id(env, partial)}))["amazonOrderItems"]
        assert [i["cancellationState"] for i in listed] == ["confirmed"] + [None] * (len(items) - 1)

        # The same item cannot be asked for twice; another item of the order can.
        response = await env.env.client.post(
            "/api/graphql",
            json={"query": SEND, "variables": {"order": saleor_id(env, partial), "reason": "NO_INVENTORY",
                                               "items": chosen}},
            headers=env.env.dashboard_headers(),
        )  # fmt: skip
        assert "already being cancelled" in response.json()["errors"][0]["message"]

        # Cancelling the order in Saleor later sends only the items still open, in a feed of its own.
        await cancel_in_saleor(env, partial)
        await deliver(env)
        await env.run_for(600, step=30)
        assert len(feeds(env)) == 2
        rows = [c.order_item_id for c in env.simulator.cancellations if c.order_id == partial]
        assert sorted(rows, key=str) == sorted(items)  # each item once
        assert env.simulator.order(partial).status(env.clock.now()) is FulfillmentStatus.CANCELLED
        assert [a.state for a in await actions(env) if a.amazon_order_id == partial] == ["confirmed", "confirmed"]
        response = await env.env.client.post(
            "/api/graphql",
            json={"query": SEND, "variables": {"order": saleor_id(env, partial), "reason": "NO_INVENTORY",
                                               "items": items[1:2]}},
            headers=env.env.dashboard_headers(),
        )  # fmt: skip
        assert "whole order is already being cancelled" in response.json()["errors"][0]["message"]


async def test_a_row_amazon_refuses_fails_with_amazons_message_and_staff_can_send_it_again(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        [order_id, *_] = await import_unshipped_orders(env, 1)
        await cancel_in_saleor(env, order_id)
        await deliver(env)
        await env.run_for(150, step=30)
        [action] = await actions(env)
        assert action.state == "requested"
        # Amazon ships an item (from Seller Central) before it processes the feed: that row is refused.
        env.simulator.advance_order(order_id, FulfillmentStatus.PARTIALLY_SHIPPED)
        shipped_item = next(i for i, n in env.simulator.order(order_id).shipped(env.clock.now()).items() if n)
        await env.run_for(300, step=30)

        [action] = await actions(env)
        assert (action.state, action.attempts, action.cancel_reason) == ("failed", 1, "NO_INVENTORY")
        expected = f"Item {shipped_item} of order {order_id} has shipped and cannot be cancelled."
        assert f"Item {shipped_item}: {expected}" in (action.message or "")
        failed = {i["orderItemId"]: i for i in action.items or () if i["state"] == "failed"}
        assert failed[shipped_item]["message"] == expected
        [error] = await errors(env)  # one per refused item; the other items were cancelled
        assert (error.source, error.code, error.amazon_order_id) == ("cancellation", "ITEM_SHIPPED", order_id)
        assert error.message == f"Order {order_id}, cancellation: item {shipped_item}: {expected}"
        assert {i["state"] for i in action.items or () if i["orderItemId"] != shipped_item} <= {"confirmed"}
        shown = (await env.env.dashboard_data(ACTIONS, {"order": saleor_id(env, order_id)}))["amazonOutgoingActions"]
        assert shown[0]["state"] == "failed" and expected in shown[0]["message"]

        # Staff send it again with another reason: now Amazon shows it shipped, so it is refused before any feed.
        again = await env.env.dashboard_data(
            SEND, {"order": saleor_id(env, order_id), "reason": "SHIPPING_ADDRESS_UNDELIVERABLE"}
        )
        assert again["sendAmazonCancellation"]["state"] == "pending"
        await env.run_for(300, step=30)
        [action] = await actions(env)
        assert (action.state, action.cancel_reason) == ("refused", "SHIPPING_ADDRESS_UNDELIVERABLE")
        assert len(feeds(env)) == 1
        assert US_SELLER in env.simulator.sellers


async def test_cancel_order_api_only_when_turned_on_and_confirmed_by_get_order(sqlite_url: str, tmp_path: Path) -> None:
    async with fulfilment_env(sqlite_url, tmp_path, cancel_order_api=True) as env:
        [order_id, *_] = await import_unshipped_orders(env, 1)
        await cancel_in_saleor(env, order_id)
        await deliver(env)
        await env.run_jobs()
        [action] = await actions(env)
        assert action.state == "requested"  # 202: accepted, not confirmed
        assert "Amazon accepted the cancellation request" in (action.message or "")
        assert env.simulator.stats.requests["cancelOrder"] == 1
        await env.run_for(600, step=60)
        [action] = await actions(env)
        assert (action.state, action.message) == ("confirmed", "Cancelled on Amazon (reason NO_INVENTORY).")
        assert feeds(env) == [] and env.simulator.stats.requests["cancelOrder"] == 1


class ShipsBeforeCancelling(httpx.AsyncBaseTransport):
    """Amazon ships the order (from Seller Central) in the moment between the app's check and its cancelOrder."""

    def __init__(self, inner: httpx.AsyncBaseTransport, ship: Callable[[str], None]) -> None:
        self.inner = inner
        self.ship = ship

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT" and request.url.path.endswith("/cancellation"):
            self.ship(request.url.path.split("/")[-2])
        return await self.inner.handle_async_request(request)


async def test_cancel_order_api_refusals_show_amazons_message_and_item_cancellations_need_the_feed(
    sqlite_url: str, tmp_path: Path
) -> None:
    holder: list[OrdersEnv] = []

    def ship(order_id: str) -> None:
        holder[0].simulator.advance_order(order_id, FulfillmentStatus.PARTIALLY_SHIPPED)

    def wrap(inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        return ShipsBeforeCancelling(inner, ship)

    async with fulfilment_env(sqlite_url, tmp_path, amazon_transport=wrap, cancel_order_api=True) as env:
        holder.append(env)
        whole, partial = await import_unshipped_orders(env, 2)
        item = next(iter(env.simulator.order(partial).quantities))
        await env.env.dashboard_data(
            SEND, {"order": saleor_id(env, partial), "reason": "NO_INVENTORY", "items": [item]}
        )
        await cancel_in_saleor(env, whole)
        await deliver(env)
        await env.run_jobs()

        by_order = {a.amazon_order_id: a for a in await actions(env)}
        assert (by_order[whole].state, by_order[whole].attempts) == ("failed", 1)
        assert by_order[whole].message == "The order has shipped items; partial cancellations are not supported."
        assert (by_order[partial].state, by_order[partial].attempts) == ("refused", 0)
        assert "cancelOrder cancels whole orders only" in (by_order[partial].message or "")
        assert {(e.code, e.amazon_order_id) for e in await errors(env)} == {
            ("InvalidInput", whole), ("partial_cancellation", partial)
        }  # fmt: skip
        assert env.simulator.cancellations == [] and feeds(env) == []


async def test_a_failed_create_feed_is_sent_again_and_items_amazon_shows_cancelled_are_confirmed(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        [order_id, *_] = await import_unshipped_orders(env, 1)
        env.simulator.inject_fault(US_SELLER, FaultKind.SERVER_ERROR, count=1, operation="createFeed")
        await cancel_in_saleor(env, order_id)
        await deliver(env)
        await env.run_for(150, step=30)
        [action] = await actions(env)
        assert (action.state, feeds(env)) == ("pending", [])  # Amazon failed: back to pending, tried again later
        assert "InternalFailure" in (action.message or "")

        for _ in range(10):  # the feed job's retry (createFeed's interval later) sends it
            await env.run_for(30, step=30)
            [action] = await actions(env)
            if action.state != "pending":
                break
        assert action.state == "requested" and len(feeds(env)) == 1
        # Amazon cancels the order itself (the buyer, at Amazon) before it processes the feed: the report refuses
        # every row, but getOrder shows the items cancelled, so the cancellation is confirmed.
        env.simulator.advance_order(order_id, FulfillmentStatus.CANCELLED)
        await env.run_for(300, step=30)
        [action] = await actions(env)
        assert (action.state, action.attempts) == ("confirmed", 2)
        assert {i["state"] for i in action.items or ()} == {"confirmed"}
        assert env.simulator.cancellations == [] and await errors(env) == []
