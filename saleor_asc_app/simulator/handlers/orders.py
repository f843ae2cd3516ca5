"""Orders v2026-01-01 searchOrders / getOrder and Orders v0 confirmShipment."""

from __future__ import annotations

import base64
import bisect
import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from starlette.responses import Response

from saleor_asc_app.amazon.models.orders import FulfillmentStatus, IncludedData
from saleor_asc_app.simulator.disclosure import Disclosure
from saleor_asc_app.simulator.http import Call, SimError, invalid, json_response
from saleor_asc_app.simulator.orders import Shipment, SimOrder
from saleor_asc_app.simulator.state import ShipmentConfirmation
from saleor_asc_app.simulator.wire import iso, parse_iso

WINDOW_END_LAG = timedelta(minutes=2)
TOKEN_LIFETIME = timedelta(hours=24)
_STATUSES = tuple(s.value for s in FulfillmentStatus)
_DATASETS = tuple(d.value for d in IncludedData)


def _iso_or_none(moment: datetime | None) -> str | None:
    return iso(moment) if moment is not None else None


def _encode_token(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_token(token: str) -> dict[str, Any]:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(data, dict):
            raise ValueError
        return data
    except ValueError:
        raise invalid("Invalid paginationToken.") from None


async def search_orders(call: Call) -> Response:
    q, now = call.query, call.now
    created_after = q.datetime("createdAfter")
    created_before = q.datetime("createdBefore")
    updated_after = q.datetime("lastUpdatedAfter")
    updated_before = q.datetime("lastUpdatedBefore")
    if (created_after is None) == (updated_after is None):
        raise invalid("Exactly one of createdAfter and lastUpdatedAfter must be provided.")
    if created_after is not None and (updated_before is not None):
        raise invalid("lastUpdatedBefore cannot be combined with createdAfter.")
    if updated_after is not None and created_before is not None:
        raise invalid("createdBefore cannot be combined with lastUpdatedAfter.")
    latest_end = now - WINDOW_END_LAG
    for name, after, before in (
        ("createdBefore", created_after, created_before),
        ("lastUpdatedBefore", updated_after, updated_before),
    ):
        if before is not None and before > latest_end:
            raise invalid(f"{name} must be at least two minutes before the time of the request.")
        if before is not None and after is not None and before < after:
            raise invalid(f"{name} must be equal to or after the start of the window.")
    statuses = q.array("fulfillmentStatuses", enum=_STATUSES)
    marketplace_ids = q.array("marketplaceIds", max_items=50)
    for marketplace_id in marketplace_ids:
        if marketplace_id not in call.seller.marketplace_ids:
            raise invalid(f"Invalid marketplaceId {marketplace_id}: the seller does not sell there.")
    fulfilled_by = q.array("fulfilledBy", enum=("MERCHANT", "AMAZON"))
    page_size = q.integer("maxResultsPerPage", minimum=1, maximum=100) or 100
    included = set(q.array("includedData", enum=_DATASETS))
    by_created = created_after is not None
    start = created_after if by_created else updated_after
    assert start is not None
    fingerprint = hashlib.sha256(
        json.dumps(
            [
                by_created,
                iso(start),
                _iso_or_none(created_before or updated_before),
                sorted(statuses),
                sorted(marketplace_ids),
                sorted(fulfilled_by),
            ]
        ).encode()
    ).hexdigest()[:16]

    token = q.string("paginationToken")
    after_key: tuple[str, str] | None = None
    if token:
        data = _decode_token(token)
        if data.get("fp") != fingerprint:
            raise invalid("paginationToken does not match the other parameters of the request.")
        if parse_iso(data["issued"]) + TOKEN_LIFETIME < now:
            raise invalid("The paginationToken has expired.")
        end = parse_iso(data["end"])
        after_key = (data["key"][0], data["key"][1])
    else:
        end = (created_before if by_created else updated_before) or latest_end

    seller = call.seller

    def wanted(order: SimOrder) -> bool:
        if marketplace_ids and order.marketplace_id not in marketplace_ids:
            return False
        if fulfilled_by and order.fulfilled_by not in fulfilled_by:
            return False
        return not statuses or order.status(now).value in statuses

    page: list[SimOrder] = []
    more = False
    if by_created:
        index = bisect.bisect_left(seller.by_created, (start, ""))
        if after_key is not None:
            index = max(index, bisect.bisect_right(seller.by_created, (parse_iso(after_key[0]), after_key[1])))
        while index < len(seller.by_created):
            created, order_id = seller.by_created[index]
            index += 1
            if created > end:
                break
            order = seller.orders[order_id]
            if not wanted(order):
                continue
            if len(page) == page_size:
                more = True
                break
            page.append(order)
    else:
        keyed = sorted(
            (order.last_updated(now), order.order_id, order)
            for order in seller.orders.values()
            if start <= order.last_updated(now) <= end
        )
        for moment, order_id, order in keyed:
            if after_key is not None and (moment, order_id) <= (parse_iso(after_key[0]), after_key[1]):
                continue
            if not wanted(order):
                continue
            if len(page) == page_size:
                more = True
                break
            page.append(order)

    disclosure = Disclosure(seller.roles)
    result: dict[str, Any] = {"orders": [order.render(now, included, disclosure) for order in page]}
    if more and page:
        last = page[-1]
        moment = last.created if by_created else last.last_updated(now)
        result["pagination"] = {
            "nextToken": _encode_token(
                {"fp": fingerprint, "end": iso(end), "key": [iso(moment), last.order_id], "issued": iso(now)}
            )
        }
    result["createdBefore" if by_created else "lastUpdatedBefore"] = iso(end)
    return json_response(result)


async def get_order(call: Call) -> Response:
    order = call.seller.orders.get(call.path("orderId"))
    if order is None:
        raise SimError(404, "NotFound", "The requested order was not found.")
    included = set(call.query.array("includedData", enum=_DATASETS))
    return json_response({"order": order.render(call.now, included, Disclosure(call.seller.roles))})


def _shipment_error(message: str) -> SimError:
    # The model's own sandbox answers confirmShipment errors with the code "Invalid Input".
    return SimError(400, "Invalid Input", message)


async def confirm_shipment(call: Call) -> Response:
    order = call.seller.orders.get(call.path("orderId"))
    if order is None:
        raise SimError(404, "NotFound", "The requested order was not found.")
    body = call.body
    if not isinstance(body, dict) or not isinstance(body.get("packageDetail"), dict):
        raise _shipment_error("The request body must contain marketplaceId and packageDetail.")
    detail: dict[str, Any] = body["packageDetail"]
    if body.get("marketplaceId") != order.marketplace_id:
        raise _shipment_error("marketplaceId does not match the order's marketplace.")
    for field in ("packageReferenceId", "carrierCode", "trackingNumber", "shipDate", "orderItems"):
        if field not in detail or detail[field] in ("", None, []):
            raise _shipment_error(f"packageDetail.{field} is required.")
    reference = str(detail["packageReferenceId"])
    if not reference.isdigit() or int(reference) < 1:
        raise _shipment_error("packageReferenceId must be a positive number.")
    if detail["carrierCode"] == "Other" and not detail.get("carrierName"):
        raise _shipment_error("carrierName is required when carrierCode is Other.")
    if detail["carrierCode"] != "Other" and "carrierName" in detail:
        raise _shipment_error("carrierName is accepted only when carrierCode is Other.")
    try:
        ship_date = parse_iso(str(detail["shipDate"]))
    except ValueError:
        raise _shipment_error("shipDate must be an ISO 8601 date-time.") from None
    if ship_date > call.now:
        raise _shipment_error("shipDate cannot be in the future.")
    if order.fulfilled_by != "MERCHANT":
        raise _shipment_error("Shipments of Amazon-fulfilled orders cannot be confirmed.")
    status = order.status(call.now)
    if status in (FulfillmentStatus.PENDING, FulfillmentStatus.PENDING_AVAILABILITY):
        raise _shipment_error("The order is not ready for shipment.")
    if status is FulfillmentStatus.CANCELLED:
        raise _shipment_error("The order has been cancelled.")

    serials_required = {
        str(item.get("orderItemId"))
        for item in order.body.get("orderItems", [])
        if item.get("fulfillment", {}).get("packing", {}).get("serialNumberRequirement", {}).get("requirementType")
        == "REQUIRED"
    }
    items: dict[str, int] = {}
    for entry in detail["orderItems"]:
        if not isinstance(entry, dict) or "orderItemId" not in entry or "quantity" not in entry:
            raise _shipment_error("Each order item needs orderItemId and quantity.")
        item_id, quantity = str(entry["orderItemId"]), entry["quantity"]
        if item_id not in order.quantities:
            raise _shipment_error(f"Order item {item_id} is not part of the order.")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise _shipment_error("quantity must be a positive integer.")
        items[item_id] = items.get(item_id, 0) + quantity
        if item_id in serials_required and not entry.get("transparencyCodes"):
            raise _shipment_error(f"Order item {item_id} requires serial numbers (transparencyCodes).")

    existing = next((s for s in order.shipments if s.package_reference_id == reference and s.at <= call.now), None)
    remaining = order.remaining(call.now)
    if existing is not None:
        for item_id, quantity in existing.items.items():
            remaining[item_id] += quantity  # an edit replaces the package's contents
    for item_id, quantity in items.items():
        if quantity > remaining[item_id]:
            raise _shipment_error(f"Quantity for order item {item_id} exceeds the unshipped quantity.")

    shipment = Shipment(
        at=call.now,
        items=items,
        package_reference_id=reference,
        carrier=str(detail["carrierCode"]),
        carrier_name=detail.get("carrierName"),
        tracking_number=str(detail["trackingNumber"]),
        shipping_service=detail.get("shippingMethod"),
        confirmed_by_api=True,
    )
    if existing is not None:
        order.shipments.remove(existing)
        shipment.at = existing.at
        order.edits.append(call.now)
    order.ship(call.now, shipment)
    call.state.confirmations.append(
        ShipmentConfirmation(
            at=call.now,
            seller_id=call.seller.seller_id,
            order_id=order.order_id,
            marketplace_id=order.marketplace_id,
            package_reference_id=reference,
            carrier_code=shipment.carrier,
            tracking_number=shipment.tracking_number,
            items=items,
        )
    )
    return Response(status_code=204)
