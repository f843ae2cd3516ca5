"""A worker killed mid-message, with real processes: the app's ``worker`` (its SQS consumer inside), the SP-API
simulator delivering ORDER_CHANGE to moto's SQS server, the Saleor double, on PostgreSQL.

The two moments a SIGKILL can hurt push are made deterministic from outside the app:

1. the worker holds a received, not-yet-deleted message while its intake transaction waits — the test holds an
   exclusive lock on ``push_receipt``, and kills the worker once PostgreSQL shows its ``INSERT`` waiting for it;
2. the message's ``orders.push_fetch`` job is inside ``getOrder`` — the simulator's ``timeout`` fault holds that one
   answer, and the worker is killed once the simulator counts the fault.

After each kill a new worker starts: the message comes back after its visibility timeout (phase 1) or the job after
its lease (phase 2), and the order is in Saleor exactly once, with nothing left on the queue.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.db_servers import PostgresServer
from tests.push.sqs_server import CREDENTIALS, Queue, SqsServer, create_queue, queue_depth
from tests.reliability.processes import (
    IMPORTABLE,
    SELLER_ID,
    App,
    Process,
    Services,
    Simulator,
    start_saleor,
    start_simulator,
    wait_for,
)

pytestmark = pytest.mark.postgres

VISIBILITY_SECONDS = 3


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    services = Services(tmp_path)
    try:
        yield services
    except BaseException:
        print(services.logs())
        raise
    finally:
        services.close()


def dsn(database_url: str) -> str:
    return database_url.replace("postgresql+asyncpg://", "postgresql://")


def new_order(simulator: Simulator, seed: int) -> str:
    """One importable, unshipped order created now at the simulator (its subscription notifies it)."""
    now = datetime.now(UTC)
    options = {k: float(v) for k, v in (o.split("=") for o in IMPORTABLE)}
    body = {
        "count": 1,
        "seed": seed,
        "start": (now - timedelta(seconds=2)).isoformat(),
        "end": now.isoformat(),
        "noPending": True,
        **{"".join(p.capitalize() if i else p for i, p in enumerate(k.split("_"))): v for k, v in options.items()},
    }
    response = httpx.post(f"{simulator.origin}/_simulator/sellers/{SELLER_ID}/orders", json=body, timeout=10.0)
    assert response.status_code == 201, response.text
    (order_id,) = response.json()["orderIds"]
    return str(order_id)


def fetch_value(database_url: str, query: str, *args: Any) -> Any:
    async def run() -> Any:
        conn = await asyncpg.connect(dsn(database_url))
        try:
            return await conn.fetchval(query, *args)
        finally:
            await conn.close()

    return asyncio.run(run())


def depth(queue: Queue) -> dict[str, int]:
    return asyncio.run(queue_depth(queue))


def replace_worker(app: App, killed: Process) -> Process:
    assert not killed.alive
    worker = app.add_worker()
    worker.start()
    app.wait_up(worker)
    return worker


def test_a_worker_killed_mid_message_loses_and_duplicates_nothing(
    services: Services, tmp_path: Path, postgres_server: PostgresServer, sqs_server: SqsServer
) -> None:
    queue = asyncio.run(create_queue(sqs_server.endpoint))
    simulator = start_simulator(services, 0, extra=("--sqs-endpoint", sqs_server.endpoint))
    saleor = start_saleor(services)
    database_url = postgres_server.new_database()
    push_env = {
        "ASC_PUSH_QUEUE_URL": queue.url,
        "ASC_PUSH_SQS_ENDPOINT": sqs_server.endpoint,
        "ASC_PUSH_VISIBILITY_SECONDS": str(VISIBILITY_SECONDS),
        "ASC_PUSH_CATCH_UP_SECONDS": "3600",  # only push brings the orders of this test
        **CREDENTIALS,
    }
    app = App(services, database_url, simulator, saleor, tmp_path / "data", extra_env=push_env)
    server, worker = app.add_server(worker=False), app.add_worker()  # the worker takes the server's origin
    app.start(server, worker)
    app.install_and_configure()
    subscribed = (
        "SELECT count(*) FROM push_subscription WHERE notification_type = 'ORDER_CHANGE' AND subscribed_at IS NOT NULL"
    )
    wait_for(lambda: fetch_value(database_url, subscribed) == 1, timeout=60, what="the ORDER_CHANGE subscription")

    # 1. Killed while it holds a received message whose intake has not committed.
    async def hold_receipts_while(work: Any) -> Any:
        lock = await asyncpg.connect(dsn(database_url))
        try:
            async with lock.transaction():
                await lock.execute("LOCK TABLE push_receipt IN ACCESS EXCLUSIVE MODE")
                return await asyncio.to_thread(work)
        finally:
            await lock.close()

    waiting_insert = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        " AND query ILIKE 'INSERT INTO push_receipt%'"
    )

    def kill_inside_intake() -> str:
        order_id = new_order(simulator, seed=101)
        wait_for(lambda: fetch_value(database_url, waiting_insert) == 1, timeout=60, what="the intake to wait")
        assert depth(queue)["ApproximateNumberOfMessagesNotVisible"] == 1  # received, not deleted
        worker.kill()
        return order_id

    first: str = asyncio.run(hold_receipts_while(kill_inside_intake))
    receipts = "SELECT count(*) FROM push_receipt WHERE subject_id = $1"
    assert fetch_value(database_url, receipts, first) == 0  # the kill rolled the intake back
    worker = replace_worker(app, worker)
    wait_for(lambda: saleor.orders_by_reference()[first] >= 1, timeout=60, what="the first order in Saleor")
    assert fetch_value(database_url, receipts, first) == 1  # applied once, on its second receive

    # 2. Killed while the message's getOrder is in flight (the message itself is deleted by then).
    fault = {"kind": "timeout", "count": 1, "operation": "getOrder"}
    response = httpx.post(f"{simulator.origin}/_simulator/sellers/{SELLER_ID}/faults", json=fault, timeout=10.0)
    assert response.status_code == 204, response.text
    second = new_order(simulator, seed=202)
    wait_for(lambda: simulator.summary()["stats"]["faults"].get("timeout", 0) == 1, timeout=60, what="getOrder to hang")
    worker.kill()
    worker = replace_worker(app, worker)
    wait_for(lambda: saleor.orders_by_reference()[second] >= 1, timeout=60, what="the second order in Saleor")

    wait_for(
        lambda: depth(queue) == {"ApproximateNumberOfMessages": 0, "ApproximateNumberOfMessagesNotVisible": 0},
        timeout=30,
        what="the queue to be empty",
    )
    references = saleor.orders_by_reference()
    assert references[first] == 1 and references[second] == 1, references
    assert sum(references.values()) == 2
    assert fetch_value(database_url, receipts, second) == 1
    assert fetch_value(database_url, "SELECT count(*) FROM push_dead_letter") == 0
    dead_jobs = "SELECT count(*) FROM job WHERE status = 'dead'"
    assert fetch_value(database_url, dead_jobs) == 0
    get_orders = simulator.summary()["stats"]["requests"]["getOrder"]
    assert get_orders == 3  # one per order, plus the answer the second kill never read
