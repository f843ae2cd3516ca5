"""A job cancelled by its timeout while it holds the SQLite writer queue's turn (an open write transaction) must not
take the turn, or SQLite's write lock, with it: the worker goes on claiming and running jobs, and new transactions
begin. Before the fix, a job cancelled in the middle of a statement left its connection holding SQLite's write lock
(invalidated and closed, but kept open by its cursor) after the in-process turn had been handed on: every claim then
failed with "database is locked" until the process stopped."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from saleor_asc_app.clock import SystemClock
from saleor_asc_app.db.session import create_engine, create_sessionmaker
from saleor_asc_app.jobs.models import Job, JobStatus
from saleor_asc_app.jobs.queue import ClaimedJob, JobQueue, enqueue
from saleor_asc_app.jobs.registry import JobKind, JobRegistry
from saleor_asc_app.jobs.worker import Worker

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
# A statement that runs for about two seconds in SQLite (far longer than the job's timeout).
LONG_STATEMENT = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000) SELECT count(*) FROM n"
)


async def add(sm: async_sessionmaker[AsyncSession], kind: str) -> None:
    async with sm() as session, session.begin():
        await enqueue(session, kind, {}, now=T0)


@pytest.mark.parametrize("cancelled", ["in-a-statement", "between-statements"])
async def test_a_job_timed_out_inside_its_transaction_leaves_the_writer_queue_usable(
    sqlite_url: str, cancelled: str
) -> None:
    engine = create_engine(sqlite_url)
    sm = create_sessionmaker(engine)
    started = asyncio.Event()
    ran: list[str] = []

    async def hold_the_turn(_ctx: object, job: ClaimedJob) -> None:
        async with sm() as session, session.begin():
            await session.execute(update(Job).where(Job.id == job.id).values(last_error="writing"))
            started.set()
            if cancelled == "in-a-statement":
                await session.execute(text(LONG_STATEMENT))
            else:
                await asyncio.sleep(60)

    async def quick(_ctx: object, job: ClaimedJob) -> None:
        ran.append(job.kind)

    registry = JobRegistry[None]()
    registry.register(JobKind("test.hold-the-turn", hold_the_turn, timeout_seconds=0.2))
    registry.register(JobKind("test.quick", quick))
    await add(sm, "test.hold-the-turn")
    worker = Worker(JobQueue(sm), registry, None, SystemClock(), poll_interval=0.05)
    running = asyncio.create_task(worker.run())
    try:
        await asyncio.wait_for(started.wait(), 10)
        await asyncio.sleep(0.5)  # the timeout has cancelled the job by now
        await add(sm, "test.quick")
        worker.wake()
        for _ in range(100):
            if ran:
                break
            await asyncio.sleep(0.1)
        assert ran == ["test.quick"], "the worker still claims and runs jobs"
    finally:
        worker.stop()
        await asyncio.wait_for(running, 60)

    async with sm() as session:
        jobs = {job.kind: job for job in (await session.execute(select(Job))).scalars()}
    timed_out = jobs["test.hold-the-turn"]
    assert timed_out.status == JobStatus.PENDING and timed_out.last_error == "TimeoutError"
    assert jobs["test.quick"].status == JobStatus.SUCCEEDED

    # A transaction of this engine, and one of a fresh engine (another process's pool), begin and write.
    async def write(sessions: async_sessionmaker[AsyncSession]) -> int:
        async with sessions() as session, session.begin():
            await session.execute(update(Job).values(updated_at=T0))
            return (await session.execute(select(func.count()).select_from(Job))).scalar_one()

    assert await asyncio.wait_for(write(sm), 10) == 2
    fresh = create_engine(sqlite_url)
    try:
        assert await asyncio.wait_for(write(create_sessionmaker(fresh)), 10) == 2
    finally:
        await fresh.dispose()
        await engine.dispose()
