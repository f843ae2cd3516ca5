"""Several worker processes on one PostgreSQL share one rate budget per seller: staff ship a backlog of imported
orders at once, every shipment reads its order with getOrder and confirms it with confirmShipment, and the workers
together stay inside the seller's limits — not one 429 from the simulator — while using them to at least 97 % of
the bound Amazon's limits allow (each worker pacing itself alone would go faster and meet 429s:
`tests/amazon/test_shared_budget.py::test_each_worker_alone_would_meet_429s`).
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest

from saleor_asc_app.amazon.operations import CONFIRM_SHIPMENT, GET_ORDER
from tests.db_servers import PostgresServer
from tests.reliability.outcome import Expected, problems, settle
from tests.reliability.processes import App, Services, start_saleor, start_simulator

SHIPMENTS = 70
# Each shipment spends one getOrder and one confirmShipment token. confirmShipment keeps Amazon's plan (2/s, burst
# 10); getOrder (Amazon: 0.5/s, burst 30) gets a faster rate here so that the short form ends in seconds. Amazon's
# x-amzn-RateLimit-Limit header tells the rate, never the burst, so the simulator keeps Amazon's burst.
RATE, BURST = CONFIRM_SHIPMENT.rate, CONFIRM_SHIPMENT.burst
LIMITS = (f"getOrder={RATE:g}:{GET_ORDER.burst}",)
BOUND_SECONDS = (SHIPMENTS - BURST) / RATE  # from the first confirmation to the last, at the limit
IMPORT_TIMEOUT = 180.0


@pytest.mark.postgres
@pytest.mark.parametrize("workers", [2, 4])
def test_workers_share_one_budget_per_seller_no_429_at_the_bound(
    services: Services, tmp_path: Path, workers: int, postgres_server: PostgresServer
) -> None:
    simulator = start_simulator(services, SHIPMENTS, rate_limits=LIMITS)
    saleor = start_saleor(services)
    database_url = postgres_server.new_database()
    app = App(services, database_url, simulator, saleor, tmp_path / "data")
    processes = [app.add_server(worker=False), *(app.add_worker() for _ in range(workers))]
    app.start(*processes)
    saleor.spread_webhooks_over(app.origins)
    app.install_and_configure()

    deadline = time.monotonic() + IMPORT_TIMEOUT
    while len(saleor.orders_by_reference()) < SHIPMENTS and time.monotonic() < deadline:
        time.sleep(0.5)
    references = sorted(saleor.orders_by_reference())
    assert len(references) == SHIPMENTS, services.logs()

    expected = Expected(orders=SHIPMENTS, fulfilments=[saleor.fulfil(reference) for reference in references])
    observed = settle(saleor, simulator, database_url, app.data_dir, expected, timeout=BOUND_SECONDS * 4 + 60)
    assert not problems(observed, expected), (problems(observed, expected), services.logs())

    stats = simulator.summary()["stats"]
    assert sum(stats["throttled"].values()) == 0, stats["throttled"]
    times = sorted(datetime.fromisoformat(c["at"]) for c in observed.confirmations)
    spent = (times[-1] - times[0]).total_seconds()
    ratio = BOUND_SECONDS / spent
    print(
        f"shared budget, {workers} workers: {SHIPMENTS} shipments in {spent:.1f} s "
        f"(bound {BOUND_SECONDS:.1f} s, ratio {ratio:.3f}), 429s: 0, requests {stats['requests']}"
    )
    assert ratio >= 0.97
    assert ratio <= 1.0 + 0.02  # never faster than the limit allows (that would have meant 429s)
