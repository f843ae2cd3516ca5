"""The purge job of an installation: one standing ``pii.purge`` job that runs at the earliest purge date, and at
least daily. Storing a record (or learning of a cancellation) that must go sooner pulls the waiting job earlier."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.jobs.models import Job, JobStatus
from saleor_asc_app.jobs.queue import enqueue

PURGE_KIND = "pii.purge"
MAX_WAIT = timedelta(days=1)
# A record stored without delivery facts gets them from its order row on the job's next run; soon after the import.
RECONCILE_DELAY = timedelta(minutes=5)


def purge_job_key(installation_id: uuid.UUID) -> str:
    return f"pii.purge:{installation_id}"


async def schedule_purge(session: AsyncSession, installation_id: uuid.UUID, when: datetime, *, now: datetime) -> None:
    """Make sure the installation's purge job runs no later than ``when`` (and within a day), in the caller's
    transaction."""
    when = max(min(when, now + MAX_WAIT), now)
    key = purge_job_key(installation_id)
    created = await enqueue(
        session,
        PURGE_KIND,
        {},
        installation_id=installation_id,
        unique_key=key,
        concurrency_key=key,
        run_after=when,
        now=now,
        max_attempts=20,
    )
    if not created:
        await session.execute(
            update(Job)
            .where(Job.unique_key == key, Job.status == JobStatus.PENDING.value, Job.run_after > when)
            .values(run_after=when, updated_at=now)
        )
