"""The SP-API simulator as the end-to-end suite's Amazon: one seller per region (NA: US, CA, MX; EU: GB, DE, FR;
FE: JP, AU) holding the PII roles, and for every marketplace orders created a few minutes ago (inside the app's
first sync window): merchant-fulfilled importable ones, plus FBA orders, one with an unknown SKU (parked, replayed
once the SKU exists) and one that Amazon cancels before it ships. What was generated goes to ``--out`` as JSON
(order id, marketplace, kind, Amazon's grand total; the sellers' refresh tokens) for the test to compare with.

    python -m tests.e2e.amazon_world --port 8100 --out world.json --client-id ID --client-secret SECRET
"""

from __future__ import annotations

import argparse
import json
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import uvicorn

from saleor_asc_app.amazon.models.orders import FulfillmentStatus
from saleor_asc_app.simulator.app import create_simulator_app
from saleor_asc_app.simulator.orders import SimOrder
from saleor_asc_app.simulator.state import SimulatorState

SELLERS: dict[str, tuple[str, tuple[str, ...]]] = {
    # region -> seller id, marketplace country codes
    "NA": ("AE2ESELLERNA", ("US", "CA", "MX")),
    "EU": ("AE2ESELLEREU", ("GB", "DE", "FR")),
    "FE": ("AE2ESELLERFE", ("JP", "AU")),
}
ROLES = ("DIRECT_TO_CONSUMER_SHIPPING", "TAX_INVOICING", "TAX_REMITTANCE")
MFN_ONLY = {
    "afn_share": 0.0,
    "cancel_share": 0.0,
    "preorder_share": 0.0,
    "replacement_share": 0.0,
    "mfn_auto_ship_share": 0.0,
    "unknown_sku_share": 0.0,
    "cod_share": 0.0,
    "customization_share": 0.0,
}
IMPORTED_PER_MARKETPLACE = 2
FBA_COUNTRIES = ("US", "DE")
UNKNOWN_SKU_COUNTRY = "US"


def build_world(client_id: str, client_secret: str) -> tuple[SimulatorState, dict[str, Any]]:
    state = SimulatorState()
    state.app.client_id = client_id
    state.app.client_secret = client_secret
    now = state.now()
    window = {"start": now - timedelta(minutes=8), "end": now - timedelta(minutes=3)}
    world: dict[str, Any] = {"sellers": {}, "orders": []}

    def record(orders: list[SimOrder], kind: str, country: str) -> None:
        for order in orders:
            order.pending_until = order.created  # payment authorised at once: Unshipped from the start
            total = order.body["proceeds"]["grandTotal"]
            world["orders"].append(
                {
                    "orderId": order.order_id,
                    "sellerId": order.seller_id,
                    "marketplaceId": order.marketplace_id,
                    "country": country,
                    "kind": kind,
                    "amount": str(total["amount"]),
                    "currency": total["currencyCode"],
                    "skus": sorted({str(item["product"]["sellerSku"]) for item in order.body["orderItems"]}),
                    "canaries": _pii_strings(order.body),
                }
            )

    for seed, (region, (seller_id, countries)) in enumerate(SELLERS.items(), start=1):
        refresh_token = f"Atzr|e2e-{secrets.token_urlsafe(24)}"
        account = state.add_seller(seller_id, marketplace_ids=list(countries), roles=ROLES, refresh_token=refresh_token)
        world["sellers"][region] = {
            "sellerId": seller_id,
            "marketplaceIds": account.marketplace_ids,
            "refreshToken": refresh_token,
        }
        for index, (country, marketplace_id) in enumerate(zip(countries, account.marketplace_ids, strict=True)):
            base = {**MFN_ONLY, **window, "marketplace_ids": [marketplace_id]}
            tag = f"{seed}-{index}"
            record(state.generate_orders(account, IMPORTED_PER_MARKETPLACE, f"mfn-{tag}", **base), "mfn", country)
            if country in FBA_COUNTRIES:  # shipped by Amazon's fulfilment centre: imported as fulfilled
                fba = state.generate_orders(account, 1, f"fba-{tag}", **(base | {"afn_share": 1.0}))
                for order in fba:
                    order.pending_until = order.created
                    state.advance_order(order.order_id, FulfillmentStatus.SHIPPED)
                    for shipment in order.shipments:  # shipped a minute after the order: in the first sync window
                        shipment.at = order.created + timedelta(minutes=1)
                record(fba, "fba", country)
            if country == UNKNOWN_SKU_COUNTRY:
                unknown = base | {"unknown_sku_share": 1.0, "multi_line_share": 0.0}
                record(state.generate_orders(account, 1, f"unknown-{tag}", **unknown), "unknown-sku", country)
                cancelled = state.generate_orders(account, 1, f"cancel-{tag}", **base)
                record(cancelled, "cancel-at-amazon", country)
    # Only the SKUs of the FBA orders are offered through Amazon's fulfilment centres; the rest are merchant-fulfilled
    # offers only (no Amazon channel in their listings), so the app's stock feeds cover them (it leaves a listing
    # that names an Amazon channel in a marketplace to Amazon there).
    fba_skus = {sku for order in world["orders"] if order["kind"] == "fba" for sku in order["skus"]}
    for account in state.sellers.values():
        for product in account.catalog.values():
            if product.sku not in fba_skus:
                product.fba_quantity = {}
    return state, world


def _pii_strings(body: dict[str, Any]) -> list[str]:
    """The buyer's and recipient's values that must never leave the app's vault (canaries for the scan)."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key not in ("countryCode", "addressType", "stateOrRegion", "city", "postalCode"):
                    walk(inner)
        elif isinstance(value, str) and len(value) >= 8:
            found.append(value)

    walk(body.get("buyer", {}))
    walk(body.get("recipient", {}))
    return sorted(set(found))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    args = parser.parse_args()
    state, world = build_world(args.client_id, args.client_secret)
    args.out.write_text(json.dumps(world, indent=1))
    uvicorn.run(create_simulator_app(state), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
