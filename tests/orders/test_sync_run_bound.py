"""A seller granted a higher searchOrders rate (Amazon says so in ``x-amzn-RateLimit-Limit``) pages a large backlog
in runs of at most ``MAX_PAGES_PER_RUN`` pages, each due again at once: a run never holds a worker for the whole
backlog (which ran past the job's timeout in the memory benchmark), and the next run continues where it stopped."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from saleor_asc_app.configuration.marketplaces import Region
from saleor_asc_app.orders.sync import MAX_PAGES_PER_RUN, sync_connection
from tests.harness import US
from tests.orders.harness import orders_env

SELLER_ID = "ASELLERNA00001"
QUIET = {"afn_share": 0, "cancel_share": 0, "preorder_share": 0, "mfn_auto_ship_share": 0}


async def test_a_fast_seller_pages_a_backlog_in_bounded_runs(sqlite_url: str, tmp_path: Path) -> None:
    async with orders_env(sqlite_url, tmp_path) as env:
        seller = env.simulator.sellers[SELLER_ID]
        seller.orders.clear()
        env.simulator.set_rate_limit(seller, "searchOrders", 50.0, 100)
        await env.configure({"conn-na": (Region.NA, SELLER_ID, (US,))})
        await env.run_jobs()
        start = env.clock.now()
        orders = MAX_PAGES_PER_RUN * 100 + 500
        env.simulator.generate_orders(
            SELLER_ID, orders, seed=4, start=start, end=start + timedelta(minutes=30), **QUIET
        )
        env.clock.advance(3 * 3600)

        first = await sync_connection(env.state, env.installation_id, "conn-na")
        assert (first.pages, first.next_in) == (MAX_PAGES_PER_RUN, 0.0)
        second = await sync_connection(env.state, env.installation_id, "conn-na")
        assert second.pages == 5 and second.next_in is not None and second.next_in > 0

        assert await env.count() == orders  # every order stored once, for the writer
        assert env.simulator.stats.total_throttled == 0
