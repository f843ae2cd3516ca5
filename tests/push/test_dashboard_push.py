"""The inbox's sync cards through the dashboard API: push state, last notification, freshness of the newest
imported change, and the dead letters of the store."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.orders.harness import SELLERS
from tests.push.harness import PushEnv, push_env
from tests.push.sqs_server import SqsServer, send

NA = "conn-na"
SELLER = SELLERS[NA][1]
STATUS = """query { amazonOrderSyncStatus { sellers { connectionId
  push { state reason lastNotificationAt freshnessSeconds missed deadLetters } } } }"""


async def _push(env: PushEnv) -> dict[str, Any]:
    data = await env.orders.env.dashboard_data(STATUS)
    (seller,) = [s for s in data["amazonOrderSyncStatus"]["sellers"] if s["connectionId"] == NA]
    push: dict[str, Any] = seller["push"]
    return push


async def test_sync_card_shows_push_state_last_notification_and_freshness(
    sqlite_url: str, tmp_path: Path, sqs_server: SqsServer
) -> None:
    async with push_env(sqlite_url, tmp_path, sqs_server, push_quiet_seconds=900.0) as env:
        env.simulator.sellers[SELLER].orders.clear()
        await env.orders.configure({NA: SELLERS[NA]})
        worker = env.worker(sync=False)
        await env.orders.run_jobs(worker)
        await env.drain()
        first = await _push(env)
        assert first["state"] == "subscribed"  # just subscribed: the quiet time counts from the subscription
        assert first["lastNotificationAt"] is None and first["freshnessSeconds"] is None

        start = env.orders.clock.now()
        (order,) = env.simulator.generate_orders(
            SELLER, 1, seed=4, start=start - timedelta(seconds=30), end=start, afn_share=0.0, preorder_share=0.0,
            cancel_share=0.0, mfn_auto_ship_share=0.0,
        )  # fmt: skip
        env.simulator.advance_order(order.order_id, "UNSHIPPED")
        await env.step(10, worker)
        await env.orders.run_jobs(worker)
        assert env.orders.saleor_order(order.order_id) is not None
        await send(env.queue, "{not a notification")
        await env.step(20, worker)
        card = await _push(env)
        assert card["state"] == "subscribed"
        assert card["lastNotificationAt"] is not None
        assert card["freshnessSeconds"] is not None and card["freshnessSeconds"] <= 60
        assert card["deadLetters"] == 0  # the unreadable message names no seller: the operator's, not this store's

        env.orders.clock.advance(901)  # no notification for longer than the quiet time
        await env.drain()
        quiet = await _push(env)
        assert quiet["state"] == "degraded" and "No order notification" in quiet["reason"]
