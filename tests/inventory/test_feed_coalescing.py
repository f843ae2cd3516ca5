"""Stock feeds respect createFeed's limit (0.0083/s, burst 15) in virtual time: a storm of stock events yields at
most one feed in flight per seller and marketplace, changes accumulate meanwhile and none is lost; the
reconciliation and the import-error scan start when the configuration is saved, and an idle reconciliation asks
Amazon which SKUs it lists (and how they are fulfilled) only now and then."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from sqlalchemy import func, select

from saleor_asc_app.amazon.operations import CREATE_FEED
from saleor_asc_app.inventory.sync import RECONCILE_KIND, SYNC_KIND
from saleor_asc_app.jobs.models import Job
from saleor_asc_app.processing_errors.imports import SCAN_KIND
from tests.fulfilment.harness import US_SELLER, fulfilment_env
from tests.harness import US
from tests.inventory.test_stock_feeds import BUFFER, feed_messages, set_up
from tests.orders.harness import OrdersEnv

STORM_EVENTS = 120
STORM_EVERY = 10.0  # seconds: 20 minutes of stock changes
BURST = 6  # events delivered between two worker runs


async def jobs_of(env: OrdersEnv, kind: str) -> int:
    async with env.state.sessionmaker() as session:
        count = await session.scalar(select(func.count()).select_from(Job).where(Job.kind == kind))
        return int(count or 0)


async def test_a_storm_of_stock_events_never_exceeds_the_feed_limit_and_loses_nothing(
    database_url: str, tmp_path: Path
) -> None:
    async with fulfilment_env(database_url, tmp_path) as env:
        await set_up(env)  # saving the configuration starts the reconciliation: no webhook needed
        assert await jobs_of(env, RECONCILE_KIND) == 1 and await jobs_of(env, SCAN_KIND) == 1
        await env.run_for(300, step=60)
        assert feed_messages(env)[0]["SIM-KITCHEN-001"] == 40 - BUFFER

        main = env.demo.warehouses["main-warehouse"]
        first = env.saleor.state.variant_by_sku("SIM-KITCHEN-001")
        second = env.saleor.state.variant_by_sku("SIM-KITCHEN-002")
        assert first is not None and second is not None
        storm_start = env.clock.now()
        worker = env.worker()
        for i in range(STORM_EVENTS):  # six events a minute, for twenty minutes
            variant = first if i % 3 else second
            env.saleor.set_stock(variant, main, 100 + i)
            response = await env.env.deliver(
                "PRODUCT_VARIANT_STOCK_UPDATED", {"productVariant": variant, "warehouse": main}
            )
            assert response.status_code == 200
            if i % BURST == BURST - 1:
                await env.run_jobs(worker)
                env.clock.advance(STORM_EVERY * BURST)
        await env.run_for(900, step=60, worker=worker)

        stats = env.simulator.stats
        assert stats.throttled[CREATE_FEED.name] == 0
        feeds = sorted(env.simulator.seller_feeds(US_SELLER), key=lambda f: f.created)
        storm_feeds = [f for f in feeds if f.created >= storm_start]
        for earlier, later in pairwise(feeds):
            assert later.created >= earlier.finishes, "two feeds of one marketplace were in flight at once"
        storm_minutes = STORM_EVENTS * STORM_EVERY / 60
        assert 2 <= len(storm_feeds) <= storm_minutes / 2 + 2  # one per feed cycle (≥ 2 minutes), not per event
        # Every feed went out without waiting for a 429, and the sustained rate stays within createFeed's plan.
        assert (
            len(feeds) <= CREATE_FEED.burst + (feeds[-1].created - feeds[0].created).total_seconds() * CREATE_FEED.rate
        )
        assert await jobs_of(env, SYNC_KIND) <= len(storm_feeds) + 2  # events ride along a pending sync job

        # Nothing lost: Amazon ends with Saleor's last quantities.
        catalog = env.simulator.sellers[US_SELLER].catalog
        assert catalog["SIM-KITCHEN-001"].listing_quantity[US] == 100 + STORM_EVENTS - 1 - BUFFER
        last_second = max(i for i in range(STORM_EVENTS) if i % 3 == 0)
        assert catalog["SIM-KITCHEN-002"].listing_quantity[US] == 100 + last_second - BUFFER
        sent_last = {}
        for messages in feed_messages(env):
            sent_last.update(messages)
        assert sent_last["SIM-KITCHEN-001"] == 100 + STORM_EVENTS - 1 - BUFFER


async def test_an_idle_reconciliation_is_cheap(sqlite_url: str, tmp_path: Path) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        await set_up(env)
        await env.run_for(300, step=60)
        requests_before = dict(env.simulator.stats.requests)
        feeds_before = len(feed_messages(env))
        await env.run_for(12 * 3600, step=3600)  # half a day without stock changes: a dozen reconciliations
        requests = env.simulator.stats.requests
        assert len(feed_messages(env)) == feeds_before  # nothing changed, nothing sent
        assert requests[CREATE_FEED.name] == requests_before[CREATE_FEED.name]
        # Listings are looked up again every 6 hours at most (4 SKUs: one request), not on each reconciliation.
        assert requests_before["searchListingsItems"] >= 1
        assert requests["searchListingsItems"] - requests_before["searchListingsItems"] <= 2
        assert await jobs_of(env, RECONCILE_KIND) == 1  # one standing job, rescheduled, never one per tick
