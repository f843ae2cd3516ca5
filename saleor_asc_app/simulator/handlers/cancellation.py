"""Orders v2026-01-01 ``cancelOrder`` (route from Amazon's reference page, see ``amazon/operations.py``): the seller
cancels a whole unshipped merchant-fulfilled order and gets 202 (accepted, processed later); shipped, partially
shipped, pending, cancelled and Amazon-fulfilled orders are refused with an SP-API error body."""

from __future__ import annotations

from starlette.responses import Response

from saleor_asc_app.amazon.models.cancellation import WIRE_FIELD, CancelReason
from saleor_asc_app.amazon.models.orders import FulfillmentStatus
from saleor_asc_app.simulator.http import Call, SimError, invalid, json_response
from saleor_asc_app.simulator.state import OrderCancellation

_REASONS = tuple(r.value for r in CancelReason)


async def cancel_order(call: Call) -> Response:
    order = call.seller.orders.get(call.path("orderId"))
    if order is None:
        raise SimError(404, "NotFound", "The requested order was not found.")
    body = call.body
    if not isinstance(body, dict) or set(body) != {WIRE_FIELD}:
        raise invalid(f"The request body must contain exactly {WIRE_FIELD}.")
    reason = body[WIRE_FIELD]
    if reason not in _REASONS:
        raise invalid(f"{WIRE_FIELD} must be one of {', '.join(_REASONS)}.")
    if order.fulfilled_by != "MERCHANT":
        raise invalid("Orders fulfilled by Amazon cannot be cancelled by the seller.")
    status = order.status(call.now)
    if status is FulfillmentStatus.CANCELLED:
        raise invalid("The order has already been cancelled.")
    if status in (FulfillmentStatus.SHIPPED, FulfillmentStatus.PARTIALLY_SHIPPED):
        raise invalid("The order has shipped items; partial cancellations are not supported.")
    if status is not FulfillmentStatus.UNSHIPPED:
        raise invalid(f"An order in status {status.value} cannot be cancelled.")
    order.cancel(call.now, cancelled_by="MERCHANT", reason=reason)
    call.state.cancellations.append(OrderCancellation(call.now, call.seller.seller_id, order.order_id, reason))
    return json_response({}, 202)  # accepted; Amazon processes it later (here: at once)
