"""FEED_PROCESSING_FINISHED → the job that reads that feed's result, due at once with Amazon's outcome in its
payload (``feed_results.NOTIFIED``), so it downloads the result document without asking ``getFeed``.

The feed is known by the active result job of the seller's connection that names it: a stock feed
(``inventory.feed_result``) or an order acknowledgement feed (``fulfilment.cancellation_feed_result``). A receipt per
connection keyed by NotificationId makes a second delivery change nothing; a notification for a feed no result job
waits for (finished already by polling, submitted by another application, or from before an upgrade) is recorded
``ignored`` and acknowledged.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.models.notifications import FEED_PROCESSING_FINISHED, FeedProcessingFinishedNotification
from saleor_asc_app.fulfilment.cancellation_feed import RESULT_KIND as CANCELLATION_RESULT_KIND
from saleor_asc_app.inventory.sync import RESULT_KIND as STOCK_RESULT_KIND
from saleor_asc_app.jobs.models import Job, JobStatus
from saleor_asc_app.push.feed_results import NOTIFIED, notified_payload
from saleor_asc_app.push.receipts import connections_of, insert_receipt

if TYPE_CHECKING:
    from saleor_asc_app.push.intake import IntakeResult

# The jobs that read a feed's result; each names its feed in its payload (``connection_id``, ``feed_id``).
RESULT_KINDS = (STOCK_RESULT_KIND, CANCELLATION_RESULT_KIND)


async def apply_feed_finished(
    session: AsyncSession, notification: FeedProcessingFinishedNotification, result: IntakeResult, *, now: datetime
) -> IntakeResult:
    finished = notification.finished
    if not finished.seller_id:  # a vendor group's feed: the app submits none
        result.unmatched = True
        return result
    result.seller_id = finished.seller_id
    connections = await connections_of(session, finished.seller_id)
    if not connections:
        result.unmatched = True
        return result
    notification_id = notification.NotificationMetadata.NotificationId
    for installation_id, connection_id in connections:
        job = await _result_job(session, installation_id, connection_id, finished.feed_id)
        inserted = await insert_receipt(
            session,
            {
                "id": uuid.uuid4(),
                "installation_id": installation_id,
                "connection_id": connection_id,
                "notification_id": notification_id,
                "notification_type": FEED_PROCESSING_FINISHED,
                "subject_id": finished.feed_id,
                "event_time": notification.EventTime,
                "outcome": "done" if job is not None else "ignored",
                "received_at": now,
            },
        )
        if not inserted:
            result.duplicates += 1
            continue
        result.receipts += 1
        if job is None:
            result.skipped += 1
            continue
        payload = {
            **job.payload,
            NOTIFIED: notified_payload(finished.processing_status, finished.result_feed_document_id, notification_id),
        }
        values: dict[str, object] = {"payload": payload, "updated_at": now}
        if job.status == JobStatus.PENDING.value:
            values["run_after"] = now  # a running one sees the outcome on its next run
        await session.execute(update(Job).where(Job.id == job.id).values(**values))
        result.fetches += 1
    return result


async def _result_job(
    session: AsyncSession, installation_id: uuid.UUID, connection_id: str, feed_id: str
) -> Job | None:
    return (
        (
            await session.execute(
                select(Job)
                .where(
                    Job.installation_id == installation_id,
                    Job.kind.in_(RESULT_KINDS),
                    Job.status.in_((JobStatus.PENDING.value, JobStatus.RUNNING.value)),
                    Job.payload["feed_id"].as_string() == feed_id,
                    Job.payload["connection_id"].as_string() == connection_id,
                )
                .limit(1)
            )
        )
        .scalars()
        .first()
    )
