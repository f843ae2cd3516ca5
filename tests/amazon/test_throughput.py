"""Importing 5,000 orders through the client runs at Amazon's rate-limit bound without a single 429:
searchOrders allows a burst of 20 calls, then one call every 1/0.0056 s (≈180 s); 100 orders a page
means 50 calls, so the import cannot end before (50 - 20) / 0.0056 s of virtual time."""

from __future__ import annotations

import time
from datetime import timedelta

from saleor_asc_app.amazon.operations import SEARCH_ORDERS
from tests.amazon.harness import Harness

ORDERS = 5_000
PAGE = 100


async def test_5000_orders_at_the_rate_limit_bound_without_429(harness: Harness) -> None:
    seller = harness.state.add_seller("ATHROUGHPUT", marketplace_ids=["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"])
    harness.state.generate_orders(seller, ORDERS, seed=5000, start=harness.clock.now() - timedelta(days=20))
    client = harness.client(seller)

    wall = time.perf_counter()
    started = harness.clock.monotonic()
    imported: set[str] = set()
    async for page in client.iter_order_pages(
        created_after=harness.clock.now() - timedelta(days=21), max_results_per_page=PAGE
    ):
        imported.update(order.order_id for order in page.orders)
    elapsed = harness.clock.monotonic() - started
    wall = time.perf_counter() - wall

    calls = ORDERS // PAGE
    bound = (calls - SEARCH_ORDERS.burst) / SEARCH_ORDERS.rate  # 5,357 s
    assert imported == set(seller.orders)
    assert harness.state.stats.total_throttled == 0  # the simulator answered no 429
    assert client.stats.throttled == 0 and client.stats.retries == 0
    assert client.stats.calls == calls
    assert abs(elapsed - bound) <= 0.03 * bound, (elapsed, bound)
    assert abs(elapsed - (calls - SEARCH_ORDERS.burst) * 180) <= 0.03 * 5400  # the "one call per 180 s"
    print(f"\n5,000 orders: {elapsed:.0f} s virtual (bound {bound:.0f} s), 0 x 429, {wall:.2f} s wall")
    assert wall < 30  # a few seconds on a quiet machine; generous for a shared 2-core box
