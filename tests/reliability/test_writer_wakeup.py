"""Found by the process suites: orders the sync stored while the Saleor writer was running stayed queued (state
``ready``) until something else woke the writer, because the writer's ``unique_key`` also covered its running
job and the sync's wake-up was dropped. The writer now releases its key when it starts, so the wake-up queues
behind it. Replayed here deterministically: the sync runs between the writer's start and its end."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from saleor_asc_app.jobs.models import Job, JobStatus
from saleor_asc_app.orders.schedule import WRITE_KIND
from saleor_asc_app.orders.sync import sync_connection
from saleor_asc_app.orders.tables import OrderState
from saleor_asc_app.orders.writer import writer_handler
from tests.orders.harness import SELLERS, orders_env


async def test_orders_stored_while_the_writer_runs_wake_another_writer(sqlite_url: str, tmp_path: Path) -> None:
    async with orders_env(sqlite_url, tmp_path) as env:
        seller = SELLERS["conn-na"][1]
        env.simulator.sellers[seller].orders.clear()
        await env.configure({"conn-na": SELLERS["conn-na"]})
        now = env.clock.now()
        orders = env.simulator.generate_orders(
            seller, 3, seed=5, start=now - timedelta(minutes=8), end=now - timedelta(minutes=4),
            afn_share=0.0, cancel_share=0.0, preorder_share=0.0, unknown_sku_share=0.0,
        )  # fmt: skip
        for order in orders:
            order.pending_until = order.created

        queue = env.state.queue
        [writer] = await queue.claim("writer-under-test", 1, now=env.clock.now(), kinds=[WRITE_KIND])
        await writer_handler()(env.state, writer)  # nothing to import yet; the job is still running
        outcome = await sync_connection(env.state, env.installation_id, "conn-na")  # stores the orders
        assert outcome.orders == 3
        assert await queue.complete(writer.id, "writer-under-test", now=env.clock.now())

        async with env.state.sessionmaker() as session:
            waiting = (
                await session.execute(
                    select(Job).where(Job.kind == WRITE_KIND, Job.status == JobStatus.PENDING.value)
                )
            ).scalars().all()  # fmt: skip
        assert len(waiting) == 1, "the sync's wake-up of the writer was lost"
        await env.run_jobs()
        assert await env.count(OrderState.IMPORTED.value) == 3
        assert all(env.saleor_order(o.order_id) is not None for o in orders)
