"""Claims in turns: one installation's backlog does not starve the others, and shipments go before backfill."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from saleor_asc_app.db.models import Installation
from saleor_asc_app.jobs.models import Job
from saleor_asc_app.jobs.queue import JobQueue, enqueue

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def installations(sm: async_sessionmaker[AsyncSession], count: int) -> list[uuid.UUID]:
    rows = [
        Installation(
            saleor_api_url=f"https://store-{n}.example.com/graphql/", app_id="A", token_encrypted="x", jwks="{}"
        )
        for n in range(count)
    ]
    async with sm() as session, session.begin():
        session.add_all(rows)
    return [row.id for row in rows]


async def add(sm: async_sessionmaker[AsyncSession], kind: str, installation: uuid.UUID, at: datetime) -> None:
    async with sm() as session, session.begin():
        await enqueue(session, kind, {}, installation_id=installation, run_after=at, now=at)


async def test_a_backlog_does_not_starve_other_installations(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    busy, quiet, other = await installations(sessionmaker, 3)
    for n in range(40):  # a big seller's shipments, all older than anything else
        await add(sessionmaker, "fulfilment.send_action", busy, T0 + timedelta(seconds=n))
    await add(sessionmaker, "orders.sync", quiet, T0 + timedelta(minutes=5))
    await add(sessionmaker, "orders.write", quiet, T0 + timedelta(minutes=5))
    await add(sessionmaker, "fulfilment.send_action", other, T0 + timedelta(minutes=6))
    await add(sessionmaker, "orders.sync", busy, T0 + timedelta(minutes=7))
    queue = JobQueue(sessionmaker)
    claimed = await queue.claim("w1", 5, now=T0 + timedelta(minutes=10))
    by = Counter((job.installation_id, job.kind) for job in claimed)
    # One turn: each installation's first job of each kind.
    assert by == Counter(
        {
            (busy, "fulfilment.send_action"): 1,
            (other, "fulfilment.send_action"): 1,
            (quiet, "orders.sync"): 1,
            (quiet, "orders.write"): 1,
            (busy, "orders.sync"): 1,
        }
    )
    # The next claim goes on with the backlog: nothing else is due.
    more = await queue.claim("w2", 5, now=T0 + timedelta(minutes=10))
    assert [(job.installation_id, job.kind) for job in more] == [(busy, "fulfilment.send_action")] * 5


async def test_shipments_and_cancellations_go_before_backfill(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    [installation] = await installations(sessionmaker, 1)
    await add(sessionmaker, "orders.backfill", installation, T0)
    await add(sessionmaker, "fulfilment.cancellation_feed", installation, T0 + timedelta(minutes=1))
    await add(sessionmaker, "fulfilment.send_action", installation, T0 + timedelta(minutes=2))
    queue = JobQueue(sessionmaker)
    now = T0 + timedelta(minutes=3)
    first = {job.kind for job in await queue.claim("w", 2, now=now)}
    assert first == {"fulfilment.cancellation_feed", "fulfilment.send_action"}  # the oldest, backfill, waits
    assert [job.kind for job in await queue.claim("w", 2, now=now)] == ["orders.backfill"]


async def test_a_job_whose_worker_died_is_taken_again_before_a_newer_one_of_its_key(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """A writer run (one per installation: ``concurrency_key``) loses its worker after releasing its ``unique_key``
    and a wake-up queued the next run behind it. Both are due once the lease ends; only the expired one can be
    leased (the other would be a second running job of the key), so it must be the one taken, or the key's jobs
    never run again."""
    [installation] = await installations(sessionmaker, 1)
    queue = JobQueue(sessionmaker, lease_seconds=60)
    writer = {"installation_id": installation, "concurrency_key": "writer", "unique_key": "write"}
    async with sessionmaker() as session, session.begin():
        await enqueue(session, "orders.write", {}, now=T0, **writer)  # type: ignore[arg-type]
    [lost] = await queue.claim("dies", 1, now=T0)
    async with sessionmaker() as session, session.begin():
        await session.execute(update(Job).where(Job.id == lost.id).values(unique_key=None))  # as the writer does
        await enqueue(session, "orders.write", {}, now=T0, **writer)  # type: ignore[arg-type]
        await enqueue(session, "orders.sync", {}, installation_id=installation, now=T0)
    later = T0 + timedelta(minutes=2)
    claimed = await queue.claim("alive", 3, now=later)
    assert sorted((job.kind, job.id == lost.id) for job in claimed) == [("orders.sync", False), ("orders.write", True)]
    await queue.complete(lost.id, "alive", now=later)
    [queued] = await queue.claim("alive", 3, now=later)
    assert queued.kind == "orders.write" and queued.id != lost.id
