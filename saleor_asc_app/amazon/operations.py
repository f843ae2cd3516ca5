"""The SP-API operations the app uses: path, method and Amazon's published default usage plan.

Rates and bursts are the "Usage Plan" tables of the operations' descriptions in Amazon's models
(`contracts/amazon/*.json`). Amazon may grant a seller more; the `x-amzn-RateLimit-Limit`
response header then carries the actual rate.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Operation:
    name: str
    method: str
    path: str  # with {placeholders}
    rate: float  # requests per second
    burst: int
    # Safe to repeat after an ambiguous failure (timeout, 500, garbled body): reads and upserts.
    idempotent: bool = True
    grantless_scope: str | None = None


SEARCH_ORDERS = Operation("searchOrders", "GET", "/orders/2026-01-01/orders", 0.0056, 20)
GET_ORDER = Operation("getOrder", "GET", "/orders/2026-01-01/orders/{orderId}", 0.5, 30)
CONFIRM_SHIPMENT = Operation("confirmShipment", "POST", "/orders/v0/orders/{orderId}/shipmentConfirmation", 2.0, 10)
GET_MARKETPLACE_PARTICIPATIONS = Operation(
    "getMarketplaceParticipations", "GET", "/sellers/v1/marketplaceParticipations", 0.016, 15
)
CREATE_FEED_DOCUMENT = Operation("createFeedDocument", "POST", "/feeds/2021-06-30/documents", 0.5, 15, idempotent=False)
CREATE_FEED = Operation("createFeed", "POST", "/feeds/2021-06-30/feeds", 0.0083, 15, idempotent=False)
GET_FEED = Operation("getFeed", "GET", "/feeds/2021-06-30/feeds/{feedId}", 2.0, 15)
GET_FEED_DOCUMENT = Operation("getFeedDocument", "GET", "/feeds/2021-06-30/documents/{feedDocumentId}", 0.0222, 10)
CREATE_REPORT = Operation("createReport", "POST", "/reports/2021-06-30/reports", 0.0167, 15, idempotent=False)
GET_REPORT = Operation("getReport", "GET", "/reports/2021-06-30/reports/{reportId}", 2.0, 15)
GET_REPORT_DOCUMENT = Operation(
    "getReportDocument", "GET", "/reports/2021-06-30/documents/{reportDocumentId}", 0.0167, 15
)
PATCH_LISTINGS_ITEM = Operation("patchListingsItem", "PATCH", "/listings/2021-08-01/items/{sellerId}/{sku}", 5.0, 5)
SEARCH_LISTINGS_ITEMS = Operation("searchListingsItems", "GET", "/listings/2021-08-01/items/{sellerId}", 5.0, 5)
GET_INVENTORY_SUMMARIES = Operation("getInventorySummaries", "GET", "/fba/inventory/v1/summaries", 2.0, 2)
_NOTIFY = "sellingpartnerapi::notifications"
GET_DESTINATIONS = Operation(
    "getDestinations", "GET", "/notifications/v1/destinations", 1.0, 5, grantless_scope=_NOTIFY
)
CREATE_DESTINATION = Operation(
    "createDestination", "POST", "/notifications/v1/destinations", 1.0, 5, idempotent=False, grantless_scope=_NOTIFY
)
GET_SUBSCRIPTION = Operation("getSubscription", "GET", "/notifications/v1/subscriptions/{notificationType}", 1.0, 5)
CREATE_SUBSCRIPTION = Operation(
    "createSubscription", "POST", "/notifications/v1/subscriptions/{notificationType}", 1.0, 5, idempotent=False
)
DELETE_SUBSCRIPTION_BY_ID = Operation(
    "deleteSubscriptionById",
    "DELETE",
    "/notifications/v1/subscriptions/{notificationType}/{subscriptionId}",
    1.0,
    5,
    grantless_scope=_NOTIFY,
)

# cancelOrder (Orders v2026-01-01) is NOT in the copied models: Amazon added it to the Orders model and removed it
# again (absent at the contracts' snapshot); its reference page remains
# (developer-docs.amazon.com/sp-api/reference/cancelorder): whole orders only, 202 = accepted and processed later,
# 1 request/s, burst 5. The app uses it only when ``ASC_CANCEL_ORDER_API`` is on; the documented route is the order
# acknowledgement feed (``models/order_acknowledgement.py``, docs/amazon-cancellations.md).
CANCEL_ORDER = Operation("cancelOrder", "PUT", "/orders/2026-01-01/orders/{orderId}/cancellation", 1.0, 5)

OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        SEARCH_ORDERS,
        GET_ORDER,
        CONFIRM_SHIPMENT,
        GET_MARKETPLACE_PARTICIPATIONS,
        CREATE_FEED_DOCUMENT,
        CREATE_FEED,
        GET_FEED,
        GET_FEED_DOCUMENT,
        CREATE_REPORT,
        GET_REPORT,
        GET_REPORT_DOCUMENT,
        PATCH_LISTINGS_ITEM,
        SEARCH_LISTINGS_ITEMS,
        GET_INVENTORY_SUMMARIES,
        GET_DESTINATIONS,
        CREATE_DESTINATION,
        GET_SUBSCRIPTION,
        CREATE_SUBSCRIPTION,
        DELETE_SUBSCRIPTION_BY_ID,
    )
}

# Operations taken from Amazon's reference pages, not from the copied models (no sandbox cases, no contract checks).
REFERENCE_ONLY_OPERATIONS: dict[str, Operation] = {CANCEL_ORDER.name: CANCEL_ORDER}
ALL_OPERATIONS: dict[str, Operation] = {**OPERATIONS, **REFERENCE_ONLY_OPERATIONS}
