"""The app's cancellation reasons, and the Orders API v2026-01-01 ``cancelOrder`` request body.

The reasons are those of ``cancelOrder``'s reference page (developer-docs.amazon.com/sp-api/reference/cancelorder);
staff choose among them, and the order acknowledgement feed writes them as its own codes
(``order_acknowledgement.FEED_REASON``). ``cancelOrder`` itself is not in the copied models and is used only with
``ASC_CANCEL_ORDER_API``; its body field ``cancelReasonCode`` is the app's best reading of that page.
"""

from __future__ import annotations

import enum
from typing import Any


class CancelReason(enum.StrEnum):
    NO_INVENTORY = "NO_INVENTORY"  # the seller has no stock to ship
    BUYER_CANCELLED = "BUYER_CANCELLED"  # the buyer asked for the cancellation
    SHIPPING_ADDRESS_UNDELIVERABLE = "SHIPPING_ADDRESS_UNDELIVERABLE"
    CUSTOMER_EXCHANGE = "CUSTOMER_EXCHANGE"
    PRICING_ERROR = "PRICING_ERROR"


WIRE_FIELD = "cancelReasonCode"


def cancel_order_body(reason: CancelReason) -> dict[str, Any]:
    return {WIRE_FIELD: reason.value}
