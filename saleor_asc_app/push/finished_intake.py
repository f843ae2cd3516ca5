"""FEED_PROCESSING_FINISHED / REPORT_PROCESSING_FINISHED → the job waiting for that feed or report, due at once with
Amazon's outcome in its payload (``notified.NOTIFIED``), so it downloads the result document without asking
``getFeed`` / ``getReport``.

A feed is known by the active result job of the seller's connection that names it: a stock feed
(``inventory.feed_result``) or an order acknowledgement feed (``fulfilment.cancellation_feed_result``); a report by
the connection's backfill waiting for it (``order_backfill.report_id``, job ``orders.backfill``). A receipt per
connection keyed by NotificationId makes a second delivery change nothing; a notification for a feed or report
nothing waits for (finished already by polling, another application's, or from before an upgrade) is recorded
``ignored`` and acknowledged.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.models.notifications import (
    FeedProcessingFinishedNotification,
    Notification,
    ReportProcessingFinishedNotification,
)
from saleor_asc_app.fulfilment.cancellation_feed import RESULT_KIND as CANCELLATION_RESULT_KIND
from saleor_asc_app.inventory.sync import RESULT_KIND as STOCK_RESULT_KIND
from saleor_asc_app.jobs.models import Job, JobStatus
from saleor_asc_app.orders.schedule import BACKFILL_KIND
from saleor_asc_app.orders.tables import Backfill
from saleor_asc_app.push.notified import NOTIFIED, notified_payload
from saleor_asc_app.push.receipts import IntakeResult, connections_of, insert_receipt

# The jobs that read a feed's result; each names its feed in its payload (``connection_id``, ``feed_id``).
RESULT_KINDS = (STOCK_RESULT_KIND, CANCELLATION_RESULT_KIND)


async def apply_feed_finished(
    session: AsyncSession, notification: FeedProcessingFinishedNotification, result: IntakeResult, *, now: datetime
) -> IntakeResult:
    finished = notification.finished

    async def waiting(installation_id: uuid.UUID, connection_id: str) -> Job | None:
        return await _active_job(
            session,
            installation_id,
            RESULT_KINDS,
            Job.payload["feed_id"].as_string() == finished.feed_id,
            Job.payload["connection_id"].as_string() == connection_id,
        )

    outcome = notified_payload(
        finished.processing_status,
        finished.result_feed_document_id,
        notification.NotificationMetadata.NotificationId,
        finished.feed_id,
    )
    return await _hand_over(session, notification, finished.seller_id, finished.feed_id, outcome, waiting, result, now)


async def apply_report_finished(
    session: AsyncSession, notification: ReportProcessingFinishedNotification, result: IntakeResult, *, now: datetime
) -> IntakeResult:
    finished = notification.finished

    async def waiting(installation_id: uuid.UUID, connection_id: str) -> Job | None:
        backfill = (
            await session.execute(
                select(Backfill.id).where(
                    Backfill.installation_id == installation_id,
                    Backfill.connection_id == connection_id,
                    Backfill.report_id == finished.report_id,
                )
            )
        ).scalar_one_or_none()
        if backfill is None:
            return None
        return await _active_job(
            session, installation_id, (BACKFILL_KIND,), Job.payload["connection_id"].as_string() == connection_id
        )

    outcome = notified_payload(
        finished.processing_status,
        finished.report_document_id,
        notification.NotificationMetadata.NotificationId,
        finished.report_id,
    )
    return await _hand_over(
        session, notification, finished.seller_id, finished.report_id, outcome, waiting, result, now
    )


async def _hand_over(
    session: AsyncSession,
    notification: Notification,
    seller_id: str | None,
    subject_id: str,
    outcome: dict[str, Any],
    waiting: Callable[[uuid.UUID, str], Awaitable[Job | None]],
    result: IntakeResult,
    now: datetime,
) -> IntakeResult:
    if not seller_id:  # a vendor group's: the app submits none
        result.unmatched = True
        return result
    result.seller_id = seller_id
    connections = await connections_of(session, seller_id)
    if not connections:
        result.unmatched = True
        return result
    for installation_id, connection_id in connections:
        job = await waiting(installation_id, connection_id)
        inserted = await insert_receipt(
            session,
            {
                "id": uuid.uuid4(),
                "installation_id": installation_id,
                "connection_id": connection_id,
                "notification_id": notification.NotificationMetadata.NotificationId,
                "notification_type": notification.NotificationType,
                "subject_id": subject_id,
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
        values: dict[str, object] = {"payload": {**job.payload, NOTIFIED: outcome}, "updated_at": now}
        if job.status == JobStatus.PENDING.value:
            values["run_after"] = now  # a running one sees the outcome on its next run
        await session.execute(update(Job).where(Job.id == job.id).values(**values))
        result.fetches += 1
    return result


async def _active_job(
    session: AsyncSession, installation_id: uuid.UUID, kinds: tuple[str, ...], *conditions: ColumnElement[bool]
) -> Job | None:
    return (
        (
            await session.execute(
                select(Job)
                .where(
                    Job.installation_id == installation_id,
                    Job.kind.in_(kinds),
                    Job.status.in_((JobStatus.PENDING.value, JobStatus.RUNNING.value)),
                    *conditions,
                )
                .limit(1)
            )
        )
        .scalars()
        .first()
    )
