"""The orders environment (app, SP-API simulator, Saleor double, virtual time) with push switched on: the simulator
delivers its notifications to a queue of the moto server, the app's consumer reads them from there over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from saleor_asc_app.jobs.registry import JobRegistry
from saleor_asc_app.jobs.worker import Worker
from saleor_asc_app.orders.schedule import SYNC_KIND
from saleor_asc_app.push.consumer import PushConsumer
from saleor_asc_app.simulator.notifications import DeliveryOptions, deliver
from saleor_asc_app.simulator.processing import process_due
from saleor_asc_app.state import AppState
from tests.orders.harness import OrdersEnv, orders_env
from tests.push.sqs_server import Queue, SqsServer, create_queue


@dataclass
class PushEnv:
    orders: OrdersEnv
    queue: Queue
    consumer: PushConsumer
    sqs: Any  # the consumer's aiobotocore client

    @property
    def simulator(self) -> Any:
        return self.orders.simulator

    def worker(self, *, sync: bool = True) -> Worker[AppState]:
        """The app's worker; without ``sync`` the order sync's jobs wait (only push brings orders)."""
        state = self.orders.state
        registry = state.jobs
        if not sync:
            registry = JobRegistry[AppState]()
            for name in state.jobs.names():
                if name != SYNC_KIND:
                    kind = state.jobs.get(name)
                    assert kind is not None
                    registry.register(kind)
        return Worker(state.queue, registry, state, self.orders.clock, concurrency=2)

    async def drain(self) -> int | None:
        """Receive until the queue has nothing visible; returns the messages handled (None: queue unreachable)."""
        handled = 0
        while True:
            got = await self.consumer.poll_once(self.sqs)
            if got is None:
                return None
            if got == 0:
                return handled
            handled += got

    async def deliver_due(self) -> int:
        simulator = self.simulator
        center = simulator.notifications
        now = simulator.now()
        process_due(simulator, now)  # Amazon finishes feeds and reports on its own clock
        center.observe_orders((o for s in simulator.sellers.values() for o in s.orders.values()), now)
        return await deliver(center, center.take_due(now))

    async def step(self, seconds: float, worker: Worker[AppState]) -> None:
        """Virtual time passes; Amazon notifies; the consumer reads the queue; the worker runs what is due."""
        self.orders.clock.advance(seconds)
        await self.deliver_due()
        await self.drain()
        await self.orders.run_jobs(worker)

    async def run_for(self, seconds: float, worker: Worker[AppState], *, step: float = 30.0) -> None:
        elapsed = 0.0
        while elapsed < seconds:
            await self.step(step, worker)
            elapsed += step


@asynccontextmanager
async def push_env(
    database_url: str,
    data_dir: Path,
    server: SqsServer,
    *,
    delivery: DeliveryOptions | None = None,
    visibility: int = 30,
    **settings: Any,
) -> AsyncIterator[PushEnv]:
    queue = await create_queue(server.endpoint)
    async with orders_env(
        database_url, data_dir, push_queue_url=queue.url, push_sqs_endpoint=server.endpoint, **settings
    ) as env:
        center = env.simulator.notifications
        center.sqs_endpoint_url = server.endpoint
        center.configure(delivery or DeliveryOptions())
        consumer = PushConsumer(env.state, wait_seconds=0, visibility=visibility)
        async with consumer.client() as sqs:
            yield PushEnv(env, queue, consumer, sqs)
