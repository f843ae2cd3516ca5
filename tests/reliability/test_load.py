"""Load: a burst of signed webhooks (Saleor's stock events and at-least-once re-deliveries of fulfilment events for
imported Amazon orders) sent ~50 at a time through ASGI into the app, then the worker drains the queue in virtual
time. Every webhook is answered 2xx and stored exactly once, every job is done, none is dead, each fulfilment is one
confirmed package at Amazon. Default: 500 webhooks on SQLite and PostgreSQL; ``--long``: 10,000.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from saleor_asc_app.db.models import WebhookEvent
from saleor_asc_app.fulfilment.tables import ActionState
from saleor_asc_app.jobs.models import Job, JobStatus
from tests.fulfilment.harness import US_SELLER, actions, fulfil, fulfilment_env, import_unshipped_orders
from tests.fulfilment.test_shipments import UPS_NUMBER, map_methods_to
from tests.orders.harness import OrdersEnv

CONCURRENCY = 50
ORDERS = 4
DEFAULT_BURST = 500  # the short form; --long sends 10,000
DRAINED_KINDS = ("webhook", "fulfilment.send_action", "inventory.sync", "inventory.feed_result")


async def prepare(env: OrdersEnv) -> list[tuple[str, dict[str, Any]]]:
    """Imported orders fulfilled by staff, stock sync on; the bodies Saleor sends for those events plus stock
    events of every variant those orders sell."""
    order_ids = await import_unshipped_orders(env, ORDERS)
    await map_methods_to(env, "UPS")
    config = await env.current_config()
    processing = config.order_processing.model_copy(update={"inventory_sync_enabled": True})
    await env.save(config.model_copy(update={"order_processing": processing}))
    app = env.env.saleor_app
    assert app is not None
    first_event = len(env.saleor.state.events)
    for order_id in order_ids:
        order = env.saleor_order(order_id)
        assert order is not None
        await fulfil(env, order_id, {i: line.quantity for i, line in enumerate(order.lines)}, UPS_NUMBER)
    bodies: list[tuple[str, dict[str, Any]]] = []
    for emitted in env.saleor.state.events[first_event:]:
        if emitted.event_type == "FULFILLMENT_CREATED":
            payload = env.saleor.event_payload(
                emitted.event_type, emitted.objects, app=app, issuing_principal=emitted.issuing_principal
            )
            bodies.append((emitted.event_type, payload))
    assert len(bodies) == ORDERS
    warehouse = env.demo.warehouses["main-warehouse"]
    skus = {line.product_sku for order_id in order_ids for line in env.saleor_order(order_id).lines}  # type: ignore[union-attr]
    for sku in sorted(s for s in skus if s):
        variant = env.saleor.state.variant_by_sku(sku)
        assert variant is not None
        payload = env.saleor.event_payload(
            "PRODUCT_VARIANT_STOCK_UPDATED", {"productVariant": variant, "warehouse": warehouse}, app=app
        )
        bodies.append(("PRODUCT_VARIANT_STOCK_UPDATED", payload))
    return bodies


async def send_burst(env: OrdersEnv, bodies: list[tuple[str, dict[str, Any]]], count: int) -> Counter[int]:
    """``count`` signed deliveries, ``CONCURRENCY`` in flight at a time; HTTP status → how many."""
    app = env.env.saleor_app
    assert app is not None
    gate = asyncio.Semaphore(CONCURRENCY)
    answers: Counter[int] = Counter()

    async def one(index: int) -> None:
        event, payload = bodies[index % len(bodies)]
        async with gate:
            response: httpx.Response = await env.saleor.deliver(env.env.client, event, payload, app=app)
        body = response.json()
        answers[response.status_code if body.get("success") and "ignored" not in body else -1] += 1

    await asyncio.gather(*(one(i) for i in range(count)))
    return answers


async def drained(env: OrdersEnv) -> bool:
    async with env.state.sessionmaker() as session:
        waiting = (
            await session.execute(
                select(func.count())
                .select_from(Job)
                .where(
                    Job.kind.in_(DRAINED_KINDS),
                    Job.status.in_([JobStatus.PENDING.value, JobStatus.RUNNING.value]),
                )
            )
        ).scalar_one()
    return int(waiting) == 0


async def check_burst(database_url: str, tmp_path: Path, count: int) -> None:
    async with fulfilment_env(database_url, tmp_path) as env:
        bodies = await prepare(env)
        started = time.perf_counter()
        answers = await send_burst(env, bodies, count)
        sent = time.perf_counter()
        assert answers == {200: count}, answers

        await env.run_until(lambda: drained(env), limit=6 * 3600, worker=env.worker(concurrency=8))
        finished = time.perf_counter()
        print(
            f"\n{count} webhooks on {database_url.split(':')[0]}: stored in {sent - started:.1f} s "
            f"({count / (sent - started):.0f}/s), drained in {finished - sent:.1f} s"
        )

        async with env.state.sessionmaker() as session:
            events = Counter(
                dict(
                    (await session.execute(select(WebhookEvent.event, func.count()).group_by(WebhookEvent.event))).all()
                )
            )
            unprocessed = (
                await session.execute(
                    select(func.count()).select_from(WebhookEvent).where(WebhookEvent.processed_at.is_(None))
                )
            ).scalar_one()
            webhook_jobs = Counter(
                dict(
                    (
                        await session.execute(
                            select(Job.status, func.count()).where(Job.kind == "webhook").group_by(Job.status)
                        )
                    ).all()
                )
            )
        expected = Counter(bodies[i % len(bodies)][0] for i in range(count))
        assert events == expected  # every delivery stored exactly once
        assert unprocessed == 0
        assert webhook_jobs == {JobStatus.SUCCEEDED.value: count}
        dead = [(k, e) for k, e in await env.dead_jobs() if not (e or "").startswith("E-mail is not configured")]
        assert dead == []
        # Re-delivered fulfilment events: still one action and one package per Saleor fulfilment.
        confirmed = [a for a in await actions(env) if a.state == ActionState.CONFIRMED.value]
        assert len(confirmed) == len({a.saleor_fulfillment_id for a in await actions(env)}) == ORDERS
        packages = Counter(c.order_id for c in env.simulator.shipments(US_SELLER))
        assert len(packages) == ORDERS
        for order_id in packages:
            assert len(env.simulator.order(order_id).shipments) == 1


async def test_a_burst_of_webhooks_is_stored_once_and_processed(database_url: str, tmp_path: Path) -> None:
    await check_burst(database_url, tmp_path, DEFAULT_BURST)


@pytest.mark.slow
async def test_a_burst_of_ten_thousand_webhooks(database_url: str, tmp_path: Path) -> None:
    await check_burst(database_url, tmp_path, 10_000)
