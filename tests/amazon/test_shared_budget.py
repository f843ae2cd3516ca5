"""One rate budget per seller × region × operation across workers: two independent clients (two workers' limiters on
engines of their own, as two processes would have) spend from one PostgreSQL bucket, against the simulator's buckets
in virtual time. On SQLite the single process keeps its budget in memory."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from saleor_asc_app.amazon import Region, SellerCredentials, SpApiClient
from saleor_asc_app.amazon import operations as ops
from saleor_asc_app.amazon.operations import GET_ORDER
from saleor_asc_app.amazon.ratelimit import RateBudget, RateLimiter
from saleor_asc_app.amazon.shared_budget import RateBudgetRow, SharedRateLimiter, rate_budget
from saleor_asc_app.db.session import create_engine
from saleor_asc_app.simulator import SellerAccount
from tests.amazon.harness import Harness
from tests.db_servers import PostgresServer

NA = Region.NA.value


def at_the_bound(elapsed: float, bound: float) -> bool:
    """Never faster than Amazon's bound, and no slower than the safety margins add."""
    return bound - 0.01 <= elapsed <= bound + 1.0


def client_of(harness: Harness, seller: SellerAccount, budget: RateBudget) -> SpApiClient:
    return SpApiClient(
        SellerCredentials.of(seller.seller_id, seller.refresh_token),
        Region.NA,
        harness.http,
        harness.clock,
        lwa=harness.lwa,
        rate_limiter=budget,
        retry=harness.retry,
        rng=random.Random(7),
    )


@pytest.fixture
async def two_engines(postgres_server: PostgresServer) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    url = postgres_server.new_database()
    engines = (create_engine(url), create_engine(url))
    yield engines
    for engine in engines:
        await engine.dispose()


async def test_the_budget_is_shared_on_postgresql_and_in_memory_on_sqlite(database_url: str, harness: Harness) -> None:
    engine = create_engine(database_url)
    try:
        budget = rate_budget(engine, harness.clock)
        postgres = engine.dialect.name == "postgresql"
        assert isinstance(budget, SharedRateLimiter if postgres else RateLimiter)
        seller = harness.state.add_seller("ABUDGET")
        orders = harness.state.generate_orders(seller, 40, seed=2)
        clients = [client_of(harness, seller, budget) for _ in range(2)]
        started = harness.clock.monotonic()
        await asyncio.gather(*(clients[n % 2].get_order(order.order_id) for n, order in enumerate(orders)))
        assert harness.state.stats.total_throttled == 0
        assert at_the_bound(harness.clock.monotonic() - started, (40 - 30) / GET_ORDER.rate)
        if postgres:
            async with engine.connect() as connection:
                rows = (await connection.execute(select(RateBudgetRow.__table__))).all()
            assert [(row.seller_id, row.region, row.operation) for row in rows] == [("ABUDGET", NA, "getOrder")]
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_two_workers_spend_from_one_bucket_without_429(
    two_engines: tuple[AsyncEngine, AsyncEngine], harness: Harness
) -> None:
    seller = harness.state.add_seller("ATWOWORKERS")
    orders = harness.state.generate_orders(seller, 50, seed=3)
    first, second = (client_of(harness, seller, SharedRateLimiter(e, harness.clock)) for e in two_engines)
    started = harness.clock.monotonic()
    await asyncio.gather(
        *(first.get_order(o.order_id) for o in orders[::2]), *(second.get_order(o.order_id) for o in orders[1::2])
    )
    assert harness.state.stats.total_throttled == 0
    assert first.stats.throttled == second.stats.throttled == 0
    # One bucket: 30 at once, then one every 2 s between them (each pacing alone would go twice as fast and meet 429s).
    assert at_the_bound(harness.clock.monotonic() - started, (50 - 30) / GET_ORDER.rate)


@pytest.mark.postgres
async def test_each_worker_alone_would_meet_429s(harness: Harness) -> None:
    """The failure the shared budget removes: two process-local limiters for one seller overspend Amazon's bucket."""
    seller = harness.state.add_seller("APERPROCESS")
    orders = harness.state.generate_orders(seller, 50, seed=3)
    first, second = (client_of(harness, seller, RateLimiter(harness.clock)) for _ in range(2))
    await asyncio.gather(
        *(first.get_order(o.order_id) for o in orders[::2]), *(second.get_order(o.order_id) for o in orders[1::2])
    )
    assert harness.state.stats.total_throttled > 0


@pytest.mark.postgres
async def test_a_429_slows_every_worker(two_engines: tuple[AsyncEngine, AsyncEngine], harness: Harness) -> None:
    seller = harness.state.add_seller("ATHROTTLE")
    order = harness.state.generate_orders(seller, 1, seed=1)[0]
    budgets = [SharedRateLimiter(e, harness.clock) for e in two_engines]
    first = client_of(harness, seller, budgets[0])
    await first.get_order(order.order_id)
    assert await budgets[1].wait_time(seller.seller_id, GET_ORDER, region=NA) == 0.0  # 29 tokens left
    harness.state.inject_fault(seller, "throttle", 1, "getOrder")
    await first.get_order(order.order_id)  # 429, retried after backoff
    assert first.stats.throttled == 1
    # The other worker got no 429 itself, yet it waits for the emptied bucket too.
    assert await budgets[1].wait_time(seller.seller_id, GET_ORDER, region=NA) > 0.0
    started = harness.clock.monotonic()
    await budgets[1].acquire(seller.seller_id, GET_ORDER, region=NA)
    assert harness.clock.monotonic() - started > 0.0


@pytest.mark.postgres
async def test_the_rate_limit_header_adjusts_the_bucket_for_everyone(
    two_engines: tuple[AsyncEngine, AsyncEngine], harness: Harness
) -> None:
    seller = harness.state.add_seller("ABIGPLAN")
    orders = harness.state.generate_orders(seller, 60, seed=4)
    harness.state.set_rate_limit(seller, "getOrder", rate=10.0, burst=30)
    budgets = [SharedRateLimiter(e, harness.clock) for e in two_engines]
    first, second = (client_of(harness, seller, budget) for budget in budgets)
    await first.get_order(orders[0].order_id)  # the answer says 10/s: the row now says so for both
    assert budgets[0].rate_of(seller.seller_id, GET_ORDER, region=NA) == 10.0
    assert budgets[1].rate_of(seller.seller_id, GET_ORDER, region=NA) == GET_ORDER.rate  # not seen by it yet
    started = harness.clock.monotonic()
    for order in orders[1:]:
        await second.get_order(order.order_id)
    assert budgets[1].rate_of(seller.seller_id, GET_ORDER, region=NA) == 10.0
    # 29 tokens left, then 30 more at 10/s (at 0.5/s they would take 60 s).
    assert at_the_bound(harness.clock.monotonic() - started, 30 / 10.0)
    assert harness.state.stats.total_throttled == 0


@pytest.mark.postgres
async def test_buckets_are_per_seller_region_and_operation(two_engines: tuple[AsyncEngine, AsyncEngine]) -> None:
    from saleor_asc_app.clock import VirtualClock

    clock = VirtualClock()
    budget = SharedRateLimiter(two_engines[0], clock, safety_margin=0.0)
    for _ in range(30):
        assert await budget.acquire("A1", GET_ORDER, region=NA) == 0.0
    assert await budget.acquire("A1", GET_ORDER, region=Region.EU.value) == 0.0
    assert await budget.acquire("A2", GET_ORDER, region=NA) == 0.0
    assert await budget.acquire("A1", "searchOrders", region=NA) == 0.0
    assert await budget.wait_time("A1", GET_ORDER, region=NA) == pytest.approx(2.0, abs=0.01)
    started = clock.monotonic()
    await budget.acquire("A1", GET_ORDER, region=NA)
    assert clock.monotonic() - started == pytest.approx(2.0)


@pytest.mark.postgres
async def test_a_call_made_the_moment_wait_time_says_is_never_early(
    two_engines: tuple[AsyncEngine, AsyncEngine], harness: Harness
) -> None:
    """The sync schedules its next page at `wait_time` and calls then: the shared row's epoch seconds are not as exact
    as Amazon's count, so that call must not land a hair before the token exists (it did: a 429 per backlog)."""
    seller = harness.state.add_seller("ATHEMOMENT")
    day = timedelta(days=1)
    harness.state.generate_orders(seller, 5, seed=1, start=harness.clock.now() - day, end=harness.clock.now())
    budget = SharedRateLimiter(two_engines[0], harness.clock)
    client = client_of(harness, seller, budget)
    for _ in range(ops.SEARCH_ORDERS.burst + 5):
        harness.clock.advance(await budget.wait_time(seller.seller_id, ops.SEARCH_ORDERS, region=NA))
        await client.search_orders(created_after=harness.clock.now() - 2 * day)
    assert harness.state.stats.total_throttled == 0
