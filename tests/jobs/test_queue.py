from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from structlog.testing import capture_logs

from saleor_asc_app.clock import SystemClock
from saleor_asc_app.db.session import create_engine, create_sessionmaker
from saleor_asc_app.jobs.errors import PermanentJobError, RetryJob
from saleor_asc_app.jobs.models import Job, JobStatus
from saleor_asc_app.jobs.queue import ClaimedJob, JobQueue, enqueue
from saleor_asc_app.jobs.registry import JobKind, JobRegistry
from saleor_asc_app.jobs.worker import Worker

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def add(sm: async_sessionmaker[AsyncSession], kind: str = "k", **kwargs: object) -> bool:
    async with sm() as session, session.begin():
        return await enqueue(session, kind, {"n": 1}, now=T0, **kwargs)  # type: ignore[arg-type]


async def statuses(sm: async_sessionmaker[AsyncSession]) -> Counter[str]:
    async with sm() as session:
        return Counter((await session.execute(select(Job.status))).scalars().all())


async def test_claim_complete_and_lease(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    queue = JobQueue(sessionmaker, lease_seconds=60)
    await add(sessionmaker)
    [job] = await queue.claim("w1", 10, now=T0)
    assert job.payload == {"n": 1} and job.attempts == 1
    assert await queue.claim("w2", 10, now=T0 + timedelta(seconds=59)) == []
    assert await queue.complete(job.id, "w1", now=T0)
    assert await statuses(sessionmaker) == Counter({"succeeded": 1})


async def test_rolled_back_transaction_enqueues_nothing(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        await session.begin()
        await enqueue(session, "k", now=T0)
        await session.rollback()
    assert await statuses(sessionmaker) == Counter()


async def test_unique_key_allows_one_active_job(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    queue = JobQueue(sessionmaker)
    assert await add(sessionmaker, unique_key="sync:seller-1")
    assert not await add(sessionmaker, unique_key="sync:seller-1")
    [job] = await queue.claim("w", 5, now=T0)
    assert not await add(sessionmaker, unique_key="sync:seller-1")  # still running
    await queue.complete(job.id, "w", now=T0)
    assert await add(sessionmaker, unique_key="sync:seller-1")  # finished: a new one may start


async def test_concurrency_key_runs_one_at_a_time(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    queue = JobQueue(sessionmaker)
    for _ in range(3):
        await add(sessionmaker, concurrency_key="writer:inst-1")
    await add(sessionmaker, concurrency_key="writer:inst-2")
    first = await queue.claim("w1", 10, now=T0)
    assert len(first) == 2  # one per key
    assert await queue.claim("w2", 10, now=T0) == []
    await queue.complete(first[0].id, "w1", now=T0)
    await queue.complete(first[1].id, "w1", now=T0)
    assert len(await queue.claim("w2", 10, now=T0)) == 1


async def test_failures_back_off_then_go_dead(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    queue = JobQueue(sessionmaker)
    await add(sessionmaker, max_attempts=2)
    [job] = await queue.claim("w", 1, now=T0)
    assert await queue.fail(job.id, "w", "boom", now=T0) == "pending"
    assert await queue.claim("w", 1, now=T0) == []  # backing off
    [job] = await queue.claim("w", 1, now=T0 + timedelta(hours=2))
    assert await queue.fail(job.id, "w", "boom again", now=T0) == "dead"
    async with sessionmaker() as session:
        dead = (await session.execute(select(Job))).scalar_one()
    assert dead.status == "dead" and dead.last_error == "boom again" and dead.attempts == 2
    assert await queue.retry_dead(dead.id, now=T0, installation_id=None)
    assert len(await queue.claim("w", 1, now=T0)) == 1


async def test_expired_lease_is_reclaimed_and_old_worker_cannot_finish(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    queue = JobQueue(sessionmaker, lease_seconds=30)
    await add(sessionmaker)
    [lost] = await queue.claim("crashed", 1, now=T0)
    [again] = await queue.claim("w2", 1, now=T0 + timedelta(seconds=31))
    assert again.id == lost.id and again.attempts == 2
    assert not await queue.complete(lost.id, "crashed", now=T0)  # fenced off
    assert not await queue.heartbeat(lost.id, "crashed", now=T0)
    assert await queue.complete(again.id, "w2", now=T0)


async def test_worker_lost_on_last_attempt_goes_dead(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    queue = JobQueue(sessionmaker, lease_seconds=30)
    await add(sessionmaker, max_attempts=1)
    await queue.claim("crashed", 1, now=T0)
    assert await queue.claim("w2", 1, now=T0 + timedelta(minutes=5)) == []
    assert await statuses(sessionmaker) == Counter({"dead": 1})


async def test_worker_outcomes(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    seen: list[str] = []

    async def ok(_ctx: object, job: ClaimedJob) -> None:
        seen.append(job.kind)

    async def defer(_ctx: object, job: ClaimedJob) -> None:
        raise RetryJob("rate limited", delay=600)

    async def broken(_ctx: object, job: ClaimedJob) -> None:
        raise PermanentJobError("unknown marketplace A1XYZ")

    registry = JobRegistry[None]()
    for name, handler in (("ok", ok), ("defer", defer), ("broken", broken)):
        registry.register(JobKind(name, handler))
    for name in ("ok", "defer", "broken", "nobody-handles-this"):
        await add(sessionmaker, name)
    worker = Worker(JobQueue(sessionmaker), registry, None, SystemClock())
    assert await worker.run_until_idle() == 3  # the unknown kind is never claimed
    assert seen == ["ok"]
    async with sessionmaker() as session:
        rows = {j.kind: j for j in (await session.execute(select(Job))).scalars()}
    assert rows["ok"].status == JobStatus.SUCCEEDED
    assert rows["defer"].status == JobStatus.PENDING and rows["defer"].attempts == 0
    assert rows["defer"].last_error == "rate limited"
    assert rows["broken"].status == JobStatus.DEAD and rows["broken"].last_error == "unknown marketplace A1XYZ"
    assert rows["nobody-handles-this"].status == JobStatus.PENDING


async def test_two_workers_never_run_a_job_twice(database_url: str) -> None:
    """Two workers, each with its own connection pool (as two processes would have), drain 1,000 jobs."""
    total = 1000
    setup = create_engine(database_url)
    sm = create_sessionmaker(setup)
    async with sm() as session, session.begin():
        for i in range(total):
            await enqueue(session, "count", {"i": i}, now=T0)
    await setup.dispose()

    runs: Counter[uuid.UUID] = Counter()
    by_worker: Counter[str] = Counter()

    def handler_for(name: str):  # type: ignore[no-untyped-def]
        async def handler(_ctx: object, job: ClaimedJob) -> None:
            runs[job.id] += 1
            by_worker[name] += 1
            await asyncio.sleep(0)

        return handler

    engines = [create_engine(database_url) for _ in range(2)]
    workers = []
    for index, eng in enumerate(engines):
        registry = JobRegistry[None]()
        registry.register(JobKind("count", handler_for(f"w{index}")))
        workers.append(
            Worker(
                JobQueue(create_sessionmaker(eng)), registry, None, SystemClock(), concurrency=8, worker_id=f"w{index}"
            )
        )
    await asyncio.gather(*(w.run_until_idle(max_rounds=5000) for w in workers))
    for eng in engines:
        await eng.dispose()

    assert len(runs) == total
    assert max(runs.values()) == 1, "a job ran twice"
    check = create_engine(database_url)
    async with create_sessionmaker(check)() as session:
        done = (await session.execute(select(func.count()).where(Job.status == "succeeded"))).scalar_one()
    await check.dispose()
    assert done == total
    assert by_worker["w0"] > 0 and by_worker["w1"] > 0, by_worker


async def test_an_outcome_that_cannot_be_written_is_logged_and_the_lease_brings_the_job_back(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """The database refuses the outcome (here: the job table is gone when the handler returns): the worker logs the
    job's id instead of leaving an unretrieved task exception, and the job runs again once its lease expired."""

    async def hide_the_job_table(_ctx: object, job: ClaimedJob) -> None:
        async with sessionmaker() as session, session.begin():
            await session.execute(text("ALTER TABLE job RENAME TO job_hidden"))

    registry = JobRegistry[None]()
    registry.register(JobKind("hide", hide_the_job_table))
    await add(sessionmaker, "hide")
    queue = JobQueue(sessionmaker, lease_seconds=60)
    worker = Worker(queue, registry, None, SystemClock())
    with capture_logs() as logs:
        assert await worker.run_until_idle(max_rounds=1) == 1
    [line] = [entry for entry in logs if entry["event"].startswith("job outcome not recorded")]
    async with sessionmaker() as session, session.begin():
        await session.execute(text("ALTER TABLE job_hidden RENAME TO job"))
    async with sessionmaker() as session:
        [row] = (await session.execute(select(Job))).scalars().all()
    assert line["job_id"] == str(row.id) and line["log_level"] == "error"
    assert row.status == JobStatus.RUNNING and row.attempts == 1
    assert await queue.claim("w2", 1, now=datetime.now(UTC)) == []  # still leased
    [again] = await queue.claim("w2", 1, now=datetime.now(UTC) + timedelta(seconds=61))
    assert again.id == row.id and again.attempts == 2
