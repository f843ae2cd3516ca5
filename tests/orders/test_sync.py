"""The incremental sync's pacing: a backlog is caught up with searchOrders' burst and then exactly at the rate the
usage plan sustains, without a single 429; sellers take turns; there is never a second sync of one seller."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from saleor_asc_app.amazon import operations as ops
from saleor_asc_app.jobs.models import Job
from saleor_asc_app.orders.schedule import SYNC_KIND, ensure_sync_jobs
from saleor_asc_app.orders.tables import AmazonOrder, OrderState, SyncCursor
from tests.orders.harness import SELLERS, OrdersEnv, orders_env

STEADY = 1 / ops.SEARCH_ORDERS.rate  # 178.6 s between calls once the burst of 20 is spent
QUIET = {"afn_share": 0, "cancel_share": 0, "preorder_share": 0, "mfn_auto_ship_share": 0, "unknown_sku_share": 0}


async def backlog(env: OrdersEnv, sellers: list[str], count: int) -> None:
    """``count`` orders per seller become importable while the app is not looking (the sync ran once before)."""
    start = env.clock.now()
    for seller in sellers:
        env.simulator.generate_orders(seller, count, seed=11, start=start, end=start + timedelta(minutes=30), **QUIET)
    env.clock.advance(3 * 3600)  # every order is released (UNSHIPPED) by now


async def test_a_backlog_takes_the_burst_then_exactly_the_sustained_rate(sqlite_url: str, tmp_path: Path) -> None:
    async with orders_env(sqlite_url, tmp_path) as env:
        await env.configure({"conn-na": SELLERS["conn-na"]})
        await env.run_jobs()
        await backlog(env, ["ASELLERNA00001"], 2_350)  # 24 pages: 20 at once, 4 at the steady rate

        async def imported() -> bool:
            return await env.count(OrderState.IMPORTED.value) == 2_350

        elapsed = await env.run_until(imported, limit=3600)
        stats = env.simulator.stats
        assert stats.total_throttled == 0
        assert stats.requests["searchOrders"] == 1 + 24  # the first (empty) sync and the backlog's pages
        bound = 4 * STEADY
        assert bound <= elapsed <= bound + 4 * 1.0, elapsed  # ≥ 99 % of the rate limit's bound
        assert len(env.saleor_orders()) == 2_350


async def test_sellers_take_turns_and_each_has_one_sync(sqlite_url: str, tmp_path: Path) -> None:
    async with orders_env(sqlite_url, tmp_path) as env:
        sellers = {"conn-na": SELLERS["conn-na"], "conn-eu": SELLERS["conn-eu"]}
        await env.configure(sellers)
        await env.run_jobs()
        async with env.state.sessionmaker() as session, session.begin():
            assert await ensure_sync_jobs(session, env.installation_id, list(sellers), now=env.clock.now()) == 0
            jobs = await session.execute(
                select(func.count())
                .select_from(Job)
                .where(Job.kind == SYNC_KIND, Job.status.in_(["pending", "running"]))
            )
            assert jobs.scalar_one() == 2
        await backlog(env, ["ASELLERNA00001", "ASELLEREU00001"], 2_150)  # 22 pages each
        resumed = env.clock.now()

        async def imported() -> bool:
            return await env.count(OrderState.IMPORTED.value) == 4_300

        elapsed = await env.run_until(imported, limit=3600)
        assert env.simulator.stats.total_throttled == 0
        assert elapsed <= 2 * STEADY + 4  # both backlogs in parallel, each at its own seller's pace
        async with env.state.sessionmaker() as session:
            firsts = (
                await session.execute(
                    select(AmazonOrder.connection_id, func.min(AmazonOrder.imported_at)).group_by(
                        AmazonOrder.connection_id
                    )
                )
            ).all()
            cursors = (await session.execute(select(SyncCursor))).scalars().all()
        assert {connection for connection, _ in firsts} == set(sellers)
        assert all((first - resumed).total_seconds() < 5 for _, first in firsts)  # neither waited for the other
        assert all(c.last_error is None and c.next_run_at and c.last_success_at for c in cursors)
