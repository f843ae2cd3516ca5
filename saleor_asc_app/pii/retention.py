"""When buyer data must be gone (docs/amazon.md): 30 days after delivery; Amazon's latest delivery date stands in
while the order is not delivered; a cancelled order's data goes at once.

Amazon's order gives no delivery timestamp: an order whose packages all report DELIVERED counts as delivered at
its last update (never later than when the app saw it), and a delivered anchor only ever moves earlier.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from saleor_asc_app.amazon.models.orders import FulfillmentStatus, Order
from saleor_asc_app.pii.tables import RetentionBasis

RETENTION_AFTER_DELIVERY = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class RetentionFacts:
    basis: RetentionBasis
    anchor: datetime  # delivery, latest delivery, cancellation, or (provisional) when the data was stored

    @property
    def purge_at(self) -> datetime:
        if self.basis is RetentionBasis.CANCELLED:
            return self.anchor
        return self.anchor + RETENTION_AFTER_DELIVERY

    @property
    def final(self) -> bool:
        """Later facts cannot move a cancelled purge date; a delivered one only moves earlier."""
        return self.basis in (RetentionBasis.CANCELLED, RetentionBasis.DELIVERED)


def provisional(stored_at: datetime) -> RetentionFacts:
    return RetentionFacts(RetentionBasis.PROVISIONAL, stored_at)


def latest_delivery(order: Order) -> datetime | None:
    """Amazon's latest delivery date: the order's deliver-by window, else the latest item delivery window."""
    window = order.fulfillment.deliver_by_window if order.fulfillment else None
    if window is not None and window.latest_date_time is not None:
        return window.latest_date_time
    ends = [
        item.fulfillment.shipping.scheduled_delivery_window.latest_date_time
        for item in order.order_items
        if item.fulfillment
        and item.fulfillment.shipping
        and item.fulfillment.shipping.scheduled_delivery_window
        and item.fulfillment.shipping.scheduled_delivery_window.latest_date_time
    ]
    return max(ends) if ends else None


def is_delivered(order: Order) -> bool:
    packages = order.packages or []
    return (
        order.status is FulfillmentStatus.SHIPPED
        and bool(packages)
        and all(p.package_status is not None and p.package_status.status == "DELIVERED" for p in packages)
    )


def facts_from_order(order: Order, *, observed_at: datetime) -> RetentionFacts | None:
    """The retention facts an Amazon order states, or ``None`` when it states none."""
    if order.status is FulfillmentStatus.CANCELLED:
        return RetentionFacts(RetentionBasis.CANCELLED, min(order.last_updated_time, observed_at))
    if is_delivered(order):
        return RetentionFacts(RetentionBasis.DELIVERED, min(order.last_updated_time, observed_at))
    latest = latest_delivery(order)
    if latest is not None:
        return RetentionFacts(RetentionBasis.LATEST_DELIVERY, latest)
    return None


def combine(current: RetentionFacts, new: RetentionFacts) -> RetentionFacts:
    """The facts to keep when ``new`` arrives for a record that has ``current``."""
    if current.basis is RetentionBasis.CANCELLED:
        return current
    if new.basis is RetentionBasis.CANCELLED:
        return new
    if current.basis is RetentionBasis.DELIVERED:
        if new.basis is RetentionBasis.DELIVERED and new.anchor < current.anchor:
            return new
        return current
    if new.basis is RetentionBasis.PROVISIONAL and current.basis is not RetentionBasis.PROVISIONAL:
        return current
    return new
