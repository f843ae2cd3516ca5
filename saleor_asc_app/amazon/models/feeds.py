"""Feeds API 2021-06-30 (`feeds_2021-06-30.json`) and the JSON_LISTINGS_FEED documents
(`listings-feed-schema-v2.json`, `listings-feed-processing-report-schema-v2.json`)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from saleor_asc_app.amazon.models.common import ApiModel

JSON_LISTINGS_FEED = "JSON_LISTINGS_FEED"
JSON_CONTENT_TYPE = "application/json; charset=UTF-8"


class ProcessingStatus(StrEnum):
    CANCELLED = "CANCELLED"
    DONE = "DONE"
    FATAL = "FATAL"
    IN_PROGRESS = "IN_PROGRESS"
    IN_QUEUE = "IN_QUEUE"

    @property
    def is_final(self) -> bool:
        return self in (ProcessingStatus.CANCELLED, ProcessingStatus.DONE, ProcessingStatus.FATAL)


class CreateFeedDocumentSpecification(ApiModel):
    content_type: str


class CreateFeedDocumentResponse(ApiModel):
    feed_document_id: str
    url: str


class CreateFeedSpecification(ApiModel):
    feed_type: str
    marketplace_ids: list[str]
    input_feed_document_id: str
    feed_options: dict[str, str] | None = None


class CreateFeedResponse(ApiModel):
    feed_id: str


class Feed(ApiModel):
    feed_id: str
    feed_type: str
    marketplace_ids: list[str] | None = None
    created_time: datetime
    processing_status: ProcessingStatus
    processing_start_time: datetime | None = None
    processing_end_time: datetime | None = None
    result_feed_document_id: str | None = None


class FeedDocument(ApiModel):
    feed_document_id: str
    url: str
    compression_algorithm: Literal["GZIP"] | None = None


# --- JSON_LISTINGS_FEED ------------------------------------------------------------------------


class PatchOperation(ApiModel):
    op: Literal["add", "replace", "merge", "delete"]
    path: str
    value: list[dict[str, Any]] | None = None


class ListingsFeedReportOptions(ApiModel):
    included_data: list[str]
    api_version: Literal["2021-08-01"] = "2021-08-01"


class ListingsFeedHeader(ApiModel):
    seller_id: str
    version: Literal["2.0"] = "2.0"
    issue_locale: str | None = None
    report: ListingsFeedReportOptions | None = None


class ListingsFeedMessage(ApiModel):
    message_id: int
    sku: str
    operation_type: Literal["UPDATE", "PARTIAL_UPDATE", "PATCH", "DELETE"]
    product_type: str | None = None
    requirements: Literal["LISTING", "LISTING_PRODUCT_ONLY", "LISTING_OFFER_ONLY"] | None = None
    attributes: dict[str, Any] | None = None
    patches: list[PatchOperation] | None = None


class ListingsFeed(ApiModel):
    header: ListingsFeedHeader
    messages: list[ListingsFeedMessage]


class ProcessingReportIssue(ApiModel):
    message_id: int | None = None
    sku: str | None = None
    code: str | None = None
    severity: Literal["ERROR", "WARNING", "INFO"]
    message: str
    attribute_name: str | None = None


class ProcessingReportItemSummary(ApiModel):
    items: int
    errors: int
    warnings: int


class ProcessingReportSummary(ApiModel):
    errors: int
    warnings: int
    messages_processed: int
    messages_accepted: int
    messages_invalid: int
    item_summary: ProcessingReportItemSummary | None = None


class ProcessingReportHeader(ApiModel):
    seller_id: str
    version: Literal["2.0"] = "2.0"
    feed_id: str
    report: ListingsFeedReportOptions | None = None


class ListingsFeedProcessingReport(ApiModel):
    header: ProcessingReportHeader
    issues: list[ProcessingReportIssue]
    summary: ProcessingReportSummary
    items: list[dict[str, Any]] | None = None

    def errors_by_message(self) -> dict[int, list[ProcessingReportIssue]]:
        found: dict[int, list[ProcessingReportIssue]] = {}
        for issue in self.issues:
            if issue.severity == "ERROR" and issue.message_id is not None:
                found.setdefault(issue.message_id, []).append(issue)
        return found
