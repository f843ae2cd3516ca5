"""Example webhook bodies for every subscription in `webhooks/subscriptions/`, made by the double.

    python -m tests.doubles.saleor_double.examples webhooks/recorded

writes `<event>.json` per event: the demo store, one order imported with orderBulkCreate, fulfilled with a
tracking number, and the stock events of one variant, each executed through the app's own subscription.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.saleor.subscriptions import load_subscription, subscription_events
from tests.doubles.saleor_double.double import SaleorDouble
from tests.doubles.saleor_double.models import (
    Fulfillment,
    FulfillmentLine,
    Money,
    OrderLine,
    TaxedMoney,
)
from tests.doubles.saleor_double.webhooks import encode_body

APP_PERMISSIONS = ["MANAGE_ORDERS", "MANAGE_ORDERS_IMPORT", "MANAGE_PRODUCTS"]


def _money(amount: str, currency: str) -> TaxedMoney:
    return TaxedMoney(Money(Decimal(amount), currency), Money(Decimal(amount), currency))


def example_payloads(double: SaleorDouble | None = None) -> dict[str, dict[str, Any]]:
    double = double or SaleorDouble(clock=VirtualClock(datetime(2026, 11, 27, 14, 5, 42, tzinfo=UTC)))
    demo = double.seed_demo()
    app, _token = double.create_app("saleor-asc-app", APP_PERMISSIONS)
    state = double.state
    now = state.clock.now()
    variant = demo.variants["MUG-BLUE-350"]
    warehouse = demo.warehouses["main-warehouse"]
    order = double.add_order(
        "amazon-us",
        status="FULFILLED",
        external_reference="113-0000000-0000001",
        metadata={"amazon.marketplace_id": "ATVPDKIKX0DER"},
    )
    line = OrderLine(
        pk=state.new_uuid(),
        order_pk=order.pk,
        variant_pk=variant.pk,
        product_name="Blue mug 350 ml",
        variant_name="Blue mug 350 ml",
        product_sku=variant.sku,
        quantity=2,
        quantity_fulfilled=2,
        total_price=_money("24.00", "USD"),
        undiscounted_total_price=_money("24.00", "USD"),
        warehouse_pk=warehouse.pk,
        is_shipping_required=True,
    )
    order.lines.append(line)
    fulfillment = Fulfillment(
        pk=state.next_pk(),
        order_pk=order.pk,
        fulfillment_order=1,
        status="FULFILLED",
        tracking_number="1Z999AA10123456784",
        created=now,
        warehouse_pk=warehouse.pk,
        lines=[FulfillmentLine(pk=state.next_pk(), order_line_pk=line.pk, quantity=2)],
    )
    order.fulfillments.append(fulfillment)
    admin = demo.staff["admin"]
    scenarios: dict[str, tuple[dict[str, Any], Any]] = {
        "APP_DELETED": ({"app": app}, None),
        "ORDER_BULK_CREATED": ({"orders": [order]}, app),
        "ORDER_CANCELLED": ({"order": order}, admin),
        "FULFILLMENT_CREATED": ({"fulfillment": fulfillment, "order": order, "notifyCustomer": False}, admin),
        "FULFILLMENT_APPROVED": ({"fulfillment": fulfillment, "order": order, "notifyCustomer": False}, admin),
        "FULFILLMENT_TRACKING_NUMBER_UPDATED": ({"fulfillment": fulfillment, "order": order}, admin),
        "FULFILLMENT_CANCELED": ({"fulfillment": fulfillment, "order": order}, admin),
        "PRODUCT_VARIANT_STOCK_UPDATED": ({"productVariant": variant, "warehouse": warehouse}, admin),
        "PRODUCT_VARIANT_OUT_OF_STOCK": ({"productVariant": variant, "warehouse": warehouse}, app),
        "PRODUCT_VARIANT_BACK_IN_STOCK": ({"productVariant": variant, "warehouse": warehouse}, admin),
    }
    payloads = {}
    for event in subscription_events():
        objects, principal = scenarios[event]
        payloads[event] = double.event_payload(
            event, objects, app=app, query=load_subscription(event), issuing_principal=principal
        )
    return payloads


def write_examples(target: Path) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for event, payload in example_payloads().items():
        path = target / f"{event.lower()}.json"
        path.write_text(json.dumps(json.loads(encode_body(payload)), indent=2) + "\n")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_examples(Path(sys.argv[1] if len(sys.argv) > 1 else "webhooks/recorded")):
        print(written_path)
