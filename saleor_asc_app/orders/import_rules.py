"""When an Amazon order may be imported (docs/amazon-money.md): by its Amazon status, fulfilment channel and the
order-processing configuration. Pure functions; the reasons are what staff read in the order inbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from saleor_asc_app.amazon.models.orders import FulfillmentStatus, Order
from saleor_asc_app.configuration.model import AppConfiguration, FulfillmentChannels
from saleor_asc_app.orders.tables import OrderState

AFN, MFN = "AFN", "MFN"
PENDING_STATUSES = (FulfillmentStatus.PENDING, FulfillmentStatus.PENDING_AVAILABILITY)


@dataclass(frozen=True)
class Decision:
    """Where an order goes instead of Saleor (for now), and why."""

    state: OrderState
    reason_code: str
    reason: str
    reason_key: str | None = None


def fulfillment_channel(order: Order) -> str:
    fulfilled_by = (order.fulfillment.fulfilled_by or "") if order.fulfillment else ""
    return AFN if fulfilled_by.upper() == "AMAZON" else MFN


def gate(order: Order, config: AppConfiguration) -> Decision | None:
    """``None`` when the order is to be imported now; otherwise why it waits, is skipped or was cancelled."""
    processing = config.order_processing
    if order.order_id in processing.ignored_order_ids:
        return Decision(
            OrderState.SKIPPED, "ignored", "The order is on the ignore list (configuration → order processing)."
        )
    since = processing.import_orders_since
    if since is not None and order.created_time < datetime.combine(since, time(), tzinfo=UTC):
        return Decision(
            OrderState.SKIPPED,
            "before_import_start",
            f"Placed on {order.created_time.date().isoformat()}, before the import start date {since.isoformat()}.",
        )
    status = order.status
    if status is None:
        return Decision(
            OrderState.PARKED,
            "no_status",
            "Amazon sent the order without its fulfilment status, so the app cannot tell whether it may be "
            "imported. It is retried when Amazon updates the order.",
        )
    if status is FulfillmentStatus.CANCELLED:
        return Decision(OrderState.CANCELLED, "cancelled_before_import", "Cancelled at Amazon before it was imported.")
    if status is FulfillmentStatus.UNFULFILLABLE:
        return Decision(
            OrderState.SKIPPED,
            "not_a_sale",
            "Amazon marks it unfulfillable: a multi-channel fulfilment order, not a sale on Amazon.",
        )
    if status in PENDING_STATUSES:
        return Decision(
            OrderState.WAITING,
            "pending_payment",
            f"Amazon has not authorised payment yet ({status.value}), so prices are not final. It is imported "
            "as soon as Amazon releases it.",
        )
    channel = fulfillment_channel(order)
    if channel == AFN:
        if processing.fulfillment_channels is FulfillmentChannels.MFN:
            return Decision(
                OrderState.SKIPPED,
                "fba_not_imported",
                "Fulfilled by Amazon (FBA); the configuration imports seller-fulfilled orders only.",
            )
        if processing.fba_orders_as_fulfilled and status is not FulfillmentStatus.SHIPPED:
            return Decision(
                OrderState.WAITING,
                "fba_not_shipped",
                "Fulfilled by Amazon (FBA): imported as fulfilled once Amazon has shipped it.",
            )
    elif processing.fulfillment_channels is FulfillmentChannels.AFN:
        return Decision(
            OrderState.SKIPPED,
            "mfn_not_imported",
            "Fulfilled by the seller (MFN); the configuration imports FBA orders only.",
        )
    return None
