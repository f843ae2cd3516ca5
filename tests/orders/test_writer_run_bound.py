"""The ``orders.write`` job works through a large queue in runs of bounded length: each run ends at a round's end
once its time is up and is due again at once (not counted as a failed attempt), so no run reaches the job's
timeout, which cancelled three runs of the memory benchmark's 100,000-order import. The next run continues with
what is still queued."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from saleor_asc_app.configuration.marketplaces import Region
from saleor_asc_app.jobs.registry import JobRegistry
from saleor_asc_app.orders.jobs import order_job_kinds
from saleor_asc_app.orders.schedule import WRITE_KIND
from saleor_asc_app.orders.tables import OrderState
from saleor_asc_app.orders.writer import ROUND_SIZE, WriteReport, write_orders
from saleor_asc_app.state import AppState
from tests.harness import US
from tests.orders.harness import OrdersEnv, orders_env

SELLER_ID = "ASELLERNA00001"
QUIET = {"afn_share": 0, "cancel_share": 0, "preorder_share": 0, "mfn_auto_ship_share": 0}
ORDERS = 2 * ROUND_SIZE + 20


async def orders_arrive(env: OrdersEnv) -> None:
    """The seller's connection configured with no order at Amazon, then ``ORDERS`` new ones there."""
    env.simulator.sellers[SELLER_ID].orders.clear()
    await env.configure({"conn-na": (Region.NA, SELLER_ID, (US,))})
    await env.run_jobs()
    start = env.clock.now()
    env.simulator.generate_orders(SELLER_ID, ORDERS, seed=5, start=start, end=start + timedelta(minutes=5), **QUIET)


def registry_of(*, write: bool, write_run_seconds: float = 0.0) -> JobRegistry[AppState]:
    registry = JobRegistry[AppState]()
    for kind in order_job_kinds(write_run_seconds=write_run_seconds):
        if write or kind.name != WRITE_KIND:
            registry.register(kind)
    return registry


async def test_a_run_with_no_time_left_ends_after_one_round(sqlite_url: str, tmp_path: Path) -> None:
    async with orders_env(sqlite_url, tmp_path, registry=registry_of(write=False)) as env:
        await orders_arrive(env)
        await env.run_for(3 * 3600, step=600)  # synced and queued; this registry has no writer
        assert await env.count(OrderState.READY.value) == ORDERS

        reports: list[WriteReport] = []
        while not reports or reports[-1].more:
            reports.append(await write_orders(env.state, env.installation_id, run_seconds=0.0))
            assert len(reports) <= 4, "each run decides one round"
        assert [sum(r.decided.values()) for r in reports] == [ROUND_SIZE, ROUND_SIZE, 20]
        assert [r.more for r in reports] == [True, True, False]
        assert await env.count(OrderState.IMPORTED.value) == ORDERS

        unbounded = await write_orders(env.state, env.installation_id)  # the import command's: no limit
        assert not unbounded.more


async def test_the_writer_job_requeues_itself_until_the_queue_is_drained(
    sqlite_url: str, tmp_path: Path, captured_logs: Callable[[], str]
) -> None:
    async with orders_env(sqlite_url, tmp_path, registry=registry_of(write=True)) as env:
        await orders_arrive(env)
        await env.run_for(3 * 3600, step=600)
        assert await env.count(OrderState.IMPORTED.value) == ORDERS, await env.by_state()

    deferred = [
        line
        for line in captured_logs().splitlines()
        if "job deferred" in line and WRITE_KIND in line and "the writer continues with the queued orders" in line
    ]
    assert len(deferred) >= 2, "the writer ended its runs early and was due again"
    assert "TimeoutError" not in captured_logs()
