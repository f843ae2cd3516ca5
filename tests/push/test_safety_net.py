"""Polling as the safety net: while push is healthy the sync only sweeps now and then; with the queue stopped the
connection shows push degraded within the configured quiet time, polling brings every order in, and push resumes
when the queue is back."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from saleor_asc_app.push.health import PushState, connection_status
from tests.orders.checks import check_exactly_once
from tests.orders.harness import SELLERS
from tests.push.harness import PushEnv, push_env
from tests.push.sqs_server import create_queue, start_server

NA = "conn-na"
SELLER = SELLERS[NA][1]
QUIET = 1800.0


async def _status(env: PushEnv) -> PushState:
    state = env.orders.state
    async with state.sessionmaker() as session:
        status = await connection_status(
            session, state.settings, env.orders.installation_id, NA, now=env.orders.clock.now()
        )
    return status.state


async def test_queue_stopped_degrades_polling_takes_over_and_push_resumes(sqlite_url: str, tmp_path: Path) -> None:
    server = start_server()
    try:
        async with push_env(
            sqlite_url, tmp_path, server, push_quiet_seconds=QUIET, push_catch_up_seconds=1800.0
        ) as env:
            env.simulator.sellers[SELLER].orders.clear()
            await env.orders.configure({NA: SELLERS[NA]})
            worker = env.worker()  # the sync runs too
            await env.orders.run_jobs(worker)
            await env.drain()
            assert await _status(env) is PushState.SUBSCRIBED

            def generate(seed: int, minutes: int) -> None:
                start = env.orders.clock.now()
                env.simulator.generate_orders(
                    SELLER, 15, seed=seed, start=start, end=start + timedelta(minutes=minutes), afn_share=0.0,
                    preorder_share=0.0, cancel_share=0.0,
                )  # fmt: skip

            # Healthy push: orders arrive by notification; the sync only sweeps.
            generate(1, 55)
            before = env.simulator.stats.requests["searchOrders"]
            await env.run_for(3600, worker)
            assert await _status(env) is PushState.SUBSCRIBED
            assert env.simulator.stats.requests["searchOrders"] - before <= 3  # polling alone: 20 in an hour

            # The queue stops: push degrades within the quiet time and polling brings every order in.
            server.stop()
            generate(2, 30)
            await env.run_for(120, worker)
            assert await _status(env) is PushState.DEGRADED  # the queue is not being read
            before = env.simulator.stats.requests["searchOrders"]
            await env.run_for(3 * 3600, worker, step=300)
            assert env.simulator.stats.requests["searchOrders"] - before >= 30  # full speed (jobs run every 300 s here)
            tally = await check_exactly_once(env.orders, parked_unknown=False)
            assert tally["in Saleor"] >= 25

            # The queue is back: notifications flow again and push is healthy.
            server = start_server(server.port)
            queue = await create_queue(server.endpoint, env.queue.url.rsplit("/", 1)[-1])
            assert queue.url == env.queue.url
            generate(3, 20)
            await env.run_for(1800, worker)
            assert await _status(env) is PushState.SUBSCRIBED
            await env.run_for(2 * 3600, worker, step=300)
            await check_exactly_once(env.orders, parked_unknown=False)
    finally:
        server.stop()
