"""Found by the crash-safety suite: a standing job (the order sync reschedules itself forever) was dead-lettered
after the eighth worker crash of its whole life, because lost leases were counted and a deferred run never
cleared them; the connection then never synced again. Now a run that reaches its end and defers clears the count,
so ``max_attempts`` bounds consecutive crashes, and a job whose worker dies every time still goes dead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from saleor_asc_app.jobs.models import Job, JobStatus
from saleor_asc_app.jobs.queue import JobQueue, enqueue

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


async def status(sessionmaker: async_sessionmaker[AsyncSession]) -> str:
    async with sessionmaker() as session:
        return str((await session.execute(select(Job.status))).scalar_one())


async def test_crashes_between_completed_runs_never_kill_a_standing_job(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    queue = JobQueue(sessionmaker, lease_seconds=LEASE.total_seconds())
    async with sessionmaker() as session, session.begin():
        await enqueue(session, "standing", {}, unique_key="standing", max_attempts=2, now=T0)
    now = T0
    for _ in range(6):  # each cycle: a worker dies holding the job, then a run completes and defers
        assert await queue.claim("crashed", 1, now=now)
        now += LEASE + timedelta(seconds=1)
        [job] = await queue.claim("survivor", 1, now=now)
        assert await queue.fail(job.id, "survivor", "next run later", now=now, delay=0, count_attempt=False) == (
            JobStatus.PENDING.value
        )
    assert await status(sessionmaker) == JobStatus.PENDING.value


async def test_a_job_whose_worker_always_dies_still_goes_dead(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    queue = JobQueue(sessionmaker, lease_seconds=LEASE.total_seconds())
    async with sessionmaker() as session, session.begin():
        await enqueue(session, "poison", {}, max_attempts=2, now=T0)
    now = T0
    for _ in range(2):
        assert await queue.claim("crashed", 1, now=now)
        now += LEASE + timedelta(seconds=1)
    assert await queue.claim("next", 1, now=now) == []
    assert await status(sessionmaker) == JobStatus.DEAD.value
