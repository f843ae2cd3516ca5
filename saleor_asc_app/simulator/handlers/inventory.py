"""FBA Inventory getInventorySummaries, with 30-second next tokens."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

from starlette.responses import Response

from saleor_asc_app.simulator.catalog import Product
from saleor_asc_app.simulator.http import Call, invalid, json_response
from saleor_asc_app.simulator.wire import iso, parse_iso

PAGE_SIZE = 50
TOKEN_LIFETIME = timedelta(seconds=30)


async def get_inventory_summaries(call: Call) -> Response:
    q = call.query
    granularity_type = q.string("granularityType", required=True)
    granularity_id = q.string("granularityId", required=True)
    marketplace_ids = q.array("marketplaceIds", max_items=1)
    if granularity_type != "Marketplace":
        raise invalid("granularityType must be Marketplace.")
    if not marketplace_ids:
        raise invalid("Missing required parameter marketplaceIds.")
    if granularity_id != marketplace_ids[0] or granularity_id not in call.seller.marketplace_ids:
        raise invalid("granularityId must be one of the seller's marketplaces, the one in marketplaceIds.")
    details = q.boolean("details") or False
    start = q.datetime("startDateTime")
    skus = q.array("sellerSkus", max_items=50)
    single = q.string("sellerSku")
    products = sorted(call.seller.catalog.values(), key=lambda p: p.sku)
    if start is not None:
        products = [p for p in products if p.updated is not None and p.updated >= start]
    elif skus:
        products = [p for p in products if p.sku in skus]
    elif single:
        products = [p for p in products if p.sku == single]

    offset = 0
    token = q.string("nextToken")
    if token:
        try:
            data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            offset, issued = int(data["offset"]), parse_iso(data["issued"])
        except (ValueError, KeyError, TypeError):
            raise invalid("Invalid nextToken.") from None
        if issued + TOKEN_LIFETIME < call.now:
            raise invalid("The nextToken has expired.")
    page = products[offset : offset + PAGE_SIZE]
    result: dict[str, Any] = {
        "payload": {
            "granularity": {"granularityType": "Marketplace", "granularityId": granularity_id},
            "inventorySummaries": [_summary(p, granularity_id, details, call) for p in page],
        }
    }
    if offset + PAGE_SIZE < len(products):
        next_token = json.dumps({"offset": offset + PAGE_SIZE, "issued": iso(call.now)}).encode()
        result["pagination"] = {"nextToken": base64.urlsafe_b64encode(next_token).decode().rstrip("=")}
    return json_response(result)


def _summary(product: Product, marketplace_id: str, details: bool, call: Call) -> dict[str, Any]:
    fulfillable = product.fba_quantity.get(marketplace_id, 0)
    reserved = fulfillable // 20
    summary: dict[str, Any] = {
        "asin": product.asin,
        "fnSku": product.fn_sku,
        "sellerSku": product.sku,
        "condition": "NewItem",
    }
    if details:
        summary["inventoryDetails"] = {
            "fulfillableQuantity": fulfillable,
            "inboundWorkingQuantity": 0,
            "inboundShippedQuantity": 0,
            "inboundReceivingQuantity": 0,
            "reservedQuantity": {
                "totalReservedQuantity": reserved,
                "pendingCustomerOrderQuantity": reserved,
                "pendingTransshipmentQuantity": 0,
                "fcProcessingQuantity": 0,
            },
            "researchingQuantity": {"totalResearchingQuantity": 0, "researchingQuantityBreakdown": []},
            "unfulfillableQuantity": {"totalUnfulfillableQuantity": 0},
        }
    summary["lastUpdatedTime"] = iso(product.updated or call.now)
    summary["productName"] = product.title
    summary["totalQuantity"] = fulfillable + reserved
    summary["stores"] = []
    return summary
