"""Token buckets per seller × operation, in virtual time, against the simulator's own buckets."""

from __future__ import annotations

import asyncio
import random

import pytest

from saleor_asc_app.amazon import Region
from saleor_asc_app.amazon.operations import GET_ORDER
from saleor_asc_app.amazon.ratelimit import RateLimiter, TokenBucket
from saleor_asc_app.amazon.retry import RetryBudget, RetryPolicy
from saleor_asc_app.clock import VirtualClock
from tests.amazon.harness import Harness


def test_bucket_arithmetic() -> None:
    bucket = TokenBucket.full(rate=0.5, burst=2, now=0.0)
    assert bucket.try_take(0.0) and bucket.try_take(0.0)
    assert not bucket.try_take(0.0)
    assert bucket.seconds_until_token(0.0) == pytest.approx(2.0)
    assert bucket.try_take(2.0)
    # Reservations queue callers: the third waits 2 s, the fourth 4 s.
    queue = TokenBucket.full(rate=0.5, burst=2, now=0.0)
    assert [queue.reserve(0.0) for _ in range(4)] == [0.0, 0.0, pytest.approx(2.0), pytest.approx(4.0)]
    queue.refill(100.0)
    assert queue.tokens == 2  # never more than the burst


async def test_limiter_waits_for_tokens_per_seller_and_operation() -> None:
    clock = VirtualClock()
    limiter = RateLimiter(clock, safety_margin=0.0)
    for _ in range(30):  # getOrder: burst 30
        assert await limiter.acquire("A1", GET_ORDER) == 0.0
    assert await limiter.acquire("A2", GET_ORDER) == 0.0  # another seller has its own bucket
    assert await limiter.acquire("A1", "searchOrders") == 0.0  # and so has another operation
    started = clock.monotonic()
    await limiter.acquire("A1", GET_ORDER)
    assert clock.monotonic() - started == pytest.approx(2.0)  # rate 0.5/s

    await limiter.observe_rate("A1", GET_ORDER, "5.0")  # x-amzn-RateLimit-Limit: a bigger usage plan
    assert limiter.rate_of("A1", GET_ORDER) == 5.0
    started = clock.monotonic()
    await limiter.acquire("A1", GET_ORDER)
    assert clock.monotonic() - started == pytest.approx(0.2)
    await limiter.observe_rate("A1", GET_ORDER, "garbage")
    assert limiter.rate_of("A1", GET_ORDER) == 5.0


async def test_concurrent_calls_queue_instead_of_provoking_429(harness: Harness) -> None:
    seller = harness.state.add_seller("ACONCURRENT")
    orders = harness.state.generate_orders(seller, 45, seed=9)
    client = harness.client(seller)
    started = harness.clock.monotonic()
    fetched = await asyncio.gather(*(client.get_order(order.order_id) for order in orders))
    elapsed = harness.clock.monotonic() - started
    assert [o.order_id for o in fetched] == [o.order_id for o in orders]
    assert harness.state.stats.total_throttled == 0
    assert client.stats.throttled == 0
    # 30 at once, then one every 2 s.
    assert elapsed == pytest.approx((45 - 30) / 0.5, abs=1.0)


async def test_a_higher_usage_plan_is_learned_from_the_header(harness: Harness) -> None:
    seller = harness.state.add_seller("ABIGPLAN")
    orders = harness.state.generate_orders(seller, 40, seed=4)
    harness.state.set_rate_limit(seller, "getOrder", rate=10.0, burst=30)
    client = harness.client(seller)
    started = harness.clock.monotonic()
    for order in orders:
        await client.get_order(order.order_id)
    assert harness.limiter.rate_of(seller.seller_id, "getOrder", region=Region.NA.value) == 10.0
    assert harness.clock.monotonic() - started == pytest.approx(10 / 10.0, abs=0.1)
    assert harness.state.stats.total_throttled == 0


async def test_a_429_empties_the_bucket_and_is_retried_with_backoff(harness: Harness) -> None:
    seller = harness.state.add_seller("ATHROTTLED")
    order = harness.state.generate_orders(seller, 1, seed=1)[0]
    client = harness.client(seller)
    harness.state.inject_fault(seller, "throttle", 1, "getOrder")
    started = harness.clock.monotonic()
    await client.get_order(order.order_id)
    assert client.stats.throttled == 1 and client.stats.retries == 1
    assert harness.clock.monotonic() - started >= 1 / GET_ORDER.rate  # at least one token's worth


def test_backoff_has_jitter_and_a_bounded_total() -> None:
    policy = RetryPolicy(max_attempts=10, base_delay=1.0, max_delay=8.0, max_total=20.0)
    delays = [policy.delay(n, random.Random(n)) for n in range(1, 7)]
    for n, delay in enumerate(delays, start=1):
        ceiling = min(8.0, 2 ** (n - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert policy.delay(3, random.Random(1)) == policy.delay(3, random.Random(1))  # seedable
    budget = RetryBudget(policy, random.Random(0), started=0.0)
    spent, given = 0.0, 0
    while True:
        budget.attempts += 1
        next_delay = budget.next_delay(spent)
        if next_delay is None:
            break
        spent += next_delay
        given += 1
    assert spent <= 20.0 and given < 9  # the time bound ends it before the attempt bound
    waiting = RetryBudget(policy, random.Random(0), started=0.0, excluded=1000.0)
    waiting.attempts = 1
    assert waiting.next_delay(1000.0) is not None  # rate-limit waits do not count
