"""Found by the crash-safety suite: a standing job (the order sync reschedules itself forever) was dead-lettered
after the eighth worker crash of its whole life, because lost leases were counted and a deferred run never
cleared them; the connection then never synced again. Now a run that reaches its end and defers clears the count,
so ``max_attempts`` bounds consecutive crashes, and a job whose worker dies every time still goes dead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from saleor_asc_app.jobs.models import Job, JobStatus
from saleor_asc_app.jobs.queue import JobQueue, enqueue, record_progress

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


async def test_crashes_after_committed_progress_do_not_count_against_a_long_run(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """A sync or writer run that is killed each time after committing a page or a batch still makes headway:
    ``record_progress`` in the step's transaction keeps it alive; without progress it goes dead as before."""
    queue = JobQueue(sessionmaker, lease_seconds=LEASE.total_seconds())
    async with sessionmaker() as session, session.begin():
        await enqueue(session, "long-run", {}, max_attempts=2, now=T0)
    now = T0
    for _ in range(6):  # every run commits a step, then its worker dies
        [job] = await queue.claim("dies-after-a-step", 1, now=now)
        async with sessionmaker() as session, session.begin():
            await record_progress(session, job.id)
        now += LEASE + timedelta(seconds=1)
    assert await status(sessionmaker) == JobStatus.RUNNING.value  # still leased by the last one, not dead
    for _ in range(2):  # now it crashes without progress
        now += LEASE + timedelta(seconds=1)
        await queue.claim("dies-at-once", 1, now=now)
    assert await queue.claim("next", 1, now=now + LEASE + timedelta(seconds=1)) == []
    assert await status(sessionmaker) == JobStatus.DEAD.value
