"""SQLite: concurrent webhooks queue for the write lock inside the process, none is lost, none answers 5xx.

Webhooks are written from their own connection (``db/sqlite_batch.py``) in turn with the engine's transactions:
other writes of the process run beside them here, and none of those may meet a webhook batch in SQLite itself."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, func, select

from saleor_asc_app.db.models import WebhookEvent
from saleor_asc_app.jobs.models import Job
from saleor_asc_app.jobs.queue import enqueue
from tests.harness import AppEnv

CONCURRENT = 120


def cancellation(env: AppEnv, n: int) -> bytes:
    assert env.saleor_app is not None
    return json.dumps(
        {
            "issuedAt": "2026-03-01T12:00:00+00:00",
            "version": "3.23.28",
            "issuingPrincipal": {"__typename": "User", "id": "VXNlcjox"},
            "recipient": {"id": env.saleor_app.id},
            "order": {"id": f"T3JkZXI6{n}", "externalReference": f"111-2222222-{n:07d}", "status": "CANCELED"},
        }
    ).encode()


async def test_many_concurrent_webhooks_are_all_stored_without_sqlite_busy_waits(installed_sqlite: AppEnv) -> None:
    env = installed_sqlite
    engine = env.state.engine

    # No busy handler at all: a transaction that met another one of this process in SQLite itself would fail at
    # once with "database is locked" (and the webhook would be answered 503). Only the in-process queue can make
    # every one of them succeed.
    def no_busy_wait(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=0")
        cursor.close()

    event.listen(engine.sync_engine, "connect", no_busy_wait)
    await engine.dispose()  # pooled connections reconnect with the listener above

    async def send(n: int) -> int:
        body = cancellation(env, n)
        headers = {
            "content-type": "application/json",
            "saleor-event": "order_cancelled",
            "saleor-api-url": env.saleor.api_url,
            "saleor-signature": env.saleor.sign_webhook(body),
        }
        response = await env.client.post("/api/webhooks/order-cancelled", content=body, headers=headers)
        return response.status_code

    async def other_write(n: int) -> int:
        async with env.state.sessionmaker() as session, session.begin():
            await enqueue(session, "test.other", {"n": n}, now=datetime.now(UTC))
        return 200

    async with asyncio.timeout(120):  # fail, do not hang, if the writers ever deadlock
        results = await asyncio.gather(
            *(send(n) for n in range(CONCURRENT)), *(other_write(n) for n in range(CONCURRENT // 2))
        )
    statuses = results[:CONCURRENT]
    assert results[CONCURRENT:] == [200] * (CONCURRENT // 2)
    assert sorted(set(statuses)) == [200], {s: statuses.count(s) for s in set(statuses)}
    async with env.state.sessionmaker() as session:
        events = (await session.execute(select(func.count()).select_from(WebhookEvent))).scalar_one()
        jobs = (await session.execute(select(func.count()).select_from(Job).where(Job.kind == "webhook"))).scalar_one()
        bodies = (await session.execute(select(WebhookEvent.body))).scalars().all()
    assert (events, jobs) == (CONCURRENT, CONCURRENT)
    assert sorted(json.loads(b)["order"]["id"] for b in bodies) == sorted(f"T3JkZXI6{n}" for n in range(CONCURRENT))
