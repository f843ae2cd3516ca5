"""Reports API with the order-tracking flat files (tab-separated, GZIP)."""

from __future__ import annotations

import gzip
import re
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from starlette.responses import Response

from saleor_asc_app.amazon.models.orders import FulfillmentStatus
from saleor_asc_app.amazon.models.reports import (
    ORDER_TRACKING_COLUMNS,
    ORDER_TRACKING_REPORTS,
    ORDERS_BY_LAST_UPDATE_REPORT,
)
from saleor_asc_app.amazon.regions import marketplace
from saleor_asc_app.simulator.http import Call, SimError, invalid, json_response
from saleor_asc_app.simulator.orders import SimOrder
from saleor_asc_app.simulator.state import SimulatorState, StoredDocument
from saleor_asc_app.simulator.submissions import SimReport
from saleor_asc_app.simulator.wire import iso, parse_iso

MAX_ORDER_REPORT_RANGE = timedelta(days=30)
_REPORT_TYPE = re.compile(r"^GET_[A-Z0-9_]+$")
_ORDER_STATUS = {
    FulfillmentStatus.PENDING_AVAILABILITY: "Pending",
    FulfillmentStatus.PENDING: "Pending",
    FulfillmentStatus.UNSHIPPED: "Unshipped",
    FulfillmentStatus.PARTIALLY_SHIPPED: "Shipping",
    FulfillmentStatus.SHIPPED: "Shipped",
    FulfillmentStatus.CANCELLED: "Cancelled",
    FulfillmentStatus.UNFULFILLABLE: "Cancelled",
}


async def create_report(call: Call) -> Response:
    body = call.body
    if not isinstance(body, dict):
        raise invalid("Invalid input", "The request body must be a JSON object.")
    report_type = body.get("reportType")
    marketplace_ids = body.get("marketplaceIds")
    if not isinstance(report_type, str) or not _REPORT_TYPE.match(report_type):
        raise SimError(400, "400", "Invalid input", "Invalid input")
    if not isinstance(marketplace_ids, list) or not 1 <= len(marketplace_ids) <= 25:
        raise invalid("Invalid input", "marketplaceIds must list 1 to 25 marketplaces.")
    for marketplace_id in marketplace_ids:
        if marketplace_id not in call.seller.marketplace_ids:
            raise invalid("Invalid input", f"Invalid marketplaceId {marketplace_id}.")
    try:
        start = parse_iso(body["dataStartTime"]) if body.get("dataStartTime") else None
        end = parse_iso(body["dataEndTime"]) if body.get("dataEndTime") else None
    except (ValueError, TypeError):
        raise invalid("Invalid input", "dataStartTime and dataEndTime must be ISO 8601 date-times.") from None
    if report_type in ORDER_TRACKING_REPORTS:
        end = min(end or call.now, call.now)
        start = start or end - MAX_ORDER_REPORT_RANGE
        if end - start > MAX_ORDER_REPORT_RANGE or start > end:
            raise invalid("Date range exceeded. Report can be requested only upto 30 days")
    seconds = call.state.report_processing_seconds
    report = SimReport(
        report_id=call.state.new_id("9000"),
        seller_id=call.seller.seller_id,
        report_type=report_type,
        marketplace_ids=list(marketplace_ids),
        data_start=start,
        data_end=end,
        created=call.now,
        started=call.now + timedelta(seconds=seconds / 4),
        finishes=call.now + timedelta(seconds=seconds),
    )
    call.state.reports[report.report_id] = report
    return json_response({"reportId": report.report_id}, 202)


async def get_report(call: Call) -> Response:
    report = call.state.reports.get(call.path("reportId"))
    if report is None or report.seller_id != call.seller.seller_id:
        raise SimError(404, "NotFound", "The requested report was not found.")
    advance_report(call.state, report, call.now)
    result: dict[str, Any] = {
        "marketplaceIds": report.marketplace_ids,
        "reportId": report.report_id,
        "reportType": report.report_type,
    }
    if report.data_start:
        result["dataStartTime"] = iso(report.data_start)
    if report.data_end:
        result["dataEndTime"] = iso(report.data_end)
    result["createdTime"] = iso(report.created)
    result["processingStatus"] = report.status
    if report.status != "IN_QUEUE":
        result["processingStartTime"] = iso(report.started)
    if report.processed:
        result["processingEndTime"] = iso(report.finishes)
    if report.document_id:
        result["reportDocumentId"] = report.document_id
    return json_response(result)


async def get_report_document(call: Call) -> Response:
    document = call.state.documents.get(call.path("reportDocumentId"))
    if document is None or document.seller_id != call.seller.seller_id:
        raise SimError(404, "NotFound", "The requested report document was not found.")
    result: dict[str, Any] = {"reportDocumentId": document.document_id, "url": call.document_url(document.document_id)}
    if document.compression:
        result["compressionAlgorithm"] = document.compression
    return json_response(result)


def advance_report(state: SimulatorState, report: SimReport, now: datetime) -> None:
    """Bring the report's status to ``now``: once its processing time is over, make its document (once) and notify
    the seller's REPORT_PROCESSING_FINISHED subscriptions, whether or not anybody asks ``getReport``."""
    if report.processed:
        return
    if now < report.started:
        report.status = "IN_QUEUE"
        return
    if now < report.finishes:
        report.status = "IN_PROGRESS"
        return
    report.processed = True
    _process(state, report, now)
    state.notifications.report_finished(report, now)


def _process(state: SimulatorState, report: SimReport, now: datetime) -> None:
    if report.report_type not in ORDER_TRACKING_REPORTS:
        report.status = "FATAL"
        return
    seller = state.sellers[report.seller_id]
    text = order_tracking_tsv(seller.orders.values(), report, report.finishes)
    if text.count("\n") <= 1:
        report.status = "CANCELLED"  # Amazon's way of saying "no data"
        return
    document = StoredDocument(
        document_id=f"amzn1.spdoc.1.4.sim.{uuid.uuid4()}",
        seller_id=report.seller_id,
        content_type="text/tab-separated-values; charset=UTF-8",
        created=now,
        content=gzip.compress(text.encode(), mtime=0),
        compression="GZIP",
    )
    state.documents[document.document_id] = document
    report.document_id = document.document_id
    report.status = "DONE"


def _amount(item: dict[str, Any], kind: str, subtype: str | None = None) -> Decimal | None:
    for breakdown in item.get("proceeds", {}).get("breakdowns", []):
        if breakdown["type"] != kind:
            continue
        if subtype is None:
            return Decimal(breakdown["subtotal"]["amount"])
        for detail in breakdown.get("detailedBreakdowns", []):
            if detail.get("subtype") == subtype:
                return Decimal(detail["value"]["amount"])
    return None


def _cell(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def order_tracking_tsv(orders: Any, report: SimReport, at: Any) -> str:
    by_update = report.report_type == ORDERS_BY_LAST_UPDATE_REPORT
    lines = ["\t".join(ORDER_TRACKING_COLUMNS)]
    start, end = report.data_start, report.data_end
    selected: list[SimOrder] = []
    for order in orders:
        if order.marketplace_id not in report.marketplace_ids:
            continue
        moment = order.last_updated(at) if by_update else order.created
        if (start is None or moment >= start) and (end is None or moment <= end):
            selected.append(order)
    selected.sort(key=lambda o: (o.last_updated(at) if by_update else o.created, o.order_id))
    for order in selected:
        status = order.status(at)
        market = marketplace(order.marketplace_id)
        address = order.body.get("recipient", {}).get("deliveryAddress", {})
        shipped = order.shipped(at)
        pending = status in (FulfillmentStatus.PENDING, FulfillmentStatus.PENDING_AVAILABILITY)
        for item in order.body["orderItems"]:
            product = item["product"]
            quantity = item["quantityOrdered"]
            if status is FulfillmentStatus.CANCELLED:
                item_status = "Cancelled"
            else:
                item_status = "Shipped" if shipped.get(item["orderItemId"], 0) >= quantity else "Unshipped"
            aliases = order.body.get("orderAliases", [])
            promotions = [p["promotionId"] for p in item.get("promotion", {}).get("breakdowns", [])]
            row = {
                "amazon-order-id": order.order_id,
                "merchant-order-id": aliases[0]["aliasId"] if aliases else "",
                "purchase-date": order.created.isoformat(),
                "last-updated-date": order.last_updated(at).isoformat(),
                "order-status": _ORDER_STATUS[status],
                "fulfillment-channel": "Amazon" if order.fulfilled_by == "AMAZON" else "Merchant",
                "sales-channel": market.name,
                "order-channel": "",
                "ship-service-level": order.body.get("fulfillment", {}).get("fulfillmentServiceLevel", ""),
                "product-name": str(product.get("title", "")).replace("\t", " "),
                "sku": product.get("sellerSku", ""),
                "asin": product.get("asin", ""),
                "item-status": item_status,
                "quantity": str(quantity),
                "currency": "" if pending else market.currency,
                "item-price": "" if pending else _cell(_amount(item, "ITEM")),
                "item-tax": "" if pending else _cell(_amount(item, "TAX", "ITEM")),
                "shipping-price": "" if pending else _cell(_amount(item, "SHIPPING")),
                "shipping-tax": "" if pending else _cell(_amount(item, "TAX", "SHIPPING")),
                "gift-wrap-price": "" if pending else _cell(_amount(item, "GIFT_WRAP")),
                "gift-wrap-tax": "" if pending else _cell(_amount(item, "TAX", "GIFT_WRAP")),
                "item-promotion-discount": "" if pending else _cell(_amount(item, "DISCOUNT", "ITEM")),
                "ship-promotion-discount": "" if pending else _cell(_amount(item, "DISCOUNT", "SHIPPING")),
                "ship-city": address.get("city", ""),
                "ship-state": address.get("stateOrRegion", ""),
                "ship-postal-code": address.get("postalCode", ""),
                "ship-country": address.get("countryCode", ""),
                "promotion-ids": ",".join(promotions),
                "is-business-order": "true" if "AMAZON_BUSINESS" in order.body.get("programs", []) else "false",
                "purchase-order-number": "",
                "price-designation": product.get("price", {}).get("priceDesignation", ""),
            }
            lines.append("\t".join(row[column] for column in ORDER_TRACKING_COLUMNS))
    return "\n".join(lines) + "\n"
