"""Scale-out with real processes: two `serve --no-worker` replicas behind one address (Saleor's webhooks go to
them in turn) and two `worker` processes, all on one PostgreSQL, under a mixed load — the import of a seller's
orders running while staff fulfil the orders already imported. No Saleor order twice, no package confirmed twice,
every webhook Saleor delivered stored once and processed, both replicas used (the workers seen holding jobs are
sampled and printed, not asserted: a sample can miss a worker whose jobs are short).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from saleor_asc_app.db.session import create_engine, create_sessionmaker
from saleor_asc_app.jobs.models import Job, JobStatus
from tests.db_servers import PostgresServer
from tests.reliability.outcome import Expected, problems, resent_packages, settle
from tests.reliability.processes import App, Services, start_saleor, start_simulator

SHORT = {"orders": 200, "fulfilments": 40}
LONG = {"orders": 2000, "fulfilments": 400}
SIZES = [pytest.param(SHORT, id="short"), pytest.param(LONG, id="long", marks=pytest.mark.slow)]
SETTLE_SECONDS = 600.0
# Each shipment reads its order once with getOrder, which the simulator limits as Amazon does (0.5/s, burst 30);
# the two worker processes share that budget (amazon/shared_budget.py): 400 shipments need over 13 minutes.
GET_ORDER_PER_SECOND = 0.5


def settle_seconds(size: dict[str, int]) -> float:
    return max(SETTLE_SECONDS, 1.5 * size["fulfilments"] / GET_ORDER_PER_SECOND)


async def workers_running_jobs(database_url: str) -> set[str]:
    """The ids of the workers holding a job right now."""
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = await session.execute(
                select(Job.locked_by).where(Job.status == JobStatus.RUNNING.value, Job.locked_by.is_not(None))
            )
            return {str(worker) for worker in rows.scalars()}
    finally:
        await engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("size", SIZES)
def test_two_replicas_and_two_workers_do_no_work_twice_and_lose_no_event(
    services: Services, tmp_path: Path, size: dict[str, int], postgres_server: PostgresServer
) -> None:
    simulator, saleor = start_simulator(services, size["orders"]), start_saleor(services)
    database_url = postgres_server.new_database()
    app = App(services, database_url, simulator, saleor, tmp_path / "data")
    replicas = [app.add_server(worker=False), app.add_server(worker=False)]
    workers = [app.add_worker(), app.add_worker()]
    app.start(*replicas, *workers)
    saleor.spread_webhooks_over(app.origins)  # a load balancer in front of the replicas
    started = time.monotonic()
    app.install_and_configure()

    # Mixed load: fulfil orders as soon as they are in Saleor, while the rest of the import goes on.
    expected = Expected(orders=size["orders"])
    fulfilled: set[str] = set()
    busy_workers: set[str] = set()
    deadline = time.monotonic() + SETTLE_SECONDS
    while len(fulfilled) < size["fulfilments"] and time.monotonic() < deadline:
        for reference in sorted(saleor.orders_by_reference()):
            if reference not in fulfilled and len(fulfilled) < size["fulfilments"]:
                expected.fulfilments.append(saleor.fulfil(reference))
                fulfilled.add(reference)
        busy_workers |= asyncio.run(workers_running_jobs(database_url))
        time.sleep(0.2)
    assert len(fulfilled) == size["fulfilments"], services.logs()

    observed = settle(saleor, simulator, database_url, app.data_dir, expected, timeout=settle_seconds(size))
    assert not problems(observed, expected), (problems(observed, expected), services.logs())
    assert resent_packages(observed) == 0  # nobody died: every package went to Amazon once
    webhooks = observed.webhooks
    assert webhooks["givenUp"] == 0 and webhooks["pending"] == 0
    assert webhooks["byEvent"]["FULFILLMENT_CREATED"] == size["fulfilments"]
    assert observed.database.webhook_events["FULFILLMENT_CREATED"] == size["fulfilments"]
    assert set(webhooks["byOrigin"]) == set(app.origins), webhooks["byOrigin"]
    print(
        f"scale-out: {size['orders']} orders, {size['fulfilments']} shipments, webhooks per replica "
        f"{webhooks['byOrigin']}, workers seen holding jobs {len(busy_workers)}, {round(time.monotonic() - started)} s"
    )
