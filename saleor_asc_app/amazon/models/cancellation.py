"""Orders API v2026-01-01 ``cancelOrder`` request body.

Not in the copied models: taken from Amazon's reference page (developer-docs.amazon.com/sp-api/reference/cancelorder),
which names a required string enum giving the reason but, as retrieved, not the field's name. ``cancelReasonCode``
follows SP-API's naming of reason codes; correcting it is a one-line change of ``WIRE_FIELD``.
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
