"""Notifications API v1 (`notifications.json`): destinations and subscriptions, and the notifications Amazon
delivers to an SQS destination (`OrderChangeNotification.json`, `FeedProcessingFinishedNotification.json`,
`ReportProcessingFinishedNotification.json`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from saleor_asc_app.amazon.models.common import ApiModel, Error

NOTIFICATIONS_SCOPE = "sellingpartnerapi::notifications"
ORDER_CHANGE = "ORDER_CHANGE"
FEED_PROCESSING_FINISHED = "FEED_PROCESSING_FINISHED"
REPORT_PROCESSING_FINISHED = "REPORT_PROCESSING_FINISHED"
# The order changes the import acts on (OrderChangeTypeEnum); DeliveryTipChange changes nothing Saleor holds.
ORDER_CHANGE_TYPES = ("OrderStatusChange", "BuyerRequestedChange")


class SqsResource(ApiModel):
    arn: str


class DestinationResource(ApiModel):
    sqs: SqsResource | None = None


class Destination(ApiModel):
    name: str
    destination_id: str
    resource: DestinationResource


class CreateDestinationRequest(ApiModel):
    name: str
    resource_specification: DestinationResource


class CreateDestinationResponse(ApiModel):
    payload: Destination | None = None
    errors: list[Error] | None = None


class GetDestinationsResponse(ApiModel):
    payload: list[Destination] | None = None
    errors: list[Error] | None = None


class EventFilter(ApiModel):
    event_filter_type: str
    order_change_types: list[str] | None = None
    marketplace_ids: list[str] | None = None


class ProcessingDirective(ApiModel):
    event_filter: EventFilter | None = None


class Subscription(ApiModel):
    subscription_id: str
    payload_version: str
    destination_id: str
    processing_directive: ProcessingDirective | None = None


class CreateSubscriptionRequest(ApiModel):
    payload_version: str
    destination_id: str
    processing_directive: ProcessingDirective | None = None


class SubscriptionResponse(ApiModel):
    """``createSubscription`` and ``getSubscription`` answer the same shape."""

    payload: Subscription | None = None
    errors: list[Error] | None = None


# --- what arrives on the queue (PascalCase, as the notification schemas spell it) ---------------------------


class _Pascal(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class NotificationMetadataBlock(_Pascal):
    ApplicationId: str | None = None
    SubscriptionId: str | None = None
    PublishTime: datetime | None = None
    NotificationId: str


class OrderChangeTriggerBlock(_Pascal):
    TimeOfOrderChange: datetime | None = None
    ChangeReason: str | None = None


class OrderChangeSummary(_Pascal):
    MarketplaceId: str | None = None
    OrderStatus: str | None = None


class OrderChange(_Pascal):
    SellerId: str
    AmazonOrderId: str
    OrderChangeType: str | None = None
    OrderChangeTrigger: OrderChangeTriggerBlock | None = None
    Summary: OrderChangeSummary | None = None


class OrderChangePayload(_Pascal):
    OrderChangeNotification: OrderChange


class Notification(_Pascal):
    """The envelope every notification shares (the schemas' required top-level fields)."""

    NotificationVersion: str
    NotificationType: str
    PayloadVersion: str
    EventTime: datetime
    Payload: dict[str, Any]
    NotificationMetadata: NotificationMetadataBlock


class OrderChangeNotification(Notification):
    NotificationType: Literal["ORDER_CHANGE"]

    @property
    def change(self) -> OrderChange:
        return OrderChangePayload.model_validate(self.Payload).OrderChangeNotification


# --- FEED_PROCESSING_FINISHED / REPORT_PROCESSING_FINISHED payloads (camelCase, as their schemas spell them) ---


class FeedProcessingFinished(ApiModel):
    """``payload.feedProcessingFinishedNotification`` (``FeedProcessingFinishedNotification.json``); ``sellerId`` is
    absent for vendor groups."""

    seller_id: str | None = None
    account_id: str
    feed_id: str
    feed_type: str
    processing_status: Literal["CANCELLED", "DONE", "FATAL"]
    result_feed_document_id: str | None = None


class FeedProcessingFinishedPayload(ApiModel):
    feed_processing_finished_notification: FeedProcessingFinished


class FeedProcessingFinishedNotification(Notification):
    NotificationType: Literal["FEED_PROCESSING_FINISHED"]

    @property
    def finished(self) -> FeedProcessingFinished:
        return FeedProcessingFinishedPayload.model_validate(self.Payload).feed_processing_finished_notification


class ReportProcessingFinished(ApiModel):
    """``payload.reportProcessingFinishedNotification`` (``ReportProcessingFinishedNotification.json``)."""

    seller_id: str | None = None
    account_id: str
    report_id: str
    report_type: str
    processing_status: Literal["CANCELLED", "DONE", "FATAL"]
    report_document_id: str | None = None


class ReportProcessingFinishedPayload(ApiModel):
    report_processing_finished_notification: ReportProcessingFinished


class ReportProcessingFinishedNotification(Notification):
    NotificationType: Literal["REPORT_PROCESSING_FINISHED"]

    @property
    def finished(self) -> ReportProcessingFinished:
        return ReportProcessingFinishedPayload.model_validate(self.Payload).report_processing_finished_notification
