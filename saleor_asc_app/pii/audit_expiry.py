"""The PII audit trail of an uninstalled store: kept for ``PII_AUDIT_RETENTION`` after ``APP_DELETED``, then deleted.

Amazon's Data Protection Policy asks for logs of access to PII to be kept (commonly quoted: for at least 90 days,
for reference in case of a security incident). ``pii_audit`` rows hold no buyer data (who, when, which order id,
which kinds of data, the outcome), so they need not go with the buyer data at uninstall: they are not tied to the
installation row (no cascade), and uninstalling schedules one job, not tied to the installation either, that
deletes them when the period is over."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.db.models import Installation
from saleor_asc_app.jobs.queue import ClaimedJob, enqueue
from saleor_asc_app.jobs.registry import JobKind
from saleor_asc_app.logging import get_logger
from saleor_asc_app.pii.tables import PiiAuditEntry
from saleor_asc_app.state import AppState

log = get_logger(__name__)

PII_AUDIT_RETENTION = timedelta(days=90)
AUDIT_EXPIRY_KIND = "pii.audit_expiry"


async def schedule_audit_expiry(session: AsyncSession, installation_id: uuid.UUID, *, now: datetime) -> None:
    """In the uninstall's transaction: delete the installation's audit trail once the retention period is over."""
    key = f"{AUDIT_EXPIRY_KIND}:{installation_id}"
    await enqueue(
        session,
        AUDIT_EXPIRY_KIND,
        {"installation_id": str(installation_id)},
        installation_id=None,  # the job outlives the installation row
        unique_key=key,
        concurrency_key=key,
        run_after=now + PII_AUDIT_RETENTION,
        now=now,
        max_attempts=20,
    )


async def run_audit_expiry(state: AppState, job: ClaimedJob) -> None:
    installation_id = uuid.UUID(str(job.payload["installation_id"]))
    async with state.sessionmaker() as session, session.begin():
        if await session.get(Installation, installation_id) is not None:
            return  # cannot happen (ids are never reused); never delete a live store's trail
        result = await session.execute(delete(PiiAuditEntry).where(PiiAuditEntry.installation_id == installation_id))
    log.info("PII audit trail of an uninstalled store deleted", rows=getattr(result, "rowcount", None))


def audit_expiry_job_kind() -> JobKind[AppState]:
    return JobKind(
        AUDIT_EXPIRY_KIND,
        run_audit_expiry,
        timeout_seconds=600.0,
        description="delete the PII audit trail of an uninstalled store after the retention period",
    )
