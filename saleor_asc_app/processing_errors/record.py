"""Recording a processing error, in the caller's transaction, and scheduling the digest that will e-mail it."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.db.dialect_insert import dialect_insert
from saleor_asc_app.jobs.queue import enqueue
from saleor_asc_app.processing_errors.tables import ErrorSource, ProcessingError

DIGEST_KIND = "processing_errors.digest"


async def record_error(
    session: AsyncSession,
    installation_id: uuid.UUID,
    *,
    source: ErrorSource,
    reference: str,
    code: str,
    message: str,
    dedupe_key: str,
    now: datetime,
    sku: str | None = None,
    amazon_order_id: str | None = None,
) -> bool:
    """Add the error unless ``dedupe_key`` was recorded before; returns whether it was new."""
    result = await session.execute(
        dialect_insert(session, ProcessingError)
        .values(
            id=uuid.uuid4(),
            installation_id=installation_id,
            source=source.value,
            reference=reference[:200],
            sku=sku,
            amazon_order_id=amazon_order_id,
            code=code[:100],
            message=message,
            dedupe_key=dedupe_key[:300],
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["installation_id", "dedupe_key"])
    )
    if not getattr(result, "rowcount", 1):
        return False
    # One pending digest per installation; the digest job itself waits out the interval since the last one.
    await enqueue(
        session,
        DIGEST_KIND,
        {},
        installation_id=installation_id,
        unique_key=f"processing-errors-digest:{installation_id}",
        now=now,
    )
    return True
