"""The SP-API operations the simulator answers, named by Amazon's model file and operationId. Their method, path,
usage plan and body schema come from Amazon's models (``rules.py``), never from the app's own table
(``saleor_asc_app.amazon.operations``): a request the app sends to a path the models do not have finds no route.

``cancelOrder`` is absent from the models at the snapshot the repository uses; it is served from Amazon's reference
page (developer-docs.amazon.com/sp-api/reference/cancelorder: ``PUT /orders/2026-01-01/orders/{orderId}/cancellation``,
1 request per second, burst 5) and its body is checked by its handler.
"""

from __future__ import annotations

from saleor_asc_app.simulator.rules import ModelOperation, ModelRules

IMPLEMENTED: tuple[tuple[str, str], ...] = (
    ("orders_2026-01-01.json", "searchOrders"),
    ("orders_2026-01-01.json", "getOrder"),
    ("ordersV0.json", "confirmShipment"),
    ("sellers.json", "getMarketplaceParticipations"),
    ("feeds_2021-06-30.json", "createFeedDocument"),
    ("feeds_2021-06-30.json", "createFeed"),
    ("feeds_2021-06-30.json", "getFeed"),
    ("feeds_2021-06-30.json", "getFeedDocument"),
    ("reports_2021-06-30.json", "createReport"),
    ("reports_2021-06-30.json", "getReport"),
    ("reports_2021-06-30.json", "getReportDocument"),
    ("listingsItems_2021-08-01.json", "patchListingsItem"),
    ("listingsItems_2021-08-01.json", "searchListingsItems"),
    ("fbaInventory.json", "getInventorySummaries"),
    ("notifications.json", "getDestinations"),
    ("notifications.json", "createDestination"),
    ("notifications.json", "getSubscription"),
    ("notifications.json", "createSubscription"),
    ("notifications.json", "deleteSubscriptionById"),
)

CANCEL_ORDER = ModelOperation(
    operation_id="cancelOrder",
    source="developer-docs.amazon.com/sp-api/reference/cancelorder",
    method="PUT",
    path="/orders/2026-01-01/orders/{orderId}/cancellation",
    rate=1.0,
    burst=5,
    body_required=True,
    body_validator=None,
)

# Amazon's static sandbox throttles every operation alike (docs /docs/sp-api-sandbox).
SANDBOX_RATE = 5.0
SANDBOX_BURST = 15


def implemented(rules: ModelRules | None = None) -> dict[str, ModelOperation]:
    """The operations the simulator answers, by operationId."""
    rules = rules or ModelRules.bundled()
    operations = {op.operation_id: op for op in (rules.get(source, name) for source, name in IMPLEMENTED)}
    operations[CANCEL_ORDER.operation_id] = CANCEL_ORDER
    return operations
