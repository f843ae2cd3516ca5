"""``push.receipt_purge``: delete ``push_receipt`` rows older than ``ASC_PUSH_RECEIPT_RETENTION_DAYS``, daily, in
batches of ``BATCH`` rows, each batch its own short transaction (no long lock on a busy table).

A receipt is what makes a redelivered notification change nothing, so it must outlive every copy of its message:
SQS keeps a message at most 14 days (``MessageRetentionPeriod`` maximum, 1,209,600 s), hence a retention of at
least 15 days (the setting refuses less). One standing job for every installation (``installation_id`` NULL), started
by each SQS consumer when it starts; a second start finds it waiting (``unique_key``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.jobs.queue import ClaimedJob, enqueue, record_progress
from saleor_asc_app.jobs.registry import JobKind
from saleor_asc_app.logging import get_logger
from saleor_asc_app.push.tables import PushReceipt
from saleor_asc_app.state import AppState

log = get_logger(__name__)

RECEIPT_PURGE_KIND = "push.receipt_purge"
RECEIPT_PURGE_KEY = "push.receipt_purge"
PURGE_INTERVAL = timedelta(days=1)
BATCH = 1000
BATCHES_PER_RUN = 200  # then the job yields to others and continues a moment later


async def ensure_receipt_purge(session: AsyncSession, *, now: datetime) -> bool:
    """Start the daily purge unless one is waiting or running."""
    return await enqueue(session, RECEIPT_PURGE_KIND, {}, unique_key=RECEIPT_PURGE_KEY, now=now)


async def purge_batch(session: AsyncSession, cutoff: datetime, limit: int = BATCH) -> int:
    """Delete up to ``limit`` receipts received before ``cutoff``; returns how many."""
    oldest = select(PushReceipt.id).where(PushReceipt.received_at < cutoff).limit(limit)
    result = await session.execute(delete(PushReceipt).where(PushReceipt.id.in_(oldest.scalar_subquery())))
    return int(getattr(result, "rowcount", 0) or 0)


async def run_receipt_purge(ctx: AppState, job: ClaimedJob) -> None:
    cutoff = ctx.clock.now() - timedelta(days=ctx.settings.push_receipt_retention_days)
    deleted = 0
    for _ in range(BATCHES_PER_RUN):
        async with ctx.sessionmaker() as session, session.begin():
            count = await purge_batch(session, cutoff)
            await record_progress(session, job.id)
        deleted += count
        if count < BATCH:
            if deleted:
                log.info("push receipts purged", rows=deleted)
            raise RetryJob("next purge tomorrow", delay=PURGE_INTERVAL.total_seconds(), count_attempt=False)
    log.info("push receipts purged, more to go", rows=deleted)
    raise RetryJob("more receipts to purge", delay=1.0, count_attempt=False)


def receipt_purge_job_kind() -> JobKind[AppState]:
    return JobKind(
        RECEIPT_PURGE_KIND,
        run_receipt_purge,
        timeout_seconds=600.0,
        description="delete push receipts older than the retention (daily, in batches)",
    )
