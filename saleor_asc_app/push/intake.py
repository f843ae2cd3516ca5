"""One queue message → its effect, committed in one transaction: a receipt per connection the notification is for
(a second delivery of the same NotificationId finds it and changes nothing) and, where the order may have changed
in a way Saleor cares about, an ``orders.push_fetch`` job (``getOrder`` for that order only); a
FEED_PROCESSING_FINISHED / REPORT_PROCESSING_FINISHED makes the job waiting for that feed or report due
(``finished_intake.py``). The consumer deletes the message only after this transaction committed.

Skipped without an Amazon call: duplicates; stale notifications (the stored order is as new as the change, e.g. a
late or reordered delivery); new orders still pending (the import waits for Amazon to release them, and Amazon
notifies that change too). Nothing of the message body is stored or logged besides ids, types and times.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.models.notifications import (
    FEED_PROCESSING_FINISHED,
    ORDER_CHANGE,
    REPORT_PROCESSING_FINISHED,
    FeedProcessingFinishedNotification,
    Notification,
    OrderChangeNotification,
    ReportProcessingFinishedNotification,
)
from saleor_asc_app.jobs.queue import enqueue
from saleor_asc_app.orders.tables import AmazonOrder
from saleor_asc_app.push.finished_intake import apply_feed_finished, apply_report_finished
from saleor_asc_app.push.receipts import IntakeResult, connections_of, insert_receipt
from saleor_asc_app.push.tables import PushDeadLetter

FETCH_KIND = "orders.push_fetch"
PENDING_STATUSES = ("Pending", "PendingAvailability")


class Poison(Exception):
    """The message is not a notification the app understands; the reason names places, never values."""


def parse(body: str) -> Notification:
    try:
        data = json.loads(body)
    except ValueError:
        raise Poison("the message body is not JSON") from None
    if isinstance(data, dict) and "NotificationType" not in data and "notificationType" in data:
        data = _pascal_envelope(data)  # feed and report notifications spell the envelope in camelCase
    try:
        notification = Notification.model_validate(data)
        if notification.NotificationType == ORDER_CHANGE:
            order_change = OrderChangeNotification.model_validate(data)
            _ = order_change.change
            return order_change
        if notification.NotificationType == FEED_PROCESSING_FINISHED:
            feed_finished = FeedProcessingFinishedNotification.model_validate(data)
            _ = feed_finished.finished
            return feed_finished
        if notification.NotificationType == REPORT_PROCESSING_FINISHED:
            report_finished = ReportProcessingFinishedNotification.model_validate(data)
            _ = report_finished.finished
            return report_finished
    except ValidationError as exc:
        where = sorted({".".join(str(p) for p in err["loc"]) or "<root>" for err in exc.errors()})
        raise Poison(f"not a valid notification ({exc.error_count()} problems at {', '.join(where[:5])})") from None
    return notification


def _pascal_envelope(data: dict[str, object]) -> dict[str, object]:
    def pascal(key: str) -> str:
        return key[:1].upper() + key[1:]

    out = {pascal(k): v for k, v in data.items()}
    metadata = out.get("NotificationMetadata")
    if isinstance(metadata, dict):
        out["NotificationMetadata"] = {pascal(k): v for k, v in metadata.items()}
    return out


def fetch_unique_key(installation_id: uuid.UUID, connection_id: str, order_id: str, changed_at: datetime) -> str:
    return f"push-fetch:{installation_id}:{connection_id}:{order_id}:{changed_at.isoformat()}"


async def apply(session: AsyncSession, notification: Notification, *, now: datetime) -> IntakeResult:
    result = IntakeResult(notification_type=notification.NotificationType)
    if isinstance(notification, OrderChangeNotification):
        return await _order_change(session, notification, result, now=now)
    if isinstance(notification, FeedProcessingFinishedNotification):
        return await apply_feed_finished(session, notification, result, now=now)
    if isinstance(notification, ReportProcessingFinishedNotification):
        return await apply_report_finished(session, notification, result, now=now)
    result.unmatched = True
    return result


async def _order_change(
    session: AsyncSession, notification: OrderChangeNotification, result: IntakeResult, *, now: datetime
) -> IntakeResult:
    change = notification.change
    result.seller_id = change.SellerId
    trigger = change.OrderChangeTrigger
    changed_at = (trigger.TimeOfOrderChange if trigger else None) or notification.EventTime
    status = change.Summary.OrderStatus if change.Summary else None
    connections = await connections_of(session, change.SellerId)
    if not connections:
        result.unmatched = True
        return result
    notification_id = notification.NotificationMetadata.NotificationId
    for installation_id, connection_id in connections:
        stored = (
            await session.execute(
                select(AmazonOrder.amazon_updated_at, AmazonOrder.amazon_status).where(
                    AmazonOrder.installation_id == installation_id, AmazonOrder.amazon_order_id == change.AmazonOrderId
                )
            )
        ).one_or_none()
        if stored is None and status in PENDING_STATUSES:
            outcome = "waiting"
        elif stored is not None and stored.amazon_updated_at is not None and stored.amazon_updated_at >= changed_at:
            outcome = "stale"
        else:
            outcome = "fetch"
        inserted = await insert_receipt(
            session,
            {
                "id": uuid.uuid4(),
                "installation_id": installation_id,
                "connection_id": connection_id,
                "notification_id": notification_id,
                "notification_type": ORDER_CHANGE,
                "subject_id": change.AmazonOrderId,
                "event_time": changed_at,
                "outcome": outcome,
                "received_at": now,
            },
        )
        if not inserted:
            result.duplicates += 1
            continue
        result.receipts += 1
        if outcome != "fetch":
            result.skipped += 1
            continue
        await enqueue(
            session,
            FETCH_KIND,
            {"connection_id": connection_id, "order_id": change.AmazonOrderId, "changed_at": changed_at.isoformat()},
            installation_id=installation_id,
            unique_key=fetch_unique_key(installation_id, connection_id, change.AmazonOrderId, changed_at),
            now=now,
            max_attempts=20,
        )
        result.fetches += 1
    return result


async def dead_letter(
    session: AsyncSession,
    *,
    message_id: str,
    reason: str,
    receive_count: int,
    now: datetime,
    notification_type: str = "",
    seller_id: str | None = None,
) -> int:
    """Record a message taken off the queue unhandled: for every installation with a connection of the seller (when
    one can be read from the message), else for none. Returns the rows written."""
    installations: list[uuid.UUID | None] = []
    if seller_id:
        installations = sorted({i for i, _ in await connections_of(session, seller_id)}, key=str)
    for installation_id in installations or [None]:
        await session.execute(
            insert(PushDeadLetter).values(
                id=uuid.uuid4(),
                installation_id=installation_id,
                message_id=message_id[:100],
                notification_type=notification_type[:60],
                reason=reason[:2000],
                receive_count=receive_count,
                received_at=now,
            )
        )
    return len(installations or [None])


def seller_of(body: str) -> tuple[str, str]:
    """The notification type and seller id of a message that failed, when they can be read (for the dead letter)."""
    try:
        data = json.loads(body)
        kind = str(data.get("NotificationType", ""))
        payload = data.get("Payload") or {}
        seller = next(
            (str(v.get("SellerId") or v.get("sellerId")) for v in payload.values() if isinstance(v, dict)), ""
        )
        return kind, seller if seller and seller != "None" else ""
    except (ValueError, AttributeError, TypeError):
        return "", ""
