"""The ``pii.purge`` job of an installation: bring purge dates up to date with the orders' delivery facts, purge
every record whose date has come (recording each purge), then wait until the next purge date, or a day at most."""

from __future__ import annotations

import uuid

from sqlalchemy import update

from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.jobs.queue import ClaimedJob
from saleor_asc_app.jobs.registry import JobKind
from saleor_asc_app.logging import get_logger
from saleor_asc_app.pii.audit_expiry import audit_expiry_job_kind
from saleor_asc_app.pii.order_facts import retention_updates
from saleor_asc_app.pii.schedule import MAX_WAIT, PURGE_KIND
from saleor_asc_app.pii.tables import PiiRecord
from saleor_asc_app.pii.vault import PURGE_BATCH
from saleor_asc_app.state import AppState

log = get_logger(__name__)

MIN_WAIT_SECONDS = 1.0
RECONCILE_BATCH = 500


async def reconcile_retention(state: AppState, installation_id: uuid.UUID) -> int:
    """Apply the delivery facts of changed orders to their records; returns how many records were looked at."""
    vault = state.pii_vault
    seen = 0
    after: uuid.UUID | None = None
    while True:
        async with state.sessionmaker() as session, session.begin():
            now = state.clock.now()
            updates, ids = await retention_updates(session, installation_id, after=after, limit=RECONCILE_BATCH)
            for item in updates:
                await vault.apply_retention(session, installation_id, item.amazon_order_id, item.facts, now=now)
            if ids:
                await session.execute(update(PiiRecord).where(PiiRecord.id.in_(ids)).values(retention_checked_at=now))
        seen += len(ids)
        if len(ids) < RECONCILE_BATCH:
            return seen
        after = ids[-1]


async def run_purge_job(state: AppState, job: ClaimedJob) -> None:
    assert job.installation_id is not None
    installation_id = job.installation_id
    vault = state.pii_vault
    await reconcile_retention(state, installation_id)
    purged = 0
    while True:
        async with state.sessionmaker() as session, session.begin():
            count = await vault.purge_due(session, now=state.clock.now(), installation_id=installation_id)
        purged += count
        if count < PURGE_BATCH:
            break
    async with state.sessionmaker() as session:
        upcoming = await vault.next_purge_at(session, installation_id)
    now = state.clock.now()
    next_run = now + MAX_WAIT if upcoming is None else min(now + MAX_WAIT, upcoming)
    if purged:
        log.info("buyer data purged", records=purged)
    delay = max(MIN_WAIT_SECONDS, (next_run - now).total_seconds())
    raise RetryJob(f"next purge run at {next_run.isoformat()}", delay=delay, count_attempt=False)


def pii_job_kinds() -> list[JobKind[AppState]]:
    return [
        JobKind(PURGE_KIND, run_purge_job, timeout_seconds=600.0, description="purge buyer data that is due"),
        audit_expiry_job_kind(),
    ]
