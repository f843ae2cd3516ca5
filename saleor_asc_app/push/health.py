"""Whether push can be trusted for a connection, and what the catch-up sweep found that push missed.

A connection is ``subscribed`` while its ORDER_CHANGE subscription exists, the queue was read successfully within
``STALE_RECEIVE`` and a notification for it (or the subscription itself) is younger than ``ASC_PUSH_QUIET_SECONDS``;
``degraded`` when push is configured but one of these fails (the sync then polls at full speed); ``off`` when no
queue is configured. The order sync asks this before each run (``sync.py``).
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.models.notifications import ORDER_CHANGE
from saleor_asc_app.amazon.models.orders import Order
from saleor_asc_app.orders.import_rules import PENDING_STATUSES
from saleor_asc_app.orders.tables import AmazonOrder
from saleor_asc_app.push.tables import PushHealth, PushReceipt, PushSubscription
from saleor_asc_app.settings import Settings

STALE_RECEIVE = timedelta(seconds=90)  # a consumer long-polls every ≤ 20 s; three minutes of silence is an outage


class PushState(enum.StrEnum):
    SUBSCRIBED = "subscribed"
    DEGRADED = "degraded"
    OFF = "off"


@dataclass(frozen=True)
class PushStatus:
    state: PushState
    reason: str | None = None
    last_notification_at: datetime | None = None
    subscribed_at: datetime | None = None
    missed: int = 0

    @property
    def healthy(self) -> bool:
        return self.state is PushState.SUBSCRIBED


async def connection_status(
    session: AsyncSession, settings: Settings, installation_id: uuid.UUID, connection_id: str, *, now: datetime
) -> PushStatus:
    if not settings.push_enabled:
        return PushStatus(PushState.OFF, "No notification queue is configured (ASC_PUSH_QUEUE_URL): polling only.")
    subscription = (
        await session.execute(
            select(PushSubscription).where(
                PushSubscription.installation_id == installation_id,
                PushSubscription.connection_id == connection_id,
                PushSubscription.notification_type == ORDER_CHANGE,
            )
        )
    ).scalar_one_or_none()
    last = (
        await session.execute(
            select(func.max(PushReceipt.received_at)).where(
                PushReceipt.installation_id == installation_id,
                PushReceipt.connection_id == connection_id,
                PushReceipt.notification_type == ORDER_CHANGE,
            )
        )
    ).scalar_one_or_none()
    missed = subscription.missed if subscription else 0
    subscribed_at = subscription.subscribed_at if subscription else None
    if subscription is None or subscription.subscription_id is None:
        reason = (subscription.last_error if subscription else None) or "Not subscribed to order notifications yet."
        return PushStatus(PushState.DEGRADED, reason, last, subscribed_at, missed)
    queue = (
        await session.execute(select(PushHealth).where(PushHealth.queue_url == settings.push_queue_url))
    ).scalar_one_or_none()
    if queue is None or queue.last_receive_ok_at is None or now - queue.last_receive_ok_at > STALE_RECEIVE:
        return PushStatus(PushState.DEGRADED, "The notification queue is not being read.", last, subscribed_at, missed)
    if queue.last_error_at is not None and queue.last_error_at > queue.last_receive_ok_at:
        return PushStatus(PushState.DEGRADED, "The notification queue is unreachable.", last, subscribed_at, missed)
    reference = max(t for t in (last, subscribed_at) if t is not None) if (last or subscribed_at) else None
    quiet = timedelta(seconds=settings.push_quiet_seconds)
    if reference is None or now - reference > quiet:
        minutes = int(quiet.total_seconds() // 60)
        return PushStatus(
            PushState.DEGRADED, f"No order notification for over {minutes} minutes.", last, subscribed_at, missed
        )
    return PushStatus(PushState.SUBSCRIBED, None, last, subscribed_at, missed)


async def count_missed(
    session: AsyncSession, installation_id: uuid.UUID, connection_id: str, orders: Sequence[Order]
) -> int:
    """Before a catch-up page is stored: the orders in it that push should have brought and did not (newer than
    what is stored, and past pending — pending orders are left to the release notification by design). Added to
    the connection's ``missed`` count (dashboard, metrics)."""
    candidates = {o.order_id: o for o in orders if o.status not in PENDING_STATUSES}
    if not candidates:
        return 0
    stored: dict[str, datetime | None] = dict(
        (
            await session.execute(
                select(AmazonOrder.amazon_order_id, AmazonOrder.amazon_updated_at).where(
                    AmazonOrder.installation_id == installation_id, AmazonOrder.amazon_order_id.in_(candidates)
                )
            )
        ).all()
    )
    missed = 0
    for order_id, order in candidates.items():
        known = stored.get(order_id)
        if known is None or known < order.last_updated_time:
            missed += 1
    if missed:
        await session.execute(
            update(PushSubscription)
            .where(
                PushSubscription.installation_id == installation_id,
                PushSubscription.connection_id == connection_id,
                PushSubscription.notification_type == ORDER_CHANGE,
            )
            .values(missed=PushSubscription.missed + missed)
        )
    return missed
