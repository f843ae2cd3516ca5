"""The simulator's Notifications API state and the notifications it delivers to SQS destinations.

Destinations and subscriptions behave as ``notifications.json`` describes them: one destination per queue ARN per
application, one subscription per seller, notification type and payload version (a second ``createSubscription``
is refused with 409 Conflict, as Amazon does). When an order of a subscribed seller is created or changes status
(explicitly or as its timeline passes), an ``ORDER_CHANGE`` notification shaped by ``OrderChangeNotification.json``
is queued for the subscription's destination (``OrderStatusChange``; ``BuyerRequestedChange`` with the items marked
``IsBuyerRequestedCancel`` when the buyer asks to cancel, as Amazon's example of that type shows); feeds and reports
that finish send ``FEED_PROCESSING_FINISHED`` / ``REPORT_PROCESSING_FINISHED``. Delivery to the queue (an
SQS-compatible server, over HTTP with aiobotocore) can be delayed, duplicated and reordered (``DeliveryOptions``), as
SQS standard queues and Amazon's at-least-once delivery allow. Like Amazon, the simulator does not retry a
notification the queue refused.
"""

from __future__ import annotations

import asyncio
import functools
import json
import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from saleor_asc_app.amazon.models.orders import FulfillmentStatus
from saleor_asc_app.simulator.submissions import SimFeed, SimReport
from saleor_asc_app.simulator.wire import iso

if TYPE_CHECKING:
    from saleor_asc_app.simulator.orders import SimOrder

ORDER_CHANGE = "ORDER_CHANGE"
BUYER_REQUESTED_CHANGE = "BuyerRequestedChange"
BUYER_REQUESTED_CANCEL = "Buyer Requested Cancel"  # ChangeReason in Amazon's example of this change type
FEED_PROCESSING_FINISHED = "FEED_PROCESSING_FINISHED"
REPORT_PROCESSING_FINISHED = "REPORT_PROCESSING_FINISHED"

# FulfillmentStatus (Orders v2026-01-01) → the notification's OrderStatus enum.
_ORDER_STATUS = {
    FulfillmentStatus.PENDING: "Pending",
    FulfillmentStatus.PENDING_AVAILABILITY: "PendingAvailability",
    FulfillmentStatus.UNSHIPPED: "Unshipped",
    FulfillmentStatus.PARTIALLY_SHIPPED: "PartiallyShipped",
    FulfillmentStatus.SHIPPED: "Shipped",
    FulfillmentStatus.CANCELLED: "Canceled",
    FulfillmentStatus.UNFULFILLABLE: "Unfulfillable",
}


@dataclass
class SimDestination:
    destination_id: str
    name: str
    arn: str

    def wire(self) -> dict[str, Any]:
        return {"name": self.name, "destinationId": self.destination_id, "resource": {"sqs": {"arn": self.arn}}}


@dataclass
class SimSubscription:
    subscription_id: str
    seller_id: str
    notification_type: str
    payload_version: str
    destination_id: str
    processing_directive: dict[str, Any] | None = None

    def wire(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "subscriptionId": self.subscription_id,
            "payloadVersion": self.payload_version,
            "destinationId": self.destination_id,
        }
        if self.processing_directive is not None:
            out["processingDirective"] = self.processing_directive

        return out

    def wants_order_change(self, change_type: str, marketplace_id: str) -> bool:
        event_filter = (self.processing_directive or {}).get("eventFilter") or {}
        types = event_filter.get("orderChangeTypes")
        markets = event_filter.get("marketplaceIds")
        return (not types or change_type in types) and (not markets or marketplace_id in markets)


@dataclass
class DeliveryOptions:
    """How the simulated Amazon → SQS hop misbehaves (all off by default)."""

    delay_seconds: float = 0.0  # each notification waits this long (simulator clock) before it is sent
    jitter_seconds: float = 0.0  # plus up to this much more, at random: later changes may overtake earlier ones
    duplicate_share: float = 0.0  # this share of notifications is sent twice (same NotificationId)
    reorder: bool = False  # each batch of due notifications is sent in a shuffled order
    seed: int = 0


@dataclass
class Pending:
    due: datetime
    arn: str
    body: str


@dataclass
class NotificationCenter:
    application_id: str
    destinations: dict[str, SimDestination] = field(default_factory=dict)
    subscriptions: dict[str, SimSubscription] = field(default_factory=dict)
    options: DeliveryOptions = field(default_factory=DeliveryOptions)
    sqs_endpoint_url: str | None = None  # the SQS-compatible server; None: AWS as configured in the environment
    pending: list[Pending] = field(default_factory=list)
    sent: int = 0
    failed: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    _order_status: dict[str, str] = field(default_factory=dict)  # order id → status last notified
    _buyer_requests: set[str] = field(default_factory=set)  # order ids whose buyer cancellation request was notified
    _rng: random.Random = field(default_factory=random.Random)

    def configure(self, options: DeliveryOptions) -> None:
        self.options = options
        self._rng = random.Random(options.seed)

    # --- the API's state --------------------------------------------------------------------------

    def create_destination(self, name: str, arn: str) -> SimDestination | None:
        """None when a destination for this ARN exists (Amazon answers 409)."""
        if any(d.arn == arn for d in self.destinations.values()):
            return None
        destination = SimDestination(str(uuid.uuid4()), name, arn)
        self.destinations[destination.destination_id] = destination
        return destination

    def subscription(self, seller_id: str, notification_type: str) -> SimSubscription | None:
        return next(
            (
                s
                for s in self.subscriptions.values()
                if s.seller_id == seller_id and s.notification_type == notification_type
            ),
            None,
        )

    def subscribe(
        self,
        seller_id: str,
        notification_type: str,
        payload_version: str,
        destination_id: str,
        directive: dict[str, Any] | None,
    ) -> SimSubscription:
        subscription = SimSubscription(
            str(uuid.uuid4()), seller_id, notification_type, payload_version, destination_id, directive
        )
        self.subscriptions[subscription.subscription_id] = subscription
        return subscription

    def baseline(self, orders: Iterable[SimOrder], now: datetime) -> None:
        """A new subscription hears of changes from now on, not of every order that already exists."""
        for order in orders:
            if order.created <= now:
                self._order_status[order.order_id] = _ORDER_STATUS[order.status(now)]
                if order.open_buyer_request(now):
                    self._buyer_requests.add(order.order_id)

    def drop_seller(self, seller_id: str) -> None:
        for subscription_id in [k for k, v in self.subscriptions.items() if v.seller_id == seller_id]:
            del self.subscriptions[subscription_id]

    # --- what gets sent ---------------------------------------------------------------------------

    def observe_orders(self, orders: Iterable[SimOrder], now: datetime) -> int:
        """Queue an ORDER_CHANGE for every order of a subscribed seller that exists and whose status differs from
        the one last notified (a new order counts as a change). Returns how many were queued."""
        queued = 0
        for order in orders:
            if order.created > now:
                continue
            subscription = self.subscription(order.seller_id, ORDER_CHANGE)
            if subscription is None:
                continue
            status = _ORDER_STATUS[order.status(now)]
            if order.open_buyer_request(now) and order.order_id not in self._buyer_requests:
                self._buyer_requests.add(order.order_id)
                if subscription.wants_order_change(BUYER_REQUESTED_CHANGE, order.marketplace_id):
                    body = self._order_change(subscription, order, status, BUYER_REQUESTED_CHANGE, now)
                    self._queue(subscription, now, body)
                    queued += 1
            if self._order_status.get(order.order_id) == status:
                continue
            self._order_status[order.order_id] = status
            change_type = "OrderStatusChange"
            if not subscription.wants_order_change(change_type, order.marketplace_id):
                continue
            self._queue(subscription, now, self._order_change(subscription, order, status, change_type, now))
            queued += 1
        return queued

    def feed_finished(self, feed: SimFeed, now: datetime) -> int:
        """FEED_PROCESSING_FINISHED (``FeedProcessingFinishedNotification.json``) to each subscription of the
        feed's seller; returns how many were queued."""
        detail: dict[str, Any] = {
            "sellerId": feed.seller_id,
            "accountId": f"amzn1.merchant.o.{feed.seller_id}",
            "feedId": feed.feed_id,
            "feedType": feed.feed_type,
            "processingStatus": feed.status,
        }
        if feed.result_document_id:
            detail["resultFeedDocumentId"] = feed.result_document_id
        payload = {"feedProcessingFinishedNotification": detail}
        return self._processing_finished(feed.seller_id, FEED_PROCESSING_FINISHED, payload, now)

    def report_finished(self, report: SimReport, now: datetime) -> int:
        """REPORT_PROCESSING_FINISHED (``ReportProcessingFinishedNotification.json``) to each subscription of the
        report's seller; returns how many were queued."""
        detail: dict[str, Any] = {
            "sellerId": report.seller_id,
            "accountId": f"amzn1.merchant.o.{report.seller_id}",
            "reportId": report.report_id,
            "reportType": report.report_type,
            "processingStatus": report.status,
        }
        if report.document_id:
            detail["reportDocumentId"] = report.document_id
        payload = {"reportProcessingFinishedNotification": detail}
        return self._processing_finished(report.seller_id, REPORT_PROCESSING_FINISHED, payload, now)

    def _processing_finished(
        self, seller_id: str, notification_type: str, payload: dict[str, Any], now: datetime
    ) -> int:
        queued = 0
        for subscription in list(self.subscriptions.values()):
            if subscription.seller_id != seller_id or subscription.notification_type != notification_type:
                continue
            # These two schemas spell the envelope in camelCase (unlike ORDER_CHANGE's PascalCase).
            message = {
                "notificationVersion": "2020-09-04",
                "notificationType": notification_type,
                "payloadVersion": subscription.payload_version,
                "eventTime": iso(now),
                "payload": payload,
                "notificationMetadata": {
                    "applicationId": self.application_id,
                    "subscriptionId": subscription.subscription_id,
                    "publishTime": iso(now),
                    "notificationId": str(uuid.uuid4()),
                },
            }
            self._queue(subscription, now, message)
            queued += 1
        return queued

    def _order_change(
        self, subscription: SimSubscription, order: SimOrder, status: str, change_type: str, now: datetime
    ) -> dict[str, Any]:
        shipped = order.shipped(now)
        buyer_request = change_type == BUYER_REQUESTED_CHANGE
        items = [
            {
                "OrderItemId": item["orderItemId"],
                "SellerSKU": item.get("product", {}).get("sellerSku", ""),
                "SupplySourceId": "",
                "Quantity": order.quantities.get(item["orderItemId"], 0),
                "QuantityShipped": shipped.get(item["orderItemId"], 0),
                **({"IsBuyerRequestedCancel": True} if buyer_request else {}),
            }
            for item in order.body.get("orderItems", [])
        ]
        postal = (order.body.get("recipient") or {}).get("deliveryAddress", {}).get("postalCode", "")
        summary = {
            "MarketplaceId": order.marketplace_id,
            "OrderStatus": status,
            "PurchaseDate": iso(order.created),
            "DestinationPostalCode": postal,
            "FulfillmentType": "AFN" if order.fulfilled_by == "AMAZON" else "MFN",
            "OrderType": "StandardOrder",
            "NumberOfItemsShipped": sum(shipped.values()),
            "NumberOfItemsUnshipped": sum(order.remaining(now).values()),
            "OrderItems": items,
        }
        payload = {
            "OrderChangeNotification": {
                "NotificationLevel": "OrderLevel",
                "SellerId": order.seller_id,
                "AmazonOrderId": order.order_id,
                "OrderChangeType": change_type,
                "OrderChangeTrigger": {
                    "TimeOfOrderChange": iso(order.last_updated(now)),
                    "ChangeReason": BUYER_REQUESTED_CANCEL if buyer_request else status,
                },
                "Summary": summary,
            }
        }
        return self._envelope(subscription, ORDER_CHANGE, payload, now)

    def _envelope(
        self, subscription: SimSubscription, notification_type: str, payload: dict[str, Any], now: datetime
    ) -> dict[str, Any]:
        return {
            "NotificationVersion": "1.0",
            "NotificationType": notification_type,
            "PayloadVersion": subscription.payload_version,
            "EventTime": iso(now),
            "Payload": payload,
            "NotificationMetadata": {
                "ApplicationId": self.application_id,
                "SubscriptionId": subscription.subscription_id,
                "PublishTime": iso(now),
                "NotificationId": str(uuid.uuid4()),
            },
        }

    def _queue(self, subscription: SimSubscription, now: datetime, message: dict[str, Any]) -> None:
        destination = self.destinations.get(subscription.destination_id)
        if destination is None:
            return
        options = self.options
        body = json.dumps(message, separators=(",", ":"))
        copies = 2 if options.duplicate_share and self._rng.random() < options.duplicate_share else 1
        for _ in range(copies):
            delay = options.delay_seconds + self._rng.random() * options.jitter_seconds
            self.pending.append(Pending(now + timedelta(seconds=delay), destination.arn, body))
        kind = message.get("NotificationType") or message["notificationType"]
        self.by_type[kind] = self.by_type.get(kind, 0) + copies

    def take_due(self, now: datetime) -> list[Pending]:
        due = [p for p in self.pending if p.due <= now]
        if not due:
            return []
        self.pending = [p for p in self.pending if p.due > now]
        due.sort(key=lambda p: p.due)
        if self.options.reorder:
            self._rng.shuffle(due)
        return due


def _config() -> Any:
    from aiobotocore.config import AioConfig

    return AioConfig(connect_timeout=2, read_timeout=10, retries={"max_attempts": 1, "mode": "standard"})


@functools.cache
def _session() -> Any:
    """One aiobotocore session per process: it caches the service models, so a client per delivery is cheap."""
    from aiobotocore.session import get_session

    return get_session()


async def deliver(center: NotificationCenter, due: list[Pending]) -> int:
    """Send due notifications to their SQS queues (the queue URL is looked up from the ARN's account and name)."""
    if not due:
        return 0
    session = _session()
    sent = 0
    by_region: dict[str, list[Pending]] = {}
    for item in due:
        by_region.setdefault(item.arn.split(":")[3], []).append(item)
    for region, items in by_region.items():
        async with session.create_client(
            "sqs", region_name=region, endpoint_url=center.sqs_endpoint_url, config=_config()
        ) as sqs:
            urls: dict[str, str] = {}
            for item in items:
                _, _, _, _, account, name = item.arn.split(":", 5)
                try:
                    if item.arn not in urls:
                        answer = await sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)
                        urls[item.arn] = answer["QueueUrl"]
                    await sqs.send_message(QueueUrl=urls[item.arn], MessageBody=item.body)
                except Exception:  # the queue is gone or unreachable: Amazon drops the notification too
                    center.failed += 1
                    continue
                sent += 1
    center.sent += sent
    return sent


async def run_delivery(
    center: NotificationCenter,
    state: Any,
    *,
    interval: float = 0.25,
    before: Callable[[datetime], object] | None = None,
) -> None:
    """Every ``interval`` real seconds until cancelled: ``before`` (the simulator finishing due feeds and reports),
    then watch the simulator's orders and deliver what is due."""
    while True:
        now = state.now()
        if before is not None:
            before(now)
        center.observe_orders((o for seller in state.sellers.values() for o in seller.orders.values()), now)
        await deliver(center, center.take_due(now))
        await asyncio.sleep(interval)
