"""Import failures as processing errors: a scheduled scan records each parked Amazon order (once per cause), so
it is listed and e-mailed with the feed and shipment errors. The order import itself stays unaware of this."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.jobs.queue import ClaimedJob, enqueue
from saleor_asc_app.jobs.registry import JobKind
from saleor_asc_app.orders.tables import AmazonOrder, OrderState
from saleor_asc_app.processing_errors.record import record_error
from saleor_asc_app.processing_errors.tables import ErrorSource
from saleor_asc_app.state import AppState

SCAN_KIND = "processing_errors.import_scan"
SCAN_EVERY = 600.0
SCAN_IDLE = 1800.0  # nothing new was parked in the last scan


async def ensure_import_scan(session: AsyncSession, installation_id: uuid.UUID, *, now: datetime) -> None:
    await enqueue(
        session, SCAN_KIND, {}, installation_id=installation_id,
        unique_key=f"processing-errors-import-scan:{installation_id}", now=now,
    )  # fmt: skip


async def scan_parked_orders(ctx: AppState, installation_id: uuid.UUID) -> int:
    """Record every parked order's cause not recorded yet; returns how many were new."""
    now = ctx.clock.now()
    new = 0
    async with ctx.sessionmaker() as session, session.begin():
        result = await session.execute(
            select(AmazonOrder.amazon_order_id, AmazonOrder.reason_code, AmazonOrder.reason, AmazonOrder.reason_key)
            .where(AmazonOrder.installation_id == installation_id, AmazonOrder.state == OrderState.PARKED.value)
            .order_by(AmazonOrder.amazon_order_id)
        )
        for order_id, code, reason, key in result.all():
            new += await record_error(
                session, installation_id, source=ErrorSource.IMPORT, reference=order_id, amazon_order_id=order_id,
                code=code or "parked", message=reason or "The order could not be imported.",
                dedupe_key=f"import:{order_id}:{code}:{key or ''}", now=now,
            )  # fmt: skip
    return new


async def run_scan_job(ctx: AppState, job: ClaimedJob) -> None:
    assert job.installation_id is not None
    new = await scan_parked_orders(ctx, job.installation_id)
    raise RetryJob("next scan", delay=SCAN_EVERY if new else SCAN_IDLE)


def import_scan_job_kinds() -> list[JobKind[AppState]]:
    return [JobKind(SCAN_KIND, run_scan_job, timeout_seconds=120.0, description="record parked orders as errors")]
