"""How the jobs that read a feed's result (``inventory.feed_result``, ``fulfilment.cancellation_feed_result``) or
wait for a report (``orders.backfill``) use push: while the connection's push is healthy and it is subscribed to
``FEED_PROCESSING_FINISHED`` / ``REPORT_PROCESSING_FINISHED``, they do not poll ``getFeed`` / ``getReport``; they wait
for the notification, which makes them due at once with Amazon's outcome in their payload (``NOTIFIED``), so they go
straight to the result document. After ``ASC_PUSH_CATCH_UP_SECONDS`` without a notification (one lost) or as soon as
push is degraded they poll as before: polling is the safety net.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.models.feeds import ProcessingStatus
from saleor_asc_app.amazon.models.notifications import FEED_PROCESSING_FINISHED
from saleor_asc_app.push.health import connection_status
from saleor_asc_app.push.tables import PushSubscription
from saleor_asc_app.settings import Settings

NOTIFIED = "notified"  # key of the result job's payload the intake fills in
RECHECK = 60.0  # while waiting for the notification: how soon a degraded push is noticed


@dataclass(frozen=True)
class NotifiedOutcome:
    status: ProcessingStatus
    result_document_id: str | None
    subject_id: str  # the feed or report the notification was about


def notified_outcome(payload: dict[str, Any]) -> NotifiedOutcome | None:
    """Amazon's outcome as the notification told it, when one arrived for this job's feed or report."""
    notified = payload.get(NOTIFIED)
    if not isinstance(notified, dict):
        return None
    return NotifiedOutcome(
        ProcessingStatus(notified["status"]),
        notified.get("result_document_id") or None,
        str(notified.get("subject_id", "")),
    )


def notified_payload(
    status: str, result_document_id: str | None, notification_id: str, subject_id: str
) -> dict[str, Any]:
    return {
        "status": status,
        "result_document_id": result_document_id,
        "notification_id": notification_id,
        "subject_id": subject_id,
    }


async def wait_for_notification(
    session: AsyncSession,
    settings: Settings,
    installation_id: uuid.UUID,
    connection_id: str,
    submitted_at: datetime,
    *,
    now: datetime,
    notification_type: str = FEED_PROCESSING_FINISHED,
) -> float | None:
    """Seconds the job should wait instead of calling ``getFeed`` / ``getReport``; None: poll now."""
    deadline = submitted_at + timedelta(seconds=settings.push_catch_up_seconds)
    if now >= deadline:
        return None
    status = await connection_status(session, settings, installation_id, connection_id, now=now)
    if not status.healthy:
        return None
    subscribed = (
        await session.execute(
            select(PushSubscription.subscription_id).where(
                PushSubscription.installation_id == installation_id,
                PushSubscription.connection_id == connection_id,
                PushSubscription.notification_type == notification_type,
            )
        )
    ).scalar_one_or_none()
    if subscribed is None:
        return None
    return min(RECHECK, (deadline - now).total_seconds())
