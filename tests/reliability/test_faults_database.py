"""Fault matrix, database row: the PostgreSQL server is stopped and started again under a running worker and webhook
traffic. While it is down, webhooks are answered 503 (Saleor retries them) and nothing else breaks; once it is back
the same app (no restart) stores and processes everything, each delivery stored exactly once, nothing lost.

The server is this test's own (``scripts/postgres``), so stopping it does not disturb other tests.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import func, select

from saleor_asc_app.db.models import WebhookEvent
from saleor_asc_app.fulfilment.tables import ActionState
from tests.db_servers import ROOT, free_port, migrate
from tests.fulfilment.harness import US_SELLER, actions, fulfilment_env
from tests.orders.harness import OrdersEnv
from tests.reliability.test_load import drained, prepare

pytestmark = pytest.mark.postgres
POSTGRES = str(ROOT / "scripts" / "postgres")


class OwnPostgres:
    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="asc-pg-restart-", dir="/tmp")
        os.chmod(self.dir, 0o755)  # the server runs as the postgres user
        self.port = free_port()

    def start(self) -> str:
        out = subprocess.run(
            [POSTGRES, "start", f"{self.dir}/data", str(self.port)], check=True, capture_output=True, text=True
        )
        return out.stdout.strip().splitlines()[-1]

    def stop(self) -> None:
        subprocess.run([POSTGRES, "stop", f"{self.dir}/data"], check=False)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


async def new_database(server_url: str) -> str:
    connection = await asyncpg.connect(server_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute("CREATE DATABASE asc_restart")
    finally:
        await connection.close()
    url = server_url.rsplit("/", 1)[0] + "/asc_restart"
    await asyncio.to_thread(migrate, url)
    return url


class Traffic:
    """Saleor delivering webhooks one after another; a delivery not answered 2xx is retried later, as Saleor does."""

    def __init__(self, env: OrdersEnv, bodies: list[tuple[str, dict[str, Any]]]) -> None:
        self.env, self.bodies = env, bodies
        self.answers: Counter[int] = Counter()
        self.stored: Counter[str] = Counter()
        self.retry: list[tuple[str, dict[str, Any]]] = []
        self.sent = 0
        self.running = True

    async def run(self) -> None:
        app = self.env.env.saleor_app
        assert app is not None
        while self.running or self.retry:
            if self.retry and (not self.running or self.sent % 3 == 0):
                event, payload = self.retry.pop(0)
            else:
                event, payload = self.bodies[self.sent % len(self.bodies)]
            self.sent += 1
            response = await self.env.saleor.deliver(self.env.env.client, event, payload, app=app)
            self.answers[response.status_code] += 1
            if response.status_code == 200:
                self.stored[event] += 1
            else:
                self.retry.append((event, payload))
                await asyncio.sleep(0.05)
            await asyncio.sleep(0)


async def keep_working(env: OrdersEnv, stop: asyncio.Event, errors: list[str]) -> None:
    """A worker process's loop: claim and run due jobs, survive whatever the database does, poll again."""
    worker = env.worker(concurrency=4)
    while not stop.is_set():
        try:
            await worker.run_until_idle()
        except Exception as exc:  # the database is away: the loop goes on, as the worker's own loop does
            errors.append(type(exc).__name__)
        env.clock.advance(5)
        await asyncio.sleep(0.02)


async def until(condition: Callable[[], bool], what: str, traffic: Traffic, seconds: float = 90.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no {what} within {seconds:.0f} s: {dict(traffic.answers)}")


async def test_the_app_rides_out_a_database_restart(tmp_path: Path) -> None:
    server = OwnPostgres()
    try:
        url = await new_database(await asyncio.to_thread(server.start))
        async with fulfilment_env(url, tmp_path) as env:
            bodies = await prepare(env)
            traffic = Traffic(env, bodies)
            stop, errors = asyncio.Event(), list[str]()
            sending = asyncio.create_task(traffic.run())
            working = asyncio.create_task(keep_working(env, stop, errors))

            await until(lambda: traffic.answers[200] >= 30, "traffic before the stop", traffic)
            await asyncio.to_thread(server.stop)
            before_down = traffic.answers[200]
            await until(lambda: traffic.answers[503] >= 10, "503 answers while the database is down", traffic)
            assert traffic.answers[200] - before_down <= 2  # at most what was in flight when it stopped
            await asyncio.to_thread(server.start)
            back = traffic.answers[200]
            await until(lambda: traffic.answers[200] >= back + 30, "2xx answers after the restart", traffic)
            traffic.running = False
            await asyncio.wait_for(sending, 120)
            stop.set()
            await asyncio.wait_for(working, 120)

            await env.run_until(lambda: drained(env), limit=6 * 3600)
            assert set(traffic.answers) == {200, 503}, traffic.answers  # never a 500, never an unhandled error
            async with env.state.sessionmaker() as session:
                stored = Counter(
                    dict(
                        (
                            await session.execute(select(WebhookEvent.event, func.count()).group_by(WebhookEvent.event))
                        ).all()
                    )
                )
                unprocessed = (
                    await session.execute(
                        select(func.count()).select_from(WebhookEvent).where(WebhookEvent.processed_at.is_(None))
                    )
                ).scalar_one()
            assert stored == traffic.stored  # every delivery answered 2xx stored once; no 503 was stored
            assert unprocessed == 0
            dead = [(k, e) for k, e in await env.dead_jobs() if not (e or "").startswith("E-mail is not configured")]
            assert dead == []
            confirmed = [a for a in await actions(env) if a.state == ActionState.CONFIRMED.value]
            assert len(confirmed) == len(await actions(env)) == 4
            for order_id in {c.order_id for c in env.simulator.shipments(US_SELLER)}:
                assert len(env.simulator.order(order_id).shipments) == 1
    finally:
        await asyncio.to_thread(server.remove)
