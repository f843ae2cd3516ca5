"""The pre-flight check of a shipment confirmation: builds Amazon's request from the Saleor order and Amazon's
view of the order, or says why it must not be sent (no carrier, tracking number in the wrong format, more units than
Amazon has unshipped, lines that did not come from Amazon, items Amazon wants serial numbers for)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from saleor_asc_app.amazon.models.orders import FulfillmentStatus, Order
from saleor_asc_app.amazon.models.shipments import ConfirmShipmentOrderItem, ConfirmShipmentRequest, PackageDetail
from saleor_asc_app.configuration.model import CarrierMapping
from saleor_asc_app.fulfilment.carriers import CarrierChoice, CarrierProblem, choose_carrier, tracking_problem
from saleor_asc_app.orders.mapping import shipped_quantities
from saleor_asc_app.saleor.graphql_client.fulfilment_order import (
    FulfilmentOrderOrder,
    FulfilmentOrderOrderDeliveryMethodShippingMethod,
)

ITEM_ID_KEY = "amazon.order_item_id"
SERIAL_NUMBERS_REQUIRED = "REQUIRED"


@dataclass(frozen=True)
class Refusal:
    code: str
    reason: str


def _item_ratios(line_map: Sequence[Mapping[str, Any]] | None) -> dict[str, int]:
    return {str(entry["item"]): int(entry.get("ratio") or 1) for entry in line_map or []}


def build_request(
    *,
    saleor_order: FulfilmentOrderOrder,
    amazon_order: Order,
    line_map: Sequence[Mapping[str, Any]] | None,
    lines: Sequence[Mapping[str, Any]],
    tracking_number: str,
    package_reference_id: str,
    ship_date: datetime,
    mappings: Sequence[CarrierMapping],
    already_in_package: Mapping[str, int],
    confirmed_carrier: tuple[str, str | None] | None = None,
) -> ConfirmShipmentRequest | Refusal:
    """``already_in_package``: units of this package Amazon may hold from an earlier version (an edit replaces them);
    ``confirmed_carrier``: the carrier code and name staff confirmed for this shipment, used when no mapping applies."""
    method = saleor_order.delivery_method
    method_id = method.id if isinstance(method, FulfilmentOrderOrderDeliveryMethodShippingMethod) else None
    method_name = saleor_order.shipping_method_name or (
        method.name if isinstance(method, FulfilmentOrderOrderDeliveryMethodShippingMethod) else None
    )
    confirmed = None
    if confirmed_carrier is not None:
        code, name = confirmed_carrier
        confirmed = CarrierChoice(code, name if code == "Other" else None, method_name)
    carrier = choose_carrier(mappings, method_id, method_name, confirmed=confirmed)
    if isinstance(carrier, CarrierProblem):
        return Refusal(carrier.code, carrier.reason)
    problem = tracking_problem(carrier, tracking_number)
    if problem is not None:
        code = "tracking_missing" if not tracking_number.strip() else "tracking_format"
        return Refusal(code, problem)

    status = amazon_order.status
    if status is FulfillmentStatus.CANCELLED:
        return Refusal("order_cancelled", "Amazon has cancelled this order; the shipment cannot be confirmed.")
    if status in (FulfillmentStatus.PENDING, FulfillmentStatus.PENDING_AVAILABILITY):
        return Refusal("order_pending", "Amazon has not released this order for shipping yet (pending).")

    item_of_line = {}
    for saleor_line in saleor_order.lines:
        item_id = next((m.value for m in saleor_line.metadata if m.key == ITEM_ID_KEY), None)
        if item_id:
            item_of_line[saleor_line.id] = item_id
    ratios = _item_ratios(line_map)
    ordered = {item.order_item_id: item.quantity_ordered for item in amazon_order.order_items}
    shipped = shipped_quantities(amazon_order)
    units: dict[str, int] = {}
    for line in lines:
        item = item_of_line.get(str(line["order_line_id"]))
        if item is None or item not in ordered:
            return Refusal(
                "line_not_from_amazon",
                "A fulfilled line did not come from this Amazon order; fulfil Amazon lines in their own fulfilment.",
            )
        ratio = ratios.get(item, 1)
        quantity = int(line["quantity"])
        if quantity % ratio:
            return Refusal(
                "quantity_ratio",
                f"{quantity} Saleor units do not make whole Amazon units (SKU mapping ratio {ratio}).",
            )
        units[item] = units.get(item, 0) + quantity // ratio
    if not units:
        return Refusal("no_lines", "The fulfilment has no lines to confirm.")
    serials = sorted(
        item.order_item_id
        for item in amazon_order.order_items
        if item.order_item_id in units
        and item.fulfillment is not None
        and item.fulfillment.packing is not None
        and item.fulfillment.packing.serial_number_requirement is not None
        and item.fulfillment.packing.serial_number_requirement.requirement_type == SERIAL_NUMBERS_REQUIRED
    )
    if serials:  # the app has no codes to give: Amazon would refuse the confirmation
        return Refusal(
            "serial_numbers_required",
            f"Amazon requires serial numbers for order item(s) {', '.join(serials)} and this shipment carries none: "
            "confirm it in Seller Central with the serial numbers.",
        )
    for item, quantity in units.items():
        unshipped = ordered[item] - shipped.get(item, 0) + already_in_package.get(item, 0)
        if quantity > unshipped:
            return Refusal(
                "quantity_exceeds_unshipped",
                f"Order item {item}: {quantity} to ship, but Amazon has only {max(unshipped, 0)} unshipped.",
            )
    return ConfirmShipmentRequest(
        marketplace_id=amazon_order.sales_channel.marketplace_id or "",
        package_detail=PackageDetail(
            package_reference_id=package_reference_id,
            carrier_code=carrier.code,
            carrier_name=carrier.name,
            shipping_method=carrier.shipping_method,
            tracking_number=tracking_number.strip(),
            ship_date=ship_date,
            order_items=[ConfirmShipmentOrderItem(order_item_id=i, quantity=q) for i, q in sorted(units.items())],
        ),
    )
