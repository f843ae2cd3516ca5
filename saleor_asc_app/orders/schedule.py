"""Job kinds of the order import and how they are enqueued (always in the caller's transaction).

- ``orders.sync``: one per connection (``unique_key``), reschedules itself at the pace searchOrders sustains;
- ``orders.write``: the Saleor writer of an installation; one running per installation (``concurrency_key``) and at
  most one waiting (``unique_key``);
- ``orders.backfill``: one per connection, from the configured start date up to where the sync began.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.jobs.queue import enqueue

SYNC_KIND = "orders.sync"
WRITE_KIND = "orders.write"
BACKFILL_KIND = "orders.backfill"
KINDS = (SYNC_KIND, WRITE_KIND, BACKFILL_KIND)


def writer_concurrency_key(installation_id: uuid.UUID) -> str:
    return f"saleor-writer:{installation_id}"


async def enqueue_writer(
    session: AsyncSession, installation_id: uuid.UUID, *, now: datetime, run_after: datetime | None = None
) -> bool:
    return await enqueue(
        session,
        WRITE_KIND,
        {},
        installation_id=installation_id,
        unique_key=f"write:{installation_id}",
        concurrency_key=writer_concurrency_key(installation_id),
        run_after=run_after,
        now=now,
        max_attempts=20,
    )


async def enqueue_sync(
    session: AsyncSession,
    installation_id: uuid.UUID,
    connection_id: str,
    *,
    now: datetime,
    run_after: datetime | None = None,
) -> bool:
    return await enqueue(
        session,
        SYNC_KIND,
        {"connection_id": connection_id},
        installation_id=installation_id,
        unique_key=f"sync:{installation_id}:{connection_id}",
        run_after=run_after,
        now=now,
    )


async def enqueue_backfill(
    session: AsyncSession, installation_id: uuid.UUID, connection_id: str, *, now: datetime
) -> bool:
    return await enqueue(
        session,
        BACKFILL_KIND,
        {"connection_id": connection_id},
        installation_id=installation_id,
        unique_key=f"backfill:{installation_id}:{connection_id}",
        now=now,
        max_attempts=20,
    )


async def ensure_sync_jobs(
    session: AsyncSession, installation_id: uuid.UUID, connection_ids: Iterable[str], *, now: datetime
) -> int:
    """Make sure every authorized connection has its standing sync job (after a configuration change, at start-up,
    or when a job died); returns how many were (re)created."""
    created = 0
    for connection_id in connection_ids:
        created += await enqueue_sync(session, installation_id, connection_id, now=now)
    return created
