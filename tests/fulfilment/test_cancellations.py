"""Cancellations of imported Amazon orders go to Amazon's cancelOrder (the simulator's): a Saleor cancellation with
the configured default reason, BUYER_CANCELLED when Amazon shows the buyer asked, the reason staff chose in the
order widget; an order Amazon cancelled already is confirmed without a call, a shipped one is refused before any
call, and a cancellation Amazon refuses shows Amazon's message and becomes a processing error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from saleor_asc_app.amazon.models.orders import FulfillmentStatus
from tests.fulfilment.harness import US_SELLER, actions, deliver, fulfilment_env, import_unshipped_orders, staff_graphql
from tests.fulfilment.test_shipments import dashboard, errors
from tests.orders.harness import OrdersEnv

CANCEL = "mutation($id: ID!) { orderCancel(id: $id) { errors { code message } } }"
SEND = """mutation($order: String!, $reason: String!) { sendAmazonCancellation(saleorOrderId: $order, reason: $reason) {
  id kind state cancelReason message canRetry } }"""
ACTIONS = "query($order: String) { amazonOutgoingActions(saleorOrderId: $order) { kind state cancelReason message } }"


async def cancel_in_saleor(env: OrdersEnv, amazon_order_id: str) -> None:
    order = env.saleor_order(amazon_order_id)
    assert order is not None
    data = await staff_graphql(env, CANCEL, {"id": order.id})
    assert data["orderCancel"]["errors"] == []


def saleor_id(env: OrdersEnv, amazon_order_id: str) -> str:
    order = env.saleor_order(amazon_order_id)
    assert order is not None
    return order.id


async def test_saleor_and_staff_cancellations_reach_amazon_with_their_reasons(
    database_url: str, tmp_path: Path
) -> None:
    async with fulfilment_env(database_url, tmp_path) as env:
        default, buyer, staff, gone, shipped = await import_unshipped_orders(env, 5)
        env.simulator.order(buyer).request_cancellation()  # the buyer asked at Amazon
        env.simulator.advance_order(gone, FulfillmentStatus.CANCELLED)  # Amazon cancelled it already
        env.simulator.advance_order(shipped, FulfillmentStatus.SHIPPED)  # shipped from Seller Central meanwhile

        # Staff choose a reason in the widget before cancelling in Saleor.
        sent = await dashboard(env, SEND, {"order": saleor_id(env, staff), "reason": "PRICING_ERROR"})
        assert sent["sendAmazonCancellation"] == {  # type: ignore[comparison-overlap]
            "id": sent["sendAmazonCancellation"]["id"], "kind": "cancel", "state": "pending",  # type: ignore[index]
            "cancelReason": "PRICING_ERROR", "message": None, "canRetry": False,
        }  # fmt: skip
        for order_id in (default, buyer, staff, gone, shipped):
            await cancel_in_saleor(env, order_id)
        await deliver(env)
        await deliver(env)
        await env.run_jobs()

        by_order = {a.amazon_order_id: a for a in await actions(env)}
        assert len(by_order) == 5 and all(a.kind == "cancel" for a in by_order.values())  # one each, no duplicate
        calls = {c.order_id: c.reason for c in env.simulator.cancellations}
        assert calls == {default: "NO_INVENTORY", buyer: "BUYER_CANCELLED", staff: "PRICING_ERROR"}
        for order_id in calls:
            assert env.simulator.order(order_id).status(env.clock.now()) is FulfillmentStatus.CANCELLED
            assert (by_order[order_id].state, by_order[order_id].cancel_reason) == ("confirmed", calls[order_id])
            assert by_order[order_id].attempts == 1
        assert by_order[gone].state == "confirmed" and by_order[gone].attempts == 0  # no cancelOrder call
        assert by_order[shipped].state == "refused" and by_order[shipped].attempts == 0
        assert by_order[shipped].message == "Amazon has shipped items of this order; it cannot be cancelled."
        assert [(e.source, e.code, e.amazon_order_id) for e in await errors(env)] == [
            ("cancellation", "order_shipped", shipped)
        ]

        # A confirmed cancellation cannot be sent again or change its reason.
        response = await env.env.client.post(
            "/api/graphql",
            json={"query": SEND, "variables": {"order": saleor_id(env, default), "reason": "PRICING_ERROR"}},
            headers=dashboard_headers(env),
        )
        assert "already confirmed" in response.json()["errors"][0]["message"]
        shown = (await dashboard(env, ACTIONS, {"order": saleor_id(env, staff)}))["amazonOutgoingActions"]
        assert shown == [  # type: ignore[comparison-overlap]
            {"kind": "cancel", "state": "confirmed", "cancelReason": "PRICING_ERROR",
             "message": "Cancelled on Amazon (reason PRICING_ERROR)."}
        ]  # fmt: skip


def dashboard_headers(env: OrdersEnv) -> dict[str, str]:
    user = env.saleor.state.staff_by_email("admin@example.com")
    assert user is not None and env.env.saleor_app is not None
    return {
        "authorization-bearer": env.saleor.issue_dashboard_token(user, env.env.saleor_app),
        "saleor-api-url": env.saleor.api_url,
    }


class ShipsBeforeCancelling(httpx.AsyncBaseTransport):
    """Amazon ships the order (from Seller Central) in the moment between the app's check and its cancelOrder."""

    def __init__(self, inner: httpx.AsyncBaseTransport, ship: Callable[[str], None]) -> None:
        self.inner = inner
        self.ship = ship

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT" and request.url.path.endswith("/cancellation"):
            self.ship(request.url.path.split("/")[-2])
        return await self.inner.handle_async_request(request)


async def test_a_cancellation_amazon_refuses_shows_amazons_message_and_staff_can_send_it_again(
    sqlite_url: str, tmp_path: Path
) -> None:
    holder: list[OrdersEnv] = []
    racing = {"on": True}

    def ship(order_id: str) -> None:
        if racing["on"]:
            holder[0].simulator.advance_order(order_id, FulfillmentStatus.PARTIALLY_SHIPPED)

    def wrap(inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        return ShipsBeforeCancelling(inner, ship)

    async with fulfilment_env(sqlite_url, tmp_path, amazon_transport=wrap) as env:
        holder.append(env)
        [order_id, *_] = await import_unshipped_orders(env, 1)
        await cancel_in_saleor(env, order_id)
        await deliver(env)
        await env.run_jobs()

        [action] = await actions(env)
        assert (action.state, action.attempts, action.cancel_reason) == ("failed", 1, "NO_INVENTORY")
        assert action.message == "The order has shipped items; partial cancellations are not supported."
        assert env.simulator.cancellations == []
        [error] = await errors(env)
        assert (error.source, error.code, error.amazon_order_id) == ("cancellation", "InvalidInput", order_id)
        assert "partial cancellations are not supported" in error.message

        # Staff send it again with another reason: now Amazon shows it shipped, so it is refused before any call.
        racing["on"] = False
        again = await dashboard(
            env, SEND, {"order": saleor_id(env, order_id), "reason": "SHIPPING_ADDRESS_UNDELIVERABLE"}
        )
        assert again["sendAmazonCancellation"]["state"] == "pending"  # type: ignore[index]
        await env.run_jobs()
        [action] = await actions(env)
        assert (action.state, action.cancel_reason) == ("refused", "SHIPPING_ADDRESS_UNDELIVERABLE")
        assert env.simulator.cancellations == []
        assert env.simulator.stats.requests["cancelOrder"] == 1
        assert US_SELLER in env.simulator.sellers
