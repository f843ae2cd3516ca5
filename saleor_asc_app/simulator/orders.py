"""A simulated order: a fixed body plus a timeline that yields its status at any moment.

The body holds every block at full detail (all PII included); `render` derives what Amazon would
answer at `now` for the requested `includedData` and the seller's roles.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from saleor_asc_app.amazon.models.orders import FulfillmentStatus
from saleor_asc_app.simulator.disclosure import Disclosure, OrderDisclosure
from saleor_asc_app.simulator.wire import iso

Json = dict[str, Any]

_ORDER_BLOCKS = {"proceeds": "PROCEEDS", "payment": "PAYMENT", "tax": "TAX"}
_ITEM_BLOCKS = {
    "proceeds": "PROCEEDS",
    "expense": "EXPENSE",
    "promotion": "PROMOTION",
    "tax": "TAX",
}


@dataclass
class Shipment:
    """A package leaving the warehouse: planned by the generator or confirmed through the API."""

    at: datetime
    items: dict[str, int]  # order item id -> quantity
    package_reference_id: str
    carrier: str
    tracking_number: str
    shipping_service: str | None = None
    carrier_name: str | None = None
    confirmed_by_api: bool = False


@dataclass
class SimOrder:
    order_id: str
    seller_id: str
    marketplace_id: str
    created: datetime
    fulfilled_by: str  # AMAZON | MERCHANT
    body: Json
    quantities: dict[str, int]  # order item id -> quantity ordered
    pending_until: datetime
    preorder: bool = False
    cancel_at: datetime | None = None
    cancellation: Json | None = None  # item cancellation block used once cancelled
    shipments: list[Shipment] = field(default_factory=list)
    ship_from: Json | None = None
    edits: list[datetime] = field(default_factory=list)  # package edits through the API
    cancelled_items: dict[str, Json] = field(default_factory=dict)  # order item id -> its cancellation (by item)
    cancel_requested_at: datetime | None = None  # when the buyer asked to cancel (a BuyerRequestedChange)

    # --- timeline ---------------------------------------------------------------------------------

    def shipped(self, now: datetime) -> dict[str, int]:
        done = dict.fromkeys(self.quantities, 0)
        for shipment in self.shipments:
            if shipment.at <= now:
                for item_id, quantity in shipment.items.items():
                    done[item_id] = done.get(item_id, 0) + quantity
        return done

    def is_cancelled(self, now: datetime) -> bool:
        if self.cancel_at is None or self.cancel_at > now:
            return False
        return not any(s.at <= self.cancel_at for s in self.shipments)

    def status(self, now: datetime) -> FulfillmentStatus:
        if self.is_cancelled(now):
            return FulfillmentStatus.CANCELLED
        if now < self.pending_until:
            return FulfillmentStatus.PENDING_AVAILABILITY if self.preorder else FulfillmentStatus.PENDING
        shipped = self.shipped(now)
        total_shipped = sum(shipped.values())
        if total_shipped == 0:
            return FulfillmentStatus.UNSHIPPED
        if all(
            shipped[item] >= quantity for item, quantity in self.quantities.items() if item not in self.cancelled_items
        ):
            return FulfillmentStatus.SHIPPED
        return FulfillmentStatus.PARTIALLY_SHIPPED

    def last_updated(self, now: datetime) -> datetime:
        moments = [self.created]
        if self.pending_until <= now:
            moments.append(self.pending_until)
        if self.cancel_at is not None and self.is_cancelled(now):
            moments.append(self.cancel_at)
        moments.extend(s.at for s in self.shipments if s.at <= now)
        moments.extend(t for t in self.edits if t <= now)
        if self.cancel_requested_at is not None and self.cancel_requested_at <= now:
            moments.append(self.cancel_requested_at)
        return max(moments)

    def remaining(self, now: datetime) -> dict[str, int]:
        shipped = self.shipped(now)
        return {
            item: 0 if item in self.cancelled_items else quantity - shipped.get(item, 0)
            for item, quantity in self.quantities.items()
        }

    # --- changes ----------------------------------------------------------------------------------

    def release(self, now: datetime) -> None:
        """Payment authorized now: PENDING → UNSHIPPED."""
        if now < self.pending_until:
            self.pending_until = now

    def cancel(self, now: datetime, cancelled_by: str = "BUYER", reason: str = "BUYER_CANCELED") -> bool:
        if any(s.at <= now for s in self.shipments):
            return False
        self.cancel_at = now
        self.shipments = [s for s in self.shipments if s.at <= now]
        requested = (self.cancellation or {}).get("cancellationRequest")
        execution = {"cancellationExecution": {"cancelledBy": cancelled_by, "cancelReason": reason}}
        self.cancellation = {"cancellationRequest": requested, **execution} if requested else execution
        return True

    def cancel_items(self, now: datetime, item_ids: Collection[str], reason: str) -> None:
        """The seller cancels these unshipped items; cancelling the last open one cancels the order."""
        execution = {"cancellationExecution": {"cancelledBy": "MERCHANT", "cancelReason": reason}}
        for item_id in item_ids:
            self.cancelled_items[item_id] = execution
        self.edits.append(now)
        if set(self.cancelled_items) >= set(self.quantities):
            self.cancel(now, cancelled_by="MERCHANT", reason=reason)

    def request_cancellation(self, reason: str = "NO_LONGER_NEEDED", now: datetime | None = None) -> None:
        """The buyer asks the seller to cancel (shown with includedData CANCELLATION until it is cancelled); with
        ``now`` the order counts as updated then, and subscribers hear a ``BuyerRequestedChange``."""
        self.cancellation = {"cancellationRequest": {"requester": "BUYER", "cancelReason": reason}}
        self.cancel_requested_at = now

    def open_buyer_request(self, now: datetime) -> bool:
        """The buyer's cancellation request stands: made by now, the order not cancelled (nor shipped)."""
        return (
            self.cancel_requested_at is not None
            and self.cancel_requested_at <= now
            and self.cancellation is not None
            and "cancellationExecution" not in self.cancellation
        )

    def ship(self, now: datetime, shipment: Shipment) -> None:
        self.release(now)
        self.shipments.append(shipment)

    # --- rendering --------------------------------------------------------------------------------

    def render(self, now: datetime, included: Collection[str], disclosure: Disclosure) -> Json:
        status = self.status(now)
        body = self.body
        out: Json = {"orderId": body["orderId"]}
        if "orderAliases" in body:
            out["orderAliases"] = body["orderAliases"]
        out["createdTime"] = body["createdTime"]
        out["lastUpdatedTime"] = iso(self.last_updated(now))
        for key in ("programs", "associatedOrders", "salesChannel"):
            if key in body:
                out[key] = body[key]
        pii = disclosure.for_order(status, self.fulfilled_by, self.marketplace_id)
        if "BUYER" in included and "buyer" in body:
            buyer = pii.buyer(body["buyer"])
            if buyer:
                out["buyer"] = buyer
        if "RECIPIENT" in included and "recipient" in body:
            recipient = pii.recipient(body["recipient"])
            if recipient:
                out["recipient"] = recipient
        for key, dataset in _ORDER_BLOCKS.items():
            if dataset in included and key in body:
                if key == "proceeds" and status in (
                    FulfillmentStatus.PENDING,
                    FulfillmentStatus.PENDING_AVAILABILITY,
                ):
                    continue  # no pricing until payment is authorized
                value = pii.order_tax(body[key]) if key == "tax" else body[key]
                if value:
                    out[key] = value
        if "FULFILLMENT" in included:
            out["fulfillment"] = {"fulfillmentStatus": status.value, **body.get("fulfillment", {})}
        shipped = self.shipped(now)
        out["orderItems"] = [self._render_item(item, status, shipped, included, pii) for item in body["orderItems"]]
        if "PACKAGES" in included and self.fulfilled_by == "MERCHANT":
            packages = self._render_packages(now)
            if packages:
                out["packages"] = packages
        if "FULFILLMENT_ORDERS" in included and "fulfillmentOrders" in body:
            out["fulfillmentOrders"] = body["fulfillmentOrders"]
        return out

    def _render_item(
        self,
        item: Json,
        status: FulfillmentStatus,
        shipped: Mapping[str, int],
        included: Collection[str],
        pii: OrderDisclosure,
    ) -> Json:
        out: Json = {"orderItemId": item["orderItemId"], "quantityOrdered": item["quantityOrdered"]}
        for key in ("measurement", "associatedOrderItems", "programs"):
            if key in item:
                out[key] = item[key]
        out["product"] = pii.product(item["product"])
        pending = status in (FulfillmentStatus.PENDING, FulfillmentStatus.PENDING_AVAILABILITY)
        for key, dataset in _ITEM_BLOCKS.items():
            if dataset in included and key in item and not (pending and key == "proceeds"):
                out[key] = item[key]
        requested_only = self.cancellation is not None and "cancellationExecution" not in self.cancellation
        if (
            "CANCELLATION" in included
            and self.cancellation
            and (status is FulfillmentStatus.CANCELLED or requested_only)
        ):
            out["cancellation"] = self.cancellation
        elif "CANCELLATION" in included and item["orderItemId"] in self.cancelled_items:
            out["cancellation"] = self.cancelled_items[item["orderItemId"]]
        if "FULFILLMENT" in included:
            done = shipped.get(item["orderItemId"], 0)
            open_units = 0 if item["orderItemId"] in self.cancelled_items else item["quantityOrdered"] - done
            fulfillment: Json = {"quantityFulfilled": done, "quantityUnfulfilled": open_units}
            for key, value in item.get("fulfillment", {}).items():
                fulfillment[key] = pii.packing(value) if key == "packing" else value
            out["fulfillment"] = fulfillment
        # Keys in the model's order.
        order = (
            "orderItemId",
            "quantityOrdered",
            "measurement",
            "associatedOrderItems",
            "programs",
            "product",
            "proceeds",
            "expense",
            "promotion",
            "cancellation",
            "fulfillment",
            "tax",
        )
        return {key: out[key] for key in order if key in out}

    def _render_packages(self, now: datetime) -> list[Json]:
        packages = []
        for shipment in sorted(self.shipments, key=lambda s: s.at):
            if shipment.at > now:
                continue
            age = now - shipment.at
            if age >= timedelta(days=3):
                package_status = {"status": "DELIVERED", "detailedStatus": "DELIVERED"}
            elif age >= timedelta(hours=6):
                package_status = {"status": "IN_TRANSIT", "detailedStatus": "AT_ORIGIN_FC"}
            else:
                package_status = {"status": "SHIPPED", "detailedStatus": "PICKED_UP"}
            package: Json = {
                "packageReferenceId": shipment.package_reference_id,
                "createdTime": iso(shipment.at),
                "packageStatus": package_status,
                "carrier": shipment.carrier_name or shipment.carrier,
                "shipTime": iso(shipment.at),
            }
            if shipment.shipping_service:
                package["shippingService"] = shipment.shipping_service
            package["trackingNumber"] = shipment.tracking_number
            if self.ship_from:
                package["shipFromAddress"] = self.ship_from
            package["packageItems"] = [
                {"orderItemId": item_id, "quantity": quantity}
                for item_id, quantity in shipment.items.items()
                if quantity > 0
            ]
            packages.append(package)
        return packages
