"""Storing a verified webhook: its ``webhook_event`` row and its ``webhook`` job, in one transaction.

Core ``INSERT``s on one connection (no ORM unit of work): this is the hot path of webhook ingestion.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from saleor_asc_app.db.models import WebhookEvent
from saleor_asc_app.jobs.queue import enqueue_statement
from saleor_asc_app.webhooks.processing import JOB_KIND

WEBHOOK_JOB_PRIORITY = 10
_INSERT_EVENT = insert(WebhookEvent)


async def store_event(
    engine: AsyncEngine, *, installation_id: uuid.UUID, event: str, body: bytes, now: datetime
) -> uuid.UUID:
    """Commit the event and its job; raises ``IntegrityError`` when the installation no longer exists."""
    event_id = uuid.uuid4()
    async with engine.begin() as connection:
        await connection.execute(
            _INSERT_EVENT,
            {
                "id": event_id,
                "installation_id": installation_id,
                "event": event,
                "body": body,
                "received_at": now,
                "processed_at": None,
            },
        )
        await connection.execute(
            enqueue_statement(
                connection.dialect.name,
                JOB_KIND,
                {"event_id": str(event_id)},
                installation_id=installation_id,
                priority=WEBHOOK_JOB_PRIORITY,
                now=now,
            )
        )
    return event_id
