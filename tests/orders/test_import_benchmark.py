"""The import benchmark's short form (``bench/import_benchmark.py``): a backlog just past searchOrders' burst (22
pages of 100 orders; the burst covers 20, so two pages wait for a refill) imports in the least virtual time the
rate limit allows, without a single 429. Virtual time makes both deterministic; CPU speed is not asserted."""

from __future__ import annotations

from pathlib import Path

from bench.import_benchmark import run

ORDERS = 2_200


async def test_a_backlog_imports_at_the_rate_limit_bound_without_429s(sqlite_url: str, tmp_path: Path) -> None:
    result = await run(ORDERS, 50, 1, sqlite_url, tmp_path, collect_garbage=True)

    assert result.orders == ORDERS and result.pages_per_seller == 22
    assert result.bound_seconds > 300  # two refills of the bucket: the bound is not trivially zero
    assert 0.97 <= result.ratio_to_bound <= 1.0, result
    assert result.throttled == 0
