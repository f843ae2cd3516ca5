"""Feeds API: documents, feeds, and the processing of JSON_LISTINGS_FEED and the order acknowledgement
(cancellation) feed into processing reports."""

from __future__ import annotations

import gzip
import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from starlette.responses import Response

from saleor_asc_app.amazon.regions import marketplace
from saleor_asc_app.simulator.handlers.listings import (
    UNKNOWN_SKU_CODE,
    AvailabilityChange,
    apply_availability,
    check_patches,
    unknown_sku_message,
)
from saleor_asc_app.simulator.handlers.order_acknowledgement import process_cancellation_feed
from saleor_asc_app.simulator.http import Call, SimError, invalid, json_response
from saleor_asc_app.simulator.state import SimulatorState, StoredDocument
from saleor_asc_app.simulator.submissions import SimFeed
from saleor_asc_app.simulator.wire import iso

DOCUMENT_URL_LIFETIME = timedelta(minutes=5)
# Removed on 2025-07-31: they end FATAL (docs/amazon.md, "Feeds").
RETIRED_FEED_TYPES = frozenset(
    {
        "POST_INVENTORY_AVAILABILITY_DATA",
        "POST_FLAT_FILE_PRICEANDQUANTITYONLY_UPDATE_DATA",
        "POST_PRODUCT_DATA",
        "POST_PRODUCT_PRICING_DATA",
        "POST_FLAT_FILE_INVLOADER_DATA",
        "POST_FLAT_FILE_LISTINGS_DATA",
    }
)
# Current, but not simulated: they end FATAL with no report.
UNSIMULATED_FEED_TYPES = frozenset({"POST_ORDER_FULFILLMENT_DATA", "POST_FLAT_FILE_FULFILLMENT_DATA"})
LISTINGS_FEED = "JSON_LISTINGS_FEED"
# JSON_LISTINGS_FEED has a limit of its own besides createFeed's: five submissions per five minutes per seller and
# region (listings changelog 2025-05-06, developer-docs.amazon.com/sp-api/changelog/
# update-feed-size-and-rate-limit-changes-for-the-json_listings_feed).
LISTINGS_FEED_LIMIT = 5
LISTINGS_FEED_WINDOW = timedelta(minutes=5)
ORDER_ACKNOWLEDGEMENT_FEED = "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA"
SCHEMA_CODE = "100"
_OPERATIONS = ("UPDATE", "PARTIAL_UPDATE", "PATCH", "DELETE")


async def create_feed_document(call: Call) -> Response:
    body = call.body
    if not isinstance(body, dict) or not isinstance(body.get("contentType"), str) or not body["contentType"]:
        raise SimError(400, "InvalidInput", "Invalid input", "contentType is required.")
    document = StoredDocument(
        document_id=str(uuid.uuid4()),
        seller_id=call.seller.seller_id,
        content_type=body["contentType"],
        created=call.now,
    )
    call.state.documents[document.document_id] = document
    return json_response({"feedDocumentId": document.document_id, "url": call.document_url(document.document_id)}, 201)


async def create_feed(call: Call) -> Response:
    body = call.body
    if not isinstance(body, dict):
        raise invalid("Invalid input", "The request body must be a JSON object.")
    feed_type = body.get("feedType")
    marketplace_ids = body.get("marketplaceIds")
    document_id = body.get("inputFeedDocumentId")
    if not isinstance(feed_type, str) or not feed_type:
        raise invalid("Invalid input", "feedType is required.")
    if not isinstance(marketplace_ids, list) or not 1 <= len(marketplace_ids) <= 25:
        raise invalid("Invalid input", "marketplaceIds must list 1 to 25 marketplaces.")
    for marketplace_id in marketplace_ids:
        if marketplace_id not in call.seller.marketplace_ids:
            raise invalid("Invalid input", f"Invalid marketplaceId {marketplace_id}.")
    if feed_type not in RETIRED_FEED_TYPES | UNSIMULATED_FEED_TYPES | {LISTINGS_FEED, ORDER_ACKNOWLEDGEMENT_FEED}:
        raise invalid("Invalid input", f"Unknown feedType {feed_type}.")
    document = call.state.documents.get(str(document_id))
    if document is None or document.seller_id != call.seller.seller_id or document.content is None:
        raise invalid("Invalid input", "inputFeedDocumentId does not name an uploaded feed document.")
    if feed_type == LISTINGS_FEED:
        _check_listings_feed_limit(call, marketplace_ids)
    started = call.now + timedelta(seconds=call.state.feed_processing_seconds / 4)
    feed = SimFeed(
        feed_id=call.state.new_id("5000"),
        seller_id=call.seller.seller_id,
        feed_type=feed_type,
        marketplace_ids=list(marketplace_ids),
        input_document_id=document.document_id,
        created=call.now,
        started=started,
        finishes=call.now + timedelta(seconds=call.state.feed_processing_seconds),
    )
    call.state.feeds[feed.feed_id] = feed
    return json_response({"feedId": feed.feed_id}, 202)


def _check_listings_feed_limit(call: Call, marketplace_ids: list[str]) -> None:
    regions = {marketplace(m).region for m in marketplace_ids}
    if len(regions) != 1:
        # Several marketplaces in one listings submission only within a region (docs: update-price-for-multiple-
        # marketplace, "Multi-marketplace functionality supports only PATCH operations within the same region").
        raise invalid("Invalid input", "The marketplaceIds of a JSON_LISTINGS_FEED must belong to one region.")
    [region] = regions
    since = call.now - LISTINGS_FEED_WINDOW
    recent = [
        f
        for f in call.state.seller_feeds(call.seller)
        if f.feed_type == LISTINGS_FEED and f.created > since and marketplace(f.marketplace_ids[0]).region is region
    ]
    if len(recent) >= LISTINGS_FEED_LIMIT:
        call.state.stats.throttled[LISTINGS_FEED] += 1
        raise SimError(429, "QuotaExceeded", "You exceeded your quota for the requested resource.", "")


async def get_feed(call: Call) -> Response:
    feed = call.state.feeds.get(call.path("feedId"))
    if feed is None or feed.seller_id != call.seller.seller_id:
        raise SimError(404, "NotFound", "The requested feed was not found.")
    advance_feed(call.state, feed, call.now)
    result: dict[str, Any] = {
        "feedId": feed.feed_id,
        "feedType": feed.feed_type,
        "marketplaceIds": feed.marketplace_ids,
        "createdTime": iso(feed.created),
        "processingStatus": feed.status,
    }
    if feed.status != "IN_QUEUE":
        result["processingStartTime"] = iso(feed.started)
    if feed.processed:
        result["processingEndTime"] = iso(feed.finishes)
    if feed.result_document_id:
        result["resultFeedDocumentId"] = feed.result_document_id
    return json_response(result)


async def get_feed_document(call: Call) -> Response:
    document = call.state.documents.get(call.path("feedDocumentId"))
    if document is None or document.seller_id != call.seller.seller_id:
        raise SimError(404, "NotFound", "The requested feed document was not found.")
    result: dict[str, Any] = {"feedDocumentId": document.document_id, "url": call.document_url(document.document_id)}
    if document.compression:
        result["compressionAlgorithm"] = document.compression
    return json_response(result)


def advance_feed(state: SimulatorState, feed: SimFeed, now: datetime) -> None:
    """Bring the feed's status to ``now``: once its processing time is over, process it (once) and notify the
    seller's FEED_PROCESSING_FINISHED subscriptions, whether or not anybody asks ``getFeed``."""
    if feed.processed:
        return
    if now < feed.started:
        feed.status = "IN_QUEUE"
        return
    if now < feed.finishes:
        feed.status = "IN_PROGRESS"
        return
    feed.processed = True
    _process(state, feed, now)
    state.notifications.feed_finished(feed, now)


def _process(state: SimulatorState, feed: SimFeed, now: datetime) -> None:
    if feed.feed_type == ORDER_ACKNOWLEDGEMENT_FEED:
        text_report = process_cancellation_feed(
            state, feed, state.documents[feed.input_document_id].content or b"", now
        )
        _store_report(state, feed, text_report, "text/tab-separated-values; charset=UTF-8", now)
        return
    if feed.feed_type != LISTINGS_FEED:
        feed.status = "FATAL"
        return
    content = state.documents[feed.input_document_id].content or b""
    report = process_listings_feed(state, feed, content, now)
    if report is None:
        feed.status = "FATAL"
        return
    feed.report = report
    _store_report(state, feed, json.dumps(report, ensure_ascii=False).encode(), "application/json; charset=UTF-8", now)


def _store_report(state: SimulatorState, feed: SimFeed, content: bytes, content_type: str, now: datetime) -> None:
    feed.status = "DONE"
    result = StoredDocument(
        document_id=f"amzn1.tortuga.4.sim.{uuid.uuid4()}",
        seller_id=feed.seller_id,
        content_type=content_type,
        created=now,
        content=gzip.compress(content, mtime=0),
        compression="GZIP",
    )
    state.documents[result.document_id] = result
    feed.result_document_id = result.document_id


def process_listings_feed(state: SimulatorState, feed: SimFeed, content: bytes, now: datetime) -> dict[str, Any] | None:
    """The processing report of a JSON_LISTINGS_FEED, or None when the document is unusable (FATAL)."""
    try:
        document = json.loads(content)
    except ValueError:
        return None
    if not isinstance(document, dict) or not isinstance(document.get("messages"), list):
        return None
    header = document.get("header")
    if not isinstance(header, dict) or header.get("sellerId") != feed.seller_id or header.get("version") != "2.0":
        return None
    seller = state.sellers[feed.seller_id]
    issues: list[dict[str, Any]] = []
    accepted = invalid_count = 0
    for position, message in enumerate(document["messages"], start=1):
        message_issues = _message_issues(message, seller.catalog, feed.marketplace_ids)
        message_id = message.get("messageId") if isinstance(message, dict) else None
        sku = message.get("sku") if isinstance(message, dict) else None
        for issue in message_issues:
            issues.append(
                {
                    "messageId": message_id if isinstance(message_id, int) and message_id >= 1 else position,
                    **({"sku": sku} if isinstance(sku, str) and sku else {}),
                    **issue,
                }
            )
        if any(i["severity"] == "ERROR" for i in message_issues):
            invalid_count += 1
            continue
        accepted += 1
        assert isinstance(message, dict)
        _apply(message, seller.catalog, feed, now)
    return {
        "header": {"sellerId": feed.seller_id, "version": "2.0", "feedId": feed.feed_id},
        "issues": issues,
        "summary": {
            "errors": sum(1 for i in issues if i["severity"] == "ERROR"),
            "warnings": sum(1 for i in issues if i["severity"] == "WARNING"),
            "messagesProcessed": len(document["messages"]),
            "messagesAccepted": accepted,
            "messagesInvalid": invalid_count,
        },
    }


def _message_issues(message: Any, catalog: dict[str, Any], marketplace_ids: list[str]) -> list[dict[str, Any]]:
    def schema(text: str) -> list[dict[str, Any]]:
        return [{"code": SCHEMA_CODE, "severity": "ERROR", "message": text}]

    if not isinstance(message, dict):
        return schema("The message is not a JSON object.")
    if not isinstance(message.get("messageId"), int) or message["messageId"] < 1:
        return schema("'messageId' must be a whole number of 1 or more.")
    if not isinstance(message.get("sku"), str) or not message["sku"]:
        return schema("'sku' is required but not supplied.")
    operation = message.get("operationType")
    if operation not in _OPERATIONS:
        return schema("'operationType' must be UPDATE, PARTIAL_UPDATE, PATCH or DELETE.")
    if operation in ("UPDATE", "PARTIAL_UPDATE", "PATCH") and not message.get("productType"):
        return schema(f"'productType' is required for {operation} messages.")
    if operation in ("UPDATE", "PARTIAL_UPDATE") and not isinstance(message.get("attributes"), dict):
        return schema(f"'attributes' is required for {operation} messages.")
    if operation == "PATCH" and "attributes" in message:
        return schema("'attributes' is not allowed in PATCH messages.")
    if operation != "PATCH" and "patches" in message:
        return schema(f"'patches' is not allowed in {operation} messages.")
    product = catalog.get(message["sku"])
    if operation != "UPDATE" and (product is None or not all(product.listed_in(m) for m in marketplace_ids)):
        return [{"code": UNKNOWN_SKU_CODE, "severity": "ERROR", "message": unknown_sku_message(message["sku"])}]
    if operation == "PATCH":
        return check_patches(message.get("patches"))[0]
    if operation in ("UPDATE", "PARTIAL_UPDATE") and "fulfillment_availability" in message["attributes"]:
        patch = {
            "op": "replace",
            "path": "/attributes/fulfillment_availability",
            "value": message["attributes"]["fulfillment_availability"],
        }
        return check_patches([patch])[0]
    return []


def _apply(message: dict[str, Any], catalog: dict[str, Any], feed: SimFeed, now: datetime) -> None:
    product = catalog.get(message["sku"])
    if product is None or message["operationType"] == "DELETE":
        return
    change: AvailabilityChange | None
    if message["operationType"] == "PATCH":
        _, change = check_patches(message["patches"])
    else:  # UPDATE and PARTIAL_UPDATE set the attribute as given (PARTIAL_UPDATE is PATCH with replace)
        values = message["attributes"].get("fulfillment_availability")
        _, change = (
            check_patches([{"op": "replace", "path": "/attributes/fulfillment_availability", "value": values}])
            if values
            else ([], None)
        )
    if change is not None:
        apply_availability(product, feed.marketplace_ids, change, now)
