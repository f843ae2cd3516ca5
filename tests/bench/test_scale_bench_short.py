"""The scale benchmark's short form (``bench/scale_benchmark.py``): sellers with a few orders and one with a backlog
past searchOrders' burst, imported by two workers on one PostgreSQL in virtual time: no 429, the backlog at
Amazon's bound, the other sellers all fresh within one sync interval of each other."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.scale_benchmark import run
from tests.db_servers import PostgresServer


@pytest.mark.postgres
async def test_two_workers_import_many_sellers_at_the_bound_without_429(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    result = await run(8, 1, 2_500, 5, 2, postgres_server.new_database(), tmp_path)

    assert result["orders"] == 2_500 + 7 * 5
    assert result["throttled_429"] == 0
    assert result["backlog_ratio_to_bound"]["min"] >= 0.97, result
    assert result["ordinary_sellers_done_after_s"]["spread_in_sync_intervals"] <= 1.0, result
    assert result["db_rows"]["rate_budget"] == 8  # one shared searchOrders bucket per seller
