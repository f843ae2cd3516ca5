"""The scale benchmark's short form (``bench/scale_benchmark.py``): two installations, sellers whose orders arrive
over virtual time and one with a backlog past searchOrders' burst, imported (and a share shipped) by two workers on
one PostgreSQL: no 429, the backlog at Amazon's bound, no seller's freshness more than one sync interval behind the
others', every shipment confirmed at Amazon."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.scale_benchmark import Scale, run
from tests.db_servers import PostgresServer


@pytest.mark.postgres
async def test_two_workers_import_many_sellers_of_two_stores_at_the_bound_without_429(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    scale = Scale(
        installations=2,
        sellers=8,
        backlog_sellers=1,
        backlog=2_500,
        orders_per_day=48,
        hours=0.25,
        ship_share=0.5,
        workers=2,
    )
    result = await run(scale, postgres_server.new_database(), tmp_path)

    assert result["throttled_429"] == 0
    assert result["backlog_ratio_to_bound"]["min"] >= 0.97, result
    assert result["freshness_samples"] > 0, result
    assert result["freshness_s"]["worst_seller_behind_median_in_sync_intervals"] <= 1.0, result
    shipments = result["shipments"]
    assert shipments["fulfilled_in_saleor"] > 0
    assert shipments["confirmed"] == shipments["fulfilled_in_saleor"], shipments
